"""Run howto/budget-alert.md against the emulator; and, with step 2's placeholder left as it
stands or in quotes, steps 1 to 4 in bash and zsh create no budget and step 4 says why (a fixture,
step 4 as it was, is named), as the Python tab does with no address."""

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EMULATED_READER, ROOT, SNIPPETS, parse_sections
from shown_outputs import outputs_test
from tour import Shell

test_outputs = outputs_test("budget-alert")  # its shown outputs (shown_outputs.py)

ACCOUNT = "123456789012"  # moto's account; the page shows 111122223333
UNGUARDED = Path(__file__).parent / "fixtures" / "budget-alert-unguarded.sh"
NO_BUDGET = "No budget was created: "
# Step 2's placeholder as a reader may leave it: pasted as it stands (the shell refuses the line,
# so BUDGET_EMAIL stays empty), or put in quotes (BUDGET_EMAIL is the placeholder itself).
LEFT = {"as-it-stands": "<email-address>", "in-quotes": "'<email-address>'"}


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

    # Step 4 pasted again: the budget is found by name, and neither made again nor changed.
    (create,) = [s for s in g.sections() if s.name == "create-budget"]
    g._bash([create], g.workdir / "state.sh", g.workdir / "state-again.sh")
    assert g.outputs["create-budget"] == f"Budget {name} exists already: nothing was changed.\n"

    # The Python tab makes the same budget: a reader follows one tab or the other.
    budgets.delete_budget(AccountId=ACCOUNT, BudgetName=name)
    g.run_python()
    python_budget = budgets.describe_budget(AccountId=ACCOUNT, BudgetName=name)["Budget"]
    assert float(python_budget["BudgetLimit"]["Amount"]) == 50

    g.cleanup()
    assert not budgets.describe_budgets(AccountId=ACCOUNT).get("Budgets")


def placeholder_left(g, shell: str, step_4: Path, left: str) -> list[str]:
    """Steps 1 to 3 of the page and step 4 from `step_4` pasted into one terminal with step 2's
    placeholder left as `left`: each problem (a command of steps 3 or 4 failed, a budget was made,
    step 4 did not say that none was), named with the file and line of the section."""
    sections = {s.name: s for s in parse_sections(SNIPPETS / "budget-alert.sh")}
    sections["create-budget"] = next(s for s in parse_sections(step_4) if s.name == "create-budget")
    files = {name: SNIPPETS / "budget-alert.sh" for name in sections} | {"create-budget": step_4}
    terminal = Shell(shell, g.env, g.workdir)
    problems = []
    try:
        for name in ("account-id", "set-email", "budget-files", "create-budget"):
            section = sections[name]
            where = f"{files[name].relative_to(ROOT)}:{section.line}"
            out, failed = terminal.paste(section.filled({"<email-address>": left}))
            if name == "set-email":
                continue  # as it stands, the shell refuses its first line: that is the point
            if failed:
                problems.append(f"{where}: [{shell}] section {name!r} failed (exit {', '.join(failed)}):\n"
                                f"{terminal.stderr()}")
            if name == "create-budget" and not out.startswith(NO_BUDGET):
                problems.append(f"{where}: [{shell}] section {name!r} does not say that no budget was created; "
                                f"it printed: {out!r}")
    finally:
        terminal.close()
    if budgets := g.client("budgets").describe_budgets(AccountId=ACCOUNT).get("Budgets"):
        where = f"{step_4.relative_to(ROOT)}:{sections['create-budget'].line}"
        problems.append(f"{where}: [{shell}] a budget was created with step 2's placeholder {left!r}: "
                        f"{[b['BudgetName'] for b in budgets]}")
    return problems


@pytest.mark.parametrize("left", LEFT)
@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_a_placeholder_left_creates_no_budget(guide, shell, left):
    g = guide("budget-alert")
    assert placeholder_left(g, shell, SNIPPETS / "budget-alert.sh", LEFT[left]) == []


@pytest.mark.parametrize("left", LEFT)
def test_a_step_4_that_creates_whatever_it_is_given_is_named(guide, left):
    g = guide("budget-alert")
    problems = placeholder_left(g, "bash", UNGUARDED, LEFT[left])
    assert problems and all(p.startswith(f"{UNGUARDED.relative_to(ROOT)}:7: [bash]") for p in problems), problems


def test_the_python_tab_creates_no_budget_without_an_address(guide):
    g = guide("budget-alert")
    code = "\n".join(s.code for s in g.sections(".py") if not s.reason)
    result = subprocess.run([sys.executable, "-c", code], env={**g.env, "BUDGET_EMAIL": ""}, cwd=g.workdir,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and result.stderr.startswith(NO_BUDGET), result.stderr
    assert not g.client("budgets").describe_budgets(AccountId=ACCOUNT).get("Budgets")
