"""Run howto/budget-alert.md against the emulator."""

from pathlib import Path

from conftest import EMULATED_READER
from shown_outputs import outputs_test

test_outputs = outputs_test("budget-alert")  # its shown outputs (shown_outputs.py)

ACCOUNT = "123456789012"  # moto's account; the page shows 111122223333


def test_budget_alert(guide):
    g = guide("budget-alert")
    g.run()
    assert not g.json_left_in_home(), g.json_left_in_home()
    budgets = g.client("budgets")
    assert g.var("ACCOUNT_ID") == ACCOUNT

    name = f"crashcourse-monthly-spend-{EMULATED_READER}"
    budget = budgets.describe_budget(AccountId=ACCOUNT, BudgetName=name)["Budget"]
    assert budget["BudgetType"] == "COST" and budget["TimeUnit"] == "MONTHLY"
    assert float(budget["BudgetLimit"]["Amount"]) == 50 and budget["BudgetLimit"]["Unit"] == "USD"
    notes = budgets.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName=name)["Notifications"]
    assert sorted((n["NotificationType"], n["Threshold"], n["ThresholdType"]) for n in notes) == [
        ("ACTUAL", 80, "PERCENTAGE"), ("FORECASTED", 100, "PERCENTAGE"),
    ]
    # moto does not implement DescribeSubscribersForNotification: read the address from the file sent.
    assert (Path(g.var("BUDGET_DIR")) / "notifications.json").read_text().count('"Address": "you@example.com"') == 2

    # The Python tab makes the same budget: a reader follows one tab or the other.
    budgets.delete_budget(AccountId=ACCOUNT, BudgetName=name)
    g.run_python()
    python_budget = budgets.describe_budget(AccountId=ACCOUNT, BudgetName=name)["Budget"]
    assert float(python_budget["BudgetLimit"]["Amount"]) == 50

    g.cleanup()
    assert not budgets.describe_budgets(AccountId=ACCOUNT).get("Budgets")
