"""The public dataset the tutorial reads, stood in for by a tiny file of the same format.

The tutorial (tutorials/first-analysis-1-data.md) copies reads from the GATK test data bucket of the Registry of Open
Data on AWS (s3://gatk-test-data, in us-east-1). The emulator has no public datasets, so the
tests create that bucket, in the Region of the real one, with a few reads in FASTQ format at the
real keys, before the reader starts.
"""

from __future__ import annotations

import boto3

BUCKET = "gatk-test-data"
REGION = "us-east-1"  # where the real bucket is
PREFIX = "wgs_fastq/NA12878_20k/"
READS = "H06HDADXX130110.1.ATCACGAT.20k_reads_{end}.fastq"


def fastq(end: int) -> str:
    """Four reads of one end of a pair, four lines each, like the real file (shorter reads, made up)."""
    reads = [
        ("1101:1228:2134", "NTGGCAGCCTAGGCACTGAATCCAGT"),
        ("1101:1331:2198", "GGGTTAGGGTTAGGGTTAGGGTTAGGGTTA"),
        ("1101:1455:2091", "ACCTGAAATTTTATTTCCAGG"),
        ("1101:1593:2240", "CCGCGGCCTCAGCCACGTCGCGGCGG"),
    ]
    if end == 2:  # the other end of each fragment: here, its reverse complement
        reads = [(tile, seq[::-1].translate(str.maketrans("ACGTN", "TGCAN"))[:-2]) for tile, seq in reads]
    return "".join(
        f"@H06HDADXX130110:1:{tile}/{end}\n{seq}\n+\n{'#' + 'I' * (len(seq) - 1)}\n" for tile, seq in reads
    )


def expected_stats(text: str) -> str:
    """What the tutorial's analysis should print for a FASTQ text, computed independently in Python."""
    sequences = text.splitlines()[1::4]
    bases = sum(len(s) for s in sequences)
    gc = sum(s.upper().count("G") + s.upper().count("C") for s in sequences)
    return (
        f"reads\t{len(sequences)}\nbases\t{bases}\n"
        f"mean_length\t{bases / len(sequences):.1f}\ngc_percent\t{100 * gc / bases:.1f}\n"
    )


def seed_public_data(endpoint: str) -> dict[str, str]:
    """Create the public bucket with both ends' reads in the emulator at `endpoint`; return key -> text."""
    s3 = boto3.client(
        "s3", endpoint_url=endpoint, region_name=REGION,
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
    s3.create_bucket(Bucket=BUCKET)
    files = {PREFIX + READS.format(end=end): fastq(end) for end in (1, 2)}
    for key, text in files.items():  # anyone may read them (moto judges unsigned reads by the ACL)
        s3.put_object(Bucket=BUCKET, Key=key, Body=text.encode(), ACL="public-read")
    return files
