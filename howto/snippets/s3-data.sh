# Commands for howto/s3-data.md. Set BUCKET to a globally unique name first, for example:
# BUCKET=amzn-s3-demo-bucket-111122223333

# [start sample-data]
# Only to try the guide out: two tiny gzipped FASTQ files and a run folder.
mkdir -p run42
printf '@read1\nACGTACGTAC\n+\nIIIIIIIIII\n' | gzip > sample1.fastq.gz
cp sample1.fastq.gz run42/sample1_R1.fastq.gz
cp sample1.fastq.gz run42/sample1_R2.fastq.gz
printf 'scratch\n' > run42/align.tmp
# [end sample-data]

# [start make-bucket]
aws s3 mb "s3://$BUCKET" --region us-east-1
# [end make-bucket]

# [start copy-up]
aws s3 cp sample1.fastq.gz "s3://$BUCKET/reads/sample1.fastq.gz"
# [end copy-up]

# [start sync-folder]
aws s3 sync run42/ "s3://$BUCKET/runs/run42/" --exclude "*.tmp"
# [end sync-folder]

# [start list]
aws s3 ls "s3://$BUCKET/"
aws s3 ls "s3://$BUCKET/runs/run42/"
# [end list]

# [start list-s3api]
aws s3api list-objects-v2 --bucket "$BUCKET" --prefix runs/ \
  --query 'Contents[].[Key,Size,StorageClass]' --output text
# [end list-s3api]

# [start download]
aws s3 cp "s3://$BUCKET/reads/sample1.fastq.gz" downloads/sample1.fastq.gz
aws s3 sync "s3://$BUCKET/runs/run42/" downloads/run42/
# [end download]

# [start multipart-config]
aws configure set default.s3.multipart_chunksize 64MB
aws configure set default.s3.max_concurrent_requests 20
# [end multipart-config]

# [start storage-class]
# Reads you analyse now and then: S3 Intelligent-Tiering moves them between tiers for you.
aws s3 cp sample1.fastq.gz "s3://$BUCKET/reads/sample2.fastq.gz" \
  --storage-class INTELLIGENT_TIERING
# Raw reads you keep only in case: S3 Glacier Deep Archive, the cheapest class to store.
aws s3 sync run42/ "s3://$BUCKET/archive/run42/" --exclude "*.tmp" \
  --storage-class DEEP_ARCHIVE
# [end storage-class]

# [start lifecycle]
cat > lifecycle.json <<'EOF'
{
  "Rules": [
    {
      "ID": "runs-to-glacier-after-30-days",
      "Filter": {"Prefix": "runs/"},
      "Status": "Enabled",
      "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}]
    },
    {
      "ID": "abort-incomplete-multipart-uploads",
      "Filter": {"Prefix": ""},
      "Status": "Enabled",
      "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}
    }
  ]
}
EOF
aws s3api put-bucket-lifecycle-configuration --bucket "$BUCKET" \
  --lifecycle-configuration file://lifecycle.json
# [end lifecycle]

# [start check-lifecycle]
aws s3api get-bucket-lifecycle-configuration --bucket "$BUCKET" \
  --query 'Rules[].[ID,Status]' --output text
# [end check-lifecycle]

# [start check]
aws s3api head-object --bucket "$BUCKET" --key archive/run42/sample1_R1.fastq.gz \
  --query '{Size: ContentLength, StorageClass: StorageClass}' --output text
# [end check]

# [start cleanup]
aws s3 rb "s3://$BUCKET" --force
# [end cleanup]
