"""The tour's own checks, each proven on a small fixture site that breaks it."""

from __future__ import annotations

import pytest

from provenance import capture
from test_tour import check_outputs, tour


def site(tmp_path, *pages: tuple[str, str]):
    """An index page linking to `pages`, each a (name, snippet file text) pair."""
    (tmp_path / "snippets").mkdir(parents=True)
    links = "\n".join(f"- [{name}]({name}.md)" for name, _ in pages)
    (tmp_path / "index.md").write_text(f"# Guides\n\n{links}\n")
    for name, text in pages:
        (tmp_path / "snippets" / f"{name}.sh").write_text(text)
    return tmp_path / "index.md", tmp_path / "snippets"


SIGN_IN = """# [start login] not-emulated: a browser sign-in
aws login
# [end login]
# [stand-in login] aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE && aws configure set aws_secret_access_key x && aws configure set region eu-west-2
"""


def follow(tmp_path, endpoint, shell, *pages):
    index, snippets = site(tmp_path / "site", ("sign-in", SIGN_IN), *pages)
    (tmp_path / "run").mkdir(parents=True)
    return tour(index, snippets, shell, endpoint, tmp_path / "run")


def test_a_fixture_site_that_cleans_up_passes(fresh_account, tmp_path):
    page = ("volume", """# [start make]
VOLUME_ID=$(aws ec2 create-volume --availability-zone eu-west-2a --size 1 --query VolumeId --output text)
# [end make]

# [start cleanup]
for v in $(aws ec2 describe-volumes --query 'Volumes[].VolumeId' --output text); do
  aws ec2 delete-volume --volume-id "$v"
done
# [end cleanup]
""")
    printed = follow(tmp_path, fresh_account, "zsh", page)
    assert set(printed) == {"sign-in", "volume"}


def test_a_trailing_comment_fails_in_zsh(fresh_account, tmp_path):
    page = ("comment", """# [start set]
SIZE=1   # GiB
aws ec2 create-volume --availability-zone eu-west-2a --size "$SIZE"
# [end set]
""")
    with pytest.raises(pytest.fail.Exception, match=r"snippets/comment\.sh:1: \[zsh\] section 'set'"):
        follow(tmp_path, fresh_account, "zsh", page)


def test_an_unquoted_loop_over_a_variable_fails_in_zsh(fresh_account, tmp_path):
    page = ("loop", """# [start loop]
aws ec2 create-volume --availability-zone eu-west-2a --size 1 --output text --query VolumeId
aws ec2 create-volume --availability-zone eu-west-2a --size 1 --output text --query VolumeId
VOLUMES=$(aws ec2 describe-volumes --query 'Volumes[].VolumeId' --output text)
for v in $VOLUMES; do aws ec2 delete-volume --volume-id "$v"; done
# [end loop]
""")
    follow(tmp_path / "bash", fresh_account, "bash", page)  # bash splits $ZONES into words
    with pytest.raises(pytest.fail.Exception, match=r"snippets/loop\.sh:1: \[zsh\] section 'loop': a command failed"):
        follow(tmp_path / "zsh", fresh_account, "zsh", page)


def test_a_leftover_volume_is_named_with_its_page(fresh_account, tmp_path):
    page = ("forgetful", """# [start make]
aws ec2 create-volume --availability-zone eu-west-2a --size 1 --output text --query VolumeId
# [end make]
""")
    with pytest.raises(AssertionError, match=r"left in the account .*EBS volume:vol-\w+ in eu-west-2 \[owner none\], made by forgetful"):
        follow(tmp_path, fresh_account, "bash", page)


def test_a_leftover_of_a_service_no_guide_used_is_found_by_its_owner_tag(fresh_account, tmp_path):
    """A guide in a new service (here AWS Key Management Service) needs no line in inventory.py:
    what it leaves with the owner tag is found through the Resource Groups Tagging API."""
    page = ("key", """# [start make]
aws kms create-key --tags TagKey=crashcourse:owner,TagValue=AIDAEXAMPLEREADER --query KeyMetadata.KeyId --output text
# [end make]
""")
    with pytest.raises(AssertionError, match=r"left in the account .*tagged:arn:aws:kms:eu-west-2:\d+:key/[-\w]+ "
                                             r"\[owner AIDAEXAMPLEREADER\], made by key"):
        follow(tmp_path, fresh_account, "bash", page)


