# Commands for howto/s3-data.md. Sections hold no comments (interactive zsh would run them):
# what a comment would say is on the page, next to the block.

# [start name-bucket]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
DATA_BUCKET="crashcourse-data-$READER-$(aws sts get-caller-identity --query Account --output text)-$(aws configure get region)"
DATA_DIR="$HOME/crashcourse-s3"
export DATA_BUCKET DATA_DIR
echo "$DATA_BUCKET"
# [end name-bucket]

# [start make-bucket]
if [ "$(aws s3api list-buckets --query "length(Buckets[?Name=='$DATA_BUCKET'])" --output text)" = 0 ]; then
  aws s3 mb "s3://$DATA_BUCKET" --tags crashcourse:owner "$OWNER"
fi
BUCKET_OWNER=$(aws s3api get-bucket-tagging --bucket "$DATA_BUCKET" \
  --query "TagSet[?Key=='crashcourse:owner'].Value" --output text)
if [ "$BUCKET_OWNER" != "$OWNER" ]; then
  echo "Bucket $DATA_BUCKET is not tagged as yours: ask your administrator"
elif [ "$(aws s3api get-bucket-abac --bucket "$DATA_BUCKET" --query AbacStatus.Status --output text)" != Enabled ]; then
  aws s3api put-bucket-abac --bucket "$DATA_BUCKET" --abac-status Status=Enabled
fi
aws s3api get-bucket-abac --bucket "$DATA_BUCKET" --query AbacStatus.Status --output text
# [end make-bucket]

# [start sample-data]
mkdir -p ~/crashcourse-s3/run42
printf '@read1\nACGTACGTAC\n+\nIIIIIIIIII\n' | gzip > ~/crashcourse-s3/sample1.fastq.gz
cp ~/crashcourse-s3/sample1.fastq.gz ~/crashcourse-s3/run42/sample1_R1.fastq.gz
cp ~/crashcourse-s3/sample1.fastq.gz ~/crashcourse-s3/run42/sample1_R2.fastq.gz
printf 'scratch\n' > ~/crashcourse-s3/run42/align.tmp
ls ~/crashcourse-s3
# [end sample-data]

# [start copy-up]
aws s3 cp "$DATA_DIR/sample1.fastq.gz" "s3://$DATA_BUCKET/reads/sample1.fastq.gz"
# [end copy-up]

# [start sync-folder]
aws s3 sync "$DATA_DIR/run42/" "s3://$DATA_BUCKET/runs/run42/" --exclude "*.tmp"
# [end sync-folder]

# [start list]
aws s3 ls "s3://$DATA_BUCKET/"
aws s3 ls "s3://$DATA_BUCKET/runs/run42/"
# [end list]

# [start list-s3api]
aws s3api list-objects-v2 --bucket "$DATA_BUCKET" --prefix runs/ \
  --query 'Contents[].[Key,Size,StorageClass]' --output text
# [end list-s3api]

# [start download]
aws s3 cp "s3://$DATA_BUCKET/reads/sample1.fastq.gz" "$DATA_DIR/from-s3/sample1.fastq.gz"
aws s3 sync "s3://$DATA_BUCKET/runs/run42/" "$DATA_DIR/from-s3/run42/"
# [end download]

# [start multipart-config]
aws configure set s3.multipart_chunksize 64MB
aws configure set s3.max_concurrent_requests 20
aws configure get s3.multipart_chunksize
# [end multipart-config]

# [start storage-class]
aws s3 cp "$DATA_DIR/sample1.fastq.gz" "s3://$DATA_BUCKET/reads/sample2.fastq.gz" \
  --storage-class INTELLIGENT_TIERING
aws s3 sync "$DATA_DIR/run42/" "s3://$DATA_BUCKET/archive/run42/" --exclude "*.tmp" \
  --storage-class DEEP_ARCHIVE
# [end storage-class]

# [start lifecycle]
LIFECYCLE_DIR=$(mktemp -d)
cat > "$LIFECYCLE_DIR/lifecycle.json" <<'EOF'
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
aws s3api put-bucket-lifecycle-configuration --bucket "$DATA_BUCKET" \
  --lifecycle-configuration "file://$LIFECYCLE_DIR/lifecycle.json"
# [end lifecycle]

# [start check-lifecycle]
aws s3api get-bucket-lifecycle-configuration --bucket "$DATA_BUCKET" \
  --query 'Rules[].[ID,Status]' --output text
# [end check-lifecycle]

# [start check]
aws s3api head-object --bucket "$DATA_BUCKET" --key archive/run42/sample1_R1.fastq.gz \
  --query '{Size: ContentLength, StorageClass: StorageClass}' --output text
# [end check]

# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
DATA_BUCKET="crashcourse-data-$READER-$(aws sts get-caller-identity --query Account --output text)-$(aws configure get region)"
for bucket in $(aws s3api list-buckets --query "Buckets[?Name=='$DATA_BUCKET'].Name" --output text); do
  if bucket_owner=$(aws s3api get-bucket-tagging --bucket "$bucket" \
      --query "TagSet[?Key=='crashcourse:owner'].Value" --output text) \
      && [ "$bucket_owner" = "$OWNER" ]; then
    aws s3 rb "s3://$bucket" --force
  fi
done
rm -rf ~/crashcourse-s3
# [end cleanup]
