"""The public dataset the tutorial reads, stood in for by made-up files of the same shape.

The tutorial (tutorials/first-analysis-1-data.md) copies reads from the GATK test data bucket of the Registry of Open
Data on AWS (s3://gatk-test-data, in us-east-1). The emulator has no public datasets, so the
tests create that bucket, in the Region of the real one, with reads in FASTQ format at the real
keys, before the reader starts.

Each real file of the pair holds 10,000 reads of 250 bases (READS_PER_FILE, READ_LENGTH): FastQC
on the first file counts "2x 10k reads" for the pair (mattgalbraith/fastqc-docker-singularity,
README.md), and the same run as an unmapped BAM, H06HDADXX130110.1.ATCACGAT.20k_reads.bam, holds
20,000 reads and 5,000,000 bases (arm-hpc-user-group/Cloud-HPC-Hackathon-2021,
Applications/Applications/gatk/README.md: `samtools view -c` prints 20000). The stand-in files
have that shape, so the counts the tutorial shows (reads, lines, bases, mean length) are the real files';
their bases are made up, so the GC content and the reads with an N are not, and
rules/live-capture.toml marks those lines.
"""

from __future__ import annotations

import functools
import random

import boto3

BUCKET = "gatk-test-data"
REGION = "us-east-1"  # where the real bucket is
PREFIX = "wgs_fastq/NA12878_20k/"
READS = "H06HDADXX130110.1.ATCACGAT.20k_reads_{end}.fastq"


READS_PER_FILE = 10_000
READ_LENGTH = 250


@functools.cache
def fastq(end: int) -> str:
    """One end of the pair: READS_PER_FILE reads of READ_LENGTH made-up bases (about 40% G or C at
    the first end, 42% at the second, and an N in one read in fifty), four lines each, with the
    real file's kind of header."""
    draw = random.Random(f"NA12878_20k end {end}")
    weights = (3, 2, 2, 3) if end == 1 else (29, 21, 21, 29)
    records = []
    for i in range(READS_PER_FILE):
        bases = draw.choices("ACGT", weights=weights, k=READ_LENGTH)
        if i % 50 == 0:
            bases[draw.randrange(READ_LENGTH)] = "N"
        tile, x, y = 1101 + i // 2500, 1000 + (i * 37) % 20000, 2000 + (i * 91) % 100000
        records.append(f"@H06HDADXX130110:1:{tile}:{x}:{y}/{end}\n{''.join(bases)}\n+\n#{'I' * (READ_LENGTH - 1)}\n")
    return "".join(records)


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
