"""Every shown output of an `aws` command prints what botocore's output shape says AWS prints.

tests/aws/outputshapes.py reads each shown output's section as bash does, works out what its
commands print (its docstring says how) and matches the output against that: members the shape
lacks, values AWS CLI version 2 prints otherwise (a Double without its decimal point), an empty
output where the operation's output shape has members, lines no command prints. botocore's models
decide; this module reads only the sources (marked `sources`): `nox -s check` runs it.
"""

from __future__ import annotations

import pytest

from conftest import ROOT
from outputshapes import problems  # tests/aws/ (on sys.path: tests/conftest.py)

pytestmark = pytest.mark.sources

FIXTURES = ROOT / "tests" / "aws" / "fixtures" / "output-shapes"
SNIPPET = "tests/aws/fixtures/output-shapes/howto/snippets/shapes.sh"
OUTPUTS = "tests/aws/fixtures/output-shapes/howto/outputs/shapes"


def test_every_shown_output_fits_its_output_shape():
    found = problems()
    assert not found, "\n".join(found)


def test_fixtures_fail_naming_the_output_file_and_line():
    assert problems(FIXTURES) == [
        f"{OUTPUTS}/delete-group.txt:1: aws ec2 delete-security-group prints DeleteSecurityGroup's output "
        f"(Return, GroupId): the shown output has nothing from it here ({SNIPPET}:10)",
        f"{OUTPUTS}/double.txt:2: DescribeNotificationsForBudgetResponse.Notifications[].Threshold (Double) is a "
        f"Double: AWS prints it with its decimal point (`100.0`), not `100` "
        f"(aws budgets describe-notifications-for-budget, {SNIPPET}:4)",
        f"{OUTPUTS}/member.txt:4: `Deleted` is not a member of DeleteSecurityGroupResult: its members are Return, "
        f"GroupId (aws ec2 delete-security-group, {SNIPPET}:15)",
        f"{OUTPUTS}/query-member.txt:1: {SNIPPET}:19: --query 'SecurityGroups[0].GroupNames': `GroupNames` is not "
        "a member of SecurityGroup (DescribeSecurityGroupsResult.SecurityGroups[]); its members are GroupId, "
        "IpPermissionsEgress, Tags, VpcId, SecurityGroupArn, OwnerId, GroupName, Description, IpPermissions",
    ]


def test_an_ifs_third_branch_may_print(tmp_path):
    """bashlex nests an `if`'s third branch on (the second `elif`) in a reserved word: what it prints
    is one of the section's outputs, and a line no branch prints is still named."""
    from outputshapes import check
    from snippets import parse_sections

    snippet = tmp_path / "x.sh"
    snippet.write_text('# [start s]\nif [ "$A" = 1 ]; then\n  echo one\nelif [ "$A" = 2 ]; then\n  echo two\n'
                       'elif [ "$A" = 3 ]; then\n  echo three\nfi\n# [end s]\n')
    (section,) = parse_sections(snippet)
    output = tmp_path / "s.txt"
    output.write_text("three\n")
    assert check(output, snippet, section) == []
    output.write_text("four\n")
    assert check(output, snippet, section) != []
