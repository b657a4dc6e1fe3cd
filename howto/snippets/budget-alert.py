# boto3 version of howto/budget-alert.md.

# [start boto3-create-budget]
import os
import re

import boto3


def reader_name(arn):
    """Your name in the names the guides give things, as their shell blocks make it (READER)."""
    name = re.sub(r"[^a-z0-9]", "-", re.split(r"[/:]", arn)[-1].lower())
    if len(name) <= 16:
        return name
    data, crc = (name + "\n").encode(), 0  # a long name: 10 characters and its POSIX cksum
    for byte in data + len(data).to_bytes(8, "little").rstrip(b"\0"):
        crc ^= byte << 24
        for _ in range(8):
            crc = (crc << 1) ^ (0x04C11DB7 if crc & 0x80000000 else 0)
        crc &= 0xFFFFFFFF
    checksum = f"{~crc & 0xFFFFFFFF} {len(data)}"  # what cksum prints
    return f"{name[:10]}-{checksum[:5]}"


identity = boto3.client("sts").get_caller_identity()
account_id = identity["Account"]
owner = identity["UserId"]
reader = reader_name(identity["Arn"])
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
