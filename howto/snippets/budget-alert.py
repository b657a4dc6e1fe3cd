# boto3 version of howto/budget-alert.md.

# [start boto3-create-budget]
import os
import re

import boto3

identity = boto3.client("sts").get_caller_identity()
account_id = identity["Account"]
owner = identity["UserId"]
reader = re.sub(r"[^a-z0-9]", "-", identity["Arn"].rsplit("/", 1)[-1].lower())[:16]
budgets = boto3.client("budgets")
email = os.environ.get("BUDGET_EMAIL", "")  # exported by step 2
if "@" not in email:
    raise SystemExit("No budget was created: BUDGET_EMAIL holds no email address. Paste step 2 "
                     "with your address in the terminal you start Python from, then run this again.")


def alert(kind, percent):
    return {
        "Notification": {
            "NotificationType": kind,  # ACTUAL or FORECASTED
            "ComparisonOperator": "GREATER_THAN",
            "Threshold": percent,
            "ThresholdType": "PERCENTAGE",
        },
        "Subscribers": [{"SubscriptionType": "EMAIL", "Address": email}],
    }


budgets.create_budget(
    AccountId=account_id,
    Budget={
        "BudgetName": f"crashcourse-monthly-spend-{reader}",
        "BudgetType": "COST",
        "TimeUnit": "MONTHLY",
        "BudgetLimit": {"Amount": "50", "Unit": "USD"},
    },
    NotificationsWithSubscribers=[alert("ACTUAL", 80), alert("FORECASTED", 100)],
    ResourceTags=[{"Key": "crashcourse:owner", "Value": owner}],
)
# [end boto3-create-budget]
