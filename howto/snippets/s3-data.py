# boto3 examples for howto/s3-data.md.

# [start boto3-upload]
import os

import boto3
from boto3.s3.transfer import TransferConfig

bucket = os.environ["BUCKET"]  # the bucket name you chose in step 1
s3 = boto3.client("s3")

# Files larger than 64 MB go up in 64 MB parts, 20 at a time.
config = TransferConfig(multipart_threshold=64 * 1024**2, multipart_chunksize=64 * 1024**2, max_concurrency=20)
s3.upload_file(
    "sample1.fastq.gz",
    bucket,
    "reads/sample3.fastq.gz",
    ExtraArgs={"StorageClass": "INTELLIGENT_TIERING"},
    Config=config,
)
# [end boto3-upload]

# [start boto3-download]
s3.download_file(bucket, "reads/sample3.fastq.gz", "sample3.fastq.gz")
print(os.path.getsize("sample3.fastq.gz"), "bytes downloaded")
# [end boto3-download]
