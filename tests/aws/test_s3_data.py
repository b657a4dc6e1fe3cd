"""Run howto/s3-data.md against the emulator."""


def test_s3_data(guide):
    g = guide("s3-data")
    g.run()
    s3 = g.client("s3")
    bucket = g.var("BUCKET")
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
    assert (g.workdir / "downloads" / "run42" / "sample1_R2.fastq.gz").is_file()
    assert "64MB" in (g.workdir / "config").read_text()

    rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]}
    glacier = rules["runs-to-glacier-after-30-days"]
    assert glacier["Filter"]["Prefix"] == "runs/"
    assert glacier["Transitions"] == [{"Days": 30, "StorageClass": "GLACIER"}]
    assert rules["abort-incomplete-multipart-uploads"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}

    out = g.run_python()
    assert "bytes downloaded" in out
    head = s3.head_object(Bucket=bucket, Key="reads/sample3.fastq.gz")
    assert head["StorageClass"] == "INTELLIGENT_TIERING"

    g.cleanup()
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
