"""The "AWS CLI commands" page describes every command in one real sentence.

Its descriptions come from botocore's documentation (the first sentence after any leading
note) or, by hand, from reference/cli-commands.toml; these tests read the same sources the
build does, without building.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_commands import (  # the site's own extension
    CLI_DESCRIPTIONS,
    _first_sentence,
    cli_commands,
    cli_descriptions,
    command_name,
    describe_cli_command,
    description_problem,
)
from sources import ROOT

pytestmark = pytest.mark.sources

HAND = cli_descriptions(ROOT / CLI_DESCRIPTIONS)
USED = sorted(cli_commands(ROOT))


def bad_descriptions(commands, hand) -> list[str]:
    problems = []
    for service, command in commands:
        text = describe_cli_command(service, command, hand)
        if problem := description_problem(text):
            problems.append(f"{command_name(service, command)}: {text!r}: {problem}; write one under [override] in {CLI_DESCRIPTIONS}")
    return problems


def test_every_command_on_the_page_has_a_real_description():
    assert len(USED) >= 50, USED
    problems = bad_descriptions(USED, HAND)
    assert not problems, "\n".join(problems)


def test_every_hand_written_description_is_a_sentence_and_is_used():
    problems = [f"{CLI_DESCRIPTIONS}: {key!r}: {p}" for key, text in HAND.items() if (p := description_problem(text))]
    used = {f"{service} {command}".rstrip() for service, command in USED}
    problems += [f"{CLI_DESCRIPTIONS}: {key!r} is run by no snippet; delete it" for key in HAND if key not in used]
    assert not problems, "\n".join(problems)


def test_leading_notes_are_skipped():
    html = (
        "<note> <p>This operation is not supported for directory buckets.</p> </note>"
        "<important><p>End of support notice: soon.</p></important>"
        "<p>Deletes the <code>cors</code> configuration information set for the bucket. More.</p>"
    )
    assert _first_sentence(html) == "Deletes the cors configuration information set for the bucket."


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "it is empty"),
        ("This operation is not supported for directory buckets.", "it is a note, not a description"),
        ("Amazon SNS message data protection is no longer available to new customers.", "it is a note, not a description"),
        ("DEPRECATED - CreateTags is deprecated and not maintained.", "it is a note, not a description"),
        ("creates a bucket.", "it is not a sentence (a capital letter, three words or more, a full stop)"),
        ("Creates a bucket", "it is not a sentence (a capital letter, three words or more, a full stop)"),
        ("Deletes.", "it is not a sentence (a capital letter, three words or more, a full stop)"),
        ("Creates a new, empty file system.", None),
    ],
)
def test_description_checker(text, problem):
    assert description_problem(text) == problem


def test_an_override_replaces_botocore_and_a_bad_one_is_reported():
    assert describe_cli_command("ec2", "modify-volume", {}).startswith("You can modify")
    assert describe_cli_command("ec2", "modify-volume", {"ec2 modify-volume": "Grows it."}) == "Grows it."
    assert bad_descriptions([("ec2", "create-vpc"), ("s3", "cp")], {"s3 cp": "Note: copies."}) == [
        f"aws s3 cp: 'Note: copies.': it is a note, not a description; write one under [override] in {CLI_DESCRIPTIONS}"
    ]


def test_a_cli_command_with_no_description_stops_the_build(tmp_path: Path):
    from sphinx.errors import ExtensionError

    with pytest.raises(ExtensionError, match=r"describe it under \[cli\] in reference/cli-commands.toml"):
        describe_cli_command("s3", "presign-everything", {})
    with pytest.raises(ExtensionError, match=r"`aws whoami` is not a command botocore describes.*\[cli\]"):
        describe_cli_command("whoami", "", {})
    assert describe_cli_command("login", "", HAND).startswith("Signs in")


def test_a_message_that_echo_prints_runs_no_command():
    """`echo "Not signed in: run aws login ..."` names a command for the learner to type, and runs
    none; a command in a `$( )` inside the message still runs."""
    from cli_commands import AWS_COMMAND, ECHOED

    def found(line: str) -> list[tuple[str, str]]:
        return AWS_COMMAND.findall(ECHOED.sub("echo", line))

    assert found('  echo "Not signed in: run aws login (or aws sso login), then paste this block again"') == []
    assert found('echo "instances: $(aws ec2 describe-instances --output text)"') == [("ec2", "describe-instances")]
    assert AWS_COMMAND.findall('echo "run aws login"') == [("login", "")], "the pattern alone would count it"
