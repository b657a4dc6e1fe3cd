# Commands for the tutorial "Your first analysis on AWS" (part 4) that the reader types on the instance, in the
# Session Manager shell (sh, as ssm-user, on Amazon Linux 2023). Checked with `shellcheck -s sh`.
# Sections hold no comments, like those the reader pastes on their own computer.
#
# The tests run these in `sh` against the emulator, with the instance metadata service served as
# on the instance (tests/aws/imds.py) and the role's policies judged by an IAM evaluator
# (tests/aws/iamgate.py), which refuses try-elsewhere as AWS does.

# [start where-am-i]
cd ~ && pwd
TUTORIAL_TOKEN=$(curl -sS -X PUT http://169.254.169.254/latest/api/token \
  -H "X-aws-ec2-metadata-token-ttl-seconds: 300")
TUTORIAL_REGION=$(curl -sS -H "X-aws-ec2-metadata-token: $TUTORIAL_TOKEN" \
  http://169.254.169.254/latest/meta-data/placement/region)
export AWS_DEFAULT_REGION="$TUTORIAL_REGION"
TUTORIAL_ROLE_ARN=$(aws sts get-caller-identity --query Arn --output text)
TUTORIAL_READER=$(echo "$TUTORIAL_ROLE_ARN" | cut -d/ -f2 | sed 's/^crashcourse-first-analysis-//')
TUTORIAL_BUCKET="crashcourse-lesson-$TUTORIAL_READER-$(echo "$TUTORIAL_ROLE_ARN" | cut -d: -f5)-$TUTORIAL_REGION"
echo "$TUTORIAL_BUCKET"
# [end where-am-i]

# [start who-am-i]
aws sts get-caller-identity --query Arn --output text
# [end who-am-i]

# [start fetch-reads]
aws s3 cp --no-progress "s3://$TUTORIAL_BUCKET/reads/NA12878_20k_reads_1.fastq" .
head -n 4 NA12878_20k_reads_1.fastq | cut -c 1-60
# [end fetch-reads]

# [start count]
awk 'NR % 4 == 2 { reads += 1; bases += length($0); gc += gsub(/[GCgc]/, "") }
  END { printf "reads\t%d\nbases\t%d\nmean_length\t%.1f\ngc_percent\t%.1f\n", reads, bases, bases / reads, 100 * gc / bases }' \
  NA12878_20k_reads_1.fastq > NA12878_20k_reads_1.stats.tsv
cat NA12878_20k_reads_1.stats.tsv
# [end count]

# [start count-lines]
wc -l NA12878_20k_reads_1.fastq
# [end count-lines]

# [start count-n]
awk 'NR % 4 == 2 && /N/ { with_n += 1 } END { printf "reads_with_N\t%d\n", with_n }' \
  NA12878_20k_reads_1.fastq
# [end count-n]

# [start fetch-second]
aws s3 cp --no-progress --no-sign-request \
  s3://gatk-test-data/wgs_fastq/NA12878_20k/H06HDADXX130110.1.ATCACGAT.20k_reads_2.fastq \
  NA12878_20k_reads_2.fastq
# [end fetch-second]

# [start count-second]
awk 'NR % 4 == 2 { reads += 1; bases += length($0); gc += gsub(/[GCgc]/, "") }
  END { printf "reads\t%d\nbases\t%d\nmean_length\t%.1f\ngc_percent\t%.1f\n", reads, bases, bases / reads, 100 * gc / bases }' \
  NA12878_20k_reads_2.fastq
# [end count-second]

# [start save-result]
aws s3 cp --no-progress NA12878_20k_reads_1.stats.tsv "s3://$TUTORIAL_BUCKET/results/"
# [end save-result]

# [start list-bucket]
aws s3 ls "s3://$TUTORIAL_BUCKET/"
# [end list-bucket]

# [start try-elsewhere]
aws s3 ls
# [end try-elsewhere]