def test_a_reserved_bucket_name_fails(fresh_account, tmp_path):
    page = ("bucket", """# [start make]
aws s3 mb s3://amzn-s3-demo-bucket-111122223333
# [end make]

# [start cleanup]
aws s3 rb s3://amzn-s3-demo-bucket-111122223333
# [end cleanup]
""")
    with pytest.raises(AssertionError, match=r"bucket 'amzn-s3-demo-bucket-111122223333', made by bucket: .*amzn-s3-demo-"):
        follow(tmp_path, fresh_account, "bash", page)


def test_a_variable_from_day_one_is_unknown_at_clean_up(fresh_account, tmp_path):
    page = ("stale", """# [start make]
VOLUME_ID=$(aws ec2 create-volume --availability-zone eu-west-2a --size 1 --query VolumeId --output text)
# [end make]

# [start cleanup]
aws ec2 delete-volume --volume-id "$VOLUME_ID"
# [end cleanup]
""")
    with pytest.raises(pytest.fail.Exception, match=r"snippets/stale\.sh:5: \[bash\] section 'cleanup': a command failed"):
        follow(tmp_path, fresh_account, "bash", page)


def test_a_block_that_never_returns_times_out(fresh_account, tmp_path, monkeypatch):
    monkeypatch.setattr("tour.BLOCK_TIMEOUT", 3)
    page = ("quote", """# [start open]
echo "an unclosed quote
# [end open]
""")
    with pytest.raises(pytest.fail.Exception, match=r"snippets/quote\.sh:1: \[bash\] section 'open' did not finish"):
        follow(tmp_path, fresh_account, "bash", page)


def test_a_leftover_snapshot_is_named_with_its_page(fresh_account, tmp_path):
    page = ("snapshot", """# [start make]
VOLUME_ID=$(aws ec2 create-volume --availability-zone eu-west-2a --size 1 --query VolumeId --output text)
aws ec2 create-snapshot --volume-id "$VOLUME_ID" --query SnapshotId --output text
# [end make]

# [start cleanup]
for v in $(aws ec2 describe-volumes --query 'Volumes[].VolumeId' --output text); do
  aws ec2 delete-volume --volume-id "$v"
done
# [end cleanup]
""")
    with pytest.raises(AssertionError, match=r"left in the account .*EBS snapshot:snap-\w+ in eu-west-2 \[owner none\], made by snapshot"):
        follow(tmp_path, fresh_account, "bash", page)


def test_a_live_capture_is_not_compared_until_its_section_changes(tmp_path, monkeypatch):
    """An output captured on AWS (its provenance says so) wins over the emulator's: the tour neither
    compares nor rewrites it, until the section that printed it changes."""
    snippets, outputs = tmp_path / "snippets", tmp_path / "outputs"
    (outputs / "guide").mkdir(parents=True)
    snippets.mkdir()
    (snippets / "guide.sh").write_text("# [start check]\naws sts get-caller-identity --query Account --output text\n# [end check]\n")
    shown = outputs / "guide" / "check.txt"
    capture(shown, "as AWS printed it\n", source="aws", cli="aws-cli/2.27.0")
    emulated = {"guide": {"check": "as the emulator printed it\n"}}
    check_outputs(outputs, "bash", emulated)  # no failure: the live capture stands
    monkeypatch.setenv("UPDATE_OUTPUTS", "1")
    check_outputs(outputs, "bash", emulated)
    assert shown.read_text() == "as AWS printed it\n"  # and is not rewritten
    monkeypatch.delenv("UPDATE_OUTPUTS")
    (snippets / "guide.sh").write_text("# [start check]\naws sts get-caller-identity --query Account --output text --no-paginate\n# [end check]\n")
    with pytest.raises(AssertionError, match="guide/check.txt:1: \\[bash\\] the page shows output that the command no longer prints"):
        check_outputs(outputs, "bash", emulated)
