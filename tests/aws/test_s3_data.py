"""howto/s3-data.md: a bucket named from the reader's account and Region, data in and out, storage
classes, a lifecycle rule, transfer settings in the reader's own profile, and the Python tab.

The reader followed choose-region, so their profile has a Region (the config file written
here); the Python tab runs as a new process that sees only what the CLI steps exported; and
the clean-up runs in a new terminal that knows none of the page's variables.
"""

import configparser
import os
import subprocess

from conftest import EMULATED_READER, OWNER_TAG, SNIPPETS, parse_sections
from s3rules import valid_bucket_name
from shown_outputs import outputs_test

test_outputs = outputs_test("s3-data")  # its shown outputs (shown_outputs.py)

ACCOUNT = "123456789012"  # moto's account


def exported(g) -> dict[str, str]:
    """The variables the page's CLI steps `export`ed, which a Python process started from that
    terminal inherits. The runner keeps its shell's upper-case variables in state.sh, exported
    or not, with the environment it started the shell with; those are left out here."""
    out = subprocess.run(
        ["env", "-i", "bash", "--norc", "-c", "source state.sh && env -0"],
        cwd=g.workdir, capture_output=True, text=True, check=True,
    ).stdout
    pairs = dict(item.split("=", 1) for item in out.split("\0") if "=" in item)
    return {k: v for k, v in pairs.items() if k not in g.env and k not in ("PWD", "SHLVL", "_", "OLDPWD")}


def test_s3_data(guide, monkeypatch):
    g = guide("s3-data")
    g.run()
    assert not g.json_left_in_home(), g.json_left_in_home()
    s3 = g.client("s3")
    bucket = g.var("DATA_BUCKET")
    assert bucket == f"crashcourse-data-{EMULATED_READER}-{ACCOUNT}-us-east-1"
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [OWNER_TAG]
    assert s3.get_bucket_abac(Bucket=bucket)["AbacStatus"]["Status"] == "Enabled"
    assert valid_bucket_name(bucket) == []
    assert g.outputs["name-bucket"].strip() == bucket
    assert g.outputs["make-bucket"].splitlines() == [f"make_bucket: {bucket}", "Enabled"]
    # Pasted again: the same bucket, found by name and owner tag, neither made again nor changed.
    (make,) = [s for s in g.sections() if s.name == "make-bucket"]
    g._bash([make], g.workdir / "state.sh", g.workdir / "state-again.sh")
    assert g.outputs["make-bucket"].splitlines() == ["Enabled"]
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [OWNER_TAG]

    objects = {o["Key"]: o for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert set(objects) == {
        "reads/sample1.fastq.gz",
        "reads/sample2.fastq.gz",
        "runs/run42/sample1_R1.fastq.gz",
        "runs/run42/sample1_R2.fastq.gz",
        "archive/run42/sample1_R1.fastq.gz",
        "archive/run42/sample1_R2.fastq.gz",
    }  # the --exclude kept run42/align.tmp out of both syncs
    assert objects["reads/sample2.fastq.gz"]["StorageClass"] == "INTELLIGENT_TIERING"
    assert objects["archive/run42/sample1_R1.fastq.gz"]["StorageClass"] == "DEEP_ARCHIVE"
    assert objects["reads/sample1.fastq.gz"]["StorageClass"] == "STANDARD"
    folder = g.workdir / "crashcourse-s3"  # ~/crashcourse-s3: the runner's HOME is its workdir
    assert (folder / "from-s3" / "run42" / "sample1_R2.fastq.gz").is_file()

    # The transfer settings went to the profile the commands use: here the default one.
    config = configparser.ConfigParser()
    config.read(g.workdir / "config")
    assert "multipart_chunksize = 64MB" in config["default"]["s3"]
    assert "max_concurrent_requests = 20" in config["default"]["s3"]
    assert g.outputs["multipart-config"].strip() == "64MB"

    rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]}
    glacier = rules["runs-to-glacier-after-30-days"]
    assert glacier["Filter"]["Prefix"] == "runs/"
    assert glacier["Transitions"] == [{"Days": 30, "StorageClass": "GLACIER"}]
    assert rules["abort-incomplete-multipart-uploads"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}

    # The Python tab, as a new process started from the reader's terminal, after their steps.
    variables = exported(g)
    assert variables == {"DATA_BUCKET": bucket}
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    out = g.run_python()
    assert "bytes downloaded" in out
    assert (folder / "from-s3" / "sample3.fastq.gz").is_file()
    head = s3.head_object(Bucket=bucket, Key="reads/sample3.fastq.gz")
    assert head["StorageClass"] == "INTELLIGENT_TIERING"

    # Another bucket of the reader's stays; the page's bucket and local folder go.
    s3.create_bucket(Bucket=f"crashcourse-other-{ACCOUNT}-us-east-1")
    (g.workdir / "state.sh").write_text("")  # the next day: a new terminal, none of the variables
    g.cleanup()
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [f"crashcourse-other-{ACCOUNT}-us-east-1"]
    assert not folder.exists()
    g.cleanup()  # pasted again: finds nothing, fails on nothing


def test_transfer_settings_go_to_the_profile_in_use(tmp_path):
    """A reader who signed in with a named profile (AWS_PROFILE) gets the settings in that
    profile, which is the one their `aws s3` commands read; `default.s3.…` would have written
    them to [default], which those commands never read."""
    (section,) = [s for s in parse_sections(SNIPPETS / "s3-data.sh") if s.name == "multipart-config"]
    config = tmp_path / "config"
    config.write_text("[default]\nregion = us-east-1\n\n[profile research]\nregion = eu-west-2\n")
    env = {
        "PATH": os.environ["PATH"], "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(config), "AWS_PROFILE": "research",
    }
    out = subprocess.run(["bash", "-c", "set -e\n" + section.code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "64MB"
    written = configparser.ConfigParser()
    written.read(config)
    assert "multipart_chunksize = 64MB" in written["profile research"]["s3"]
    assert "s3" not in written["default"]
