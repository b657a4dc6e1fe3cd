# boto3 version of howto/budget-alert.md.

# [start boto3-create-budget]
import os

import boto3

account_id = boto3.client("sts").get_caller_identity()["Account"]
budgets = boto3.client("budgets")


def alert(kind, percent):
    return {
        "Notification": {
            "NotificationType": kind,  # ACTUAL or FORECASTED
            "ComparisonOperator": "GREATER_THAN",
            "Threshold": percent,
            "ThresholdType": "PERCENTAGE",
        },
        "Subscribers": [{"SubscriptionType": "EMAIL", "Address": os.environ["BUDGET_EMAIL"]}],
    }


budgets.create_budget(
    AccountId=account_id,
    Budget={
        "BudgetName": "crashcourse-monthly-spend",
        "BudgetType": "COST",
        "TimeUnit": "MONTHLY",
        "BudgetLimit": {"Amount": "50", "Unit": "USD"},
    },
    NotificationsWithSubscribers=[alert("ACTUAL", 80), alert("FORECASTED", 100)],
)
# [end boto3-create-budget]
