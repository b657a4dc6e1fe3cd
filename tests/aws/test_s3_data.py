"""howto/s3-data.md: a bucket named from the reader's account and Region, data in and out, storage
classes, a lifecycle rule, transfer settings in the reader's own profile, and the Python tab.

The reader followed choose-region, so their profile has a Region (the config file written
here); the Python tab runs as a new process that sees only what the CLI steps exported; and
the clean-up runs in a new terminal that knows none of the page's variables. A reader who comes
back in a new terminal, which opens in whatever folder it opens in, pastes step 1 again and goes
on: every later block, each pasted twice into such a terminal, works, writes nothing into that
folder and, pasted again, changes nothing it should not (a fixture, the blocks as they were with
`cd` and relative paths, is named).
"""

import configparser
import os
import subprocess
from pathlib import Path

import pytest

from conftest import EMULATED_READER, OWNER_TAG, ROOT, SNIPPETS, parse_sections
from s3rules import valid_bucket_name
from shown_outputs import outputs_test
from tour import Shell, steps

test_outputs = outputs_test("s3-data")  # its shown outputs (shown_outputs.py)

ACCOUNT = "123456789012"  # moto's account
BUCKET = f"crashcourse-data-{EMULATED_READER}-{ACCOUNT}-us-east-1"
OBJECTS = {
    "reads/sample1.fastq.gz",
    "reads/sample2.fastq.gz",
    "runs/run42/sample1_R1.fastq.gz",
    "runs/run42/sample1_R2.fastq.gz",
    "archive/run42/sample1_R1.fastq.gz",
    "archive/run42/sample1_R2.fastq.gz",
}  # the --exclude keeps run42/align.tmp out of both syncs
ARCHIVED = {"GLACIER", "DEEP_ARCHIVE"}  # classes with a minimum storage duration
RELATIVE_PATHS = Path(__file__).parent / "fixtures" / "s3-data-relative-paths.sh"


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
    assert bucket == BUCKET
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
    assert set(objects) == OBJECTS
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
    assert variables == {"DATA_BUCKET": bucket, "DATA_DIR": str(folder)}
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


def objects_kept(s3) -> dict[str, tuple]:
    """The page's bucket as a second paste must leave it: each object's storage class and content,
    and, for an archived one, when it was written (a copy written again to S3 Glacier Deep Archive
    is billed for the rest of its minimum duration)."""
    if BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        return {}
    return {o["Key"]: (o["StorageClass"], o["ETag"], o["LastModified"] if o["StorageClass"] in ARCHIVED else None)
            for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def pasted_in_new_terminals(g, shell: str, snippet: Path) -> list[str]:
    """Every block of `snippet` but step 1, in page order, each pasted twice into a new terminal that
    opened in a folder of its own (not HOME, not the data folder), after the page's step 1, as the
    page tells a reader who comes back: each problem, named with the section's file and line. A
    block must not fail, write into the terminal's folder, or change the bucket when pasted again."""
    first = steps(SNIPPETS / "s3-data.sh", cleanup=False, reader_values=False)[0]
    assert first.section.name == "name-bucket", first.where()
    rest = [s for s in steps(snippet, cleanup=False, reader_values=False) if s.section.name != "name-bucket"]
    s3 = g.client("s3")
    problems = []
    for n, step in enumerate(rest):
        opened_in = g.workdir / f"terminal-{n}"
        opened_in.mkdir()
        terminal = Shell(shell, g.env, opened_in)
        try:
            terminal.paste(first.code)
            for paste in ("first", "second"):
                before = objects_kept(s3)
                _, failed = terminal.paste(step.code)
                if failed:
                    problems.append(f"{step.where()}: [{shell}] section {step.section.name!r}, {paste} paste in a new "
                                    f"terminal in another folder, after step 1: a command failed (exit "
                                    f"{', '.join(failed)}):\n{terminal.stderr()}")
                    break
                if paste == "second" and objects_kept(s3) != before:
                    problems.append(f"{step.where()}: [{shell}] section {step.section.name!r} pasted again "
                                    f"changed the bucket: {before} -> {objects_kept(s3)}")
        finally:
            terminal.close()
        if written := sorted(p.name for p in opened_in.iterdir()):
            problems.append(f"{step.where()}: [{shell}] section {step.section.name!r} wrote into the terminal's "
                            f"own folder: {written}")
    return problems


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_every_block_works_from_a_new_terminal_in_another_folder(guide, shell):
    g = guide("s3-data")
    assert pasted_in_new_terminals(g, shell, SNIPPETS / "s3-data.sh") == []
    s3 = g.client("s3")
    assert {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]} == OBJECTS
    folder = g.workdir / "crashcourse-s3"  # DATA_DIR: the runner's HOME is its workdir
    assert (folder / "from-s3" / "run42" / "sample1_R2.fastq.gz").is_file()


def test_a_block_that_relies_on_the_current_folder_is_named(guide):
    """The fixture's copy-up names its file relative to the folder that sample-data moved the
    terminal into; in a new terminal it fails, after step 1 as before it."""
    g = guide("s3-data")
    problems = pasted_in_new_terminals(g, "bash", RELATIVE_PATHS)
    where = f"{RELATIVE_PATHS.relative_to(ROOT)}:16: [bash] section 'copy-up', first paste"
    assert len(problems) == 1 and problems[0].startswith(where), problems
    assert "sample1.fastq.gz does not exist" in problems[0], problems[0]


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
