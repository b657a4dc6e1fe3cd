# boto3 examples for howto/s3-data.md. They read DATA_BUCKET and DATA_DIR, which step 1 exports:
# the bucket, and the folder that holds the sample files of step 2.

# [start boto3-upload]
import os
from pathlib import Path

import boto3
from boto3.s3.transfer import TransferConfig

bucket = os.environ["DATA_BUCKET"]  # exported by the page's first step
folder = Path(os.environ["DATA_DIR"])  # exported by step 1 too: ~/crashcourse-s3
s3 = boto3.client("s3")

# Files larger than 64 MB go up in 64 MB parts, 20 at a time.
config = TransferConfig(multipart_threshold=64 * 1024**2, multipart_chunksize=64 * 1024**2, max_concurrency=20)
s3.upload_file(
    str(folder / "sample1.fastq.gz"),
    bucket,
    "reads/sample3.fastq.gz",
    ExtraArgs={"StorageClass": "INTELLIGENT_TIERING"},
    Config=config,
)
# [end boto3-upload]

# [start boto3-download]
target = folder / "from-s3" / "sample3.fastq.gz"
target.parent.mkdir(parents=True, exist_ok=True)
s3.download_file(bucket, "reads/sample3.fastq.gz", str(target))
print(target.stat().st_size, "bytes downloaded")
# [end boto3-download]
