# Commands for howto/ebs-encryption.md that only the account's ADMINISTRATOR runs (in an account
# you own, that is you): EBS encryption by default is a setting of the whole account, one Region
# at a time. Sections are pasted as they are, so they hold no comments.

# [start admin-enable]
for region in $(aws ec2 describe-regions --query 'Regions[].RegionName' --output text); do
  echo "$region $(aws ec2 enable-ebs-encryption-by-default --region "$region" \
    --query EbsEncryptionByDefault --output text)"
done
# [end admin-enable]

# [start admin-check]
if REGIONS=$(aws ec2 describe-regions --query 'Regions[].RegionName' --output text); then
  OFF=$(for region in $(printf '%s\n' "$REGIONS"); do
    if ON=$(aws ec2 get-ebs-encryption-by-default --region "$region" \
        --query EbsEncryptionByDefault --output text); [ "$ON" != True ]; then
      echo "$region"
    fi
  done)
  echo "Regions where EBS encryption by default is off: ${OFF:-none}"
fi
# [end admin-check]

# [start admin-show-key] not-emulated: the emulator does not answer GetEbsDefaultKmsKeyId
aws ec2 get-ebs-default-kms-key-id --query KmsKeyId --output text
# [end admin-show-key]

# [start admin-own-key] replace: <kms-key>
KMS_KEY=<kms-key>
aws ec2 modify-ebs-default-kms-key-id --kms-key-id "$KMS_KEY" --query KmsKeyId --output text
# [end admin-own-key]

# [start cleanup-admin-turn-off]
for region in $(aws ec2 describe-regions --query 'Regions[].RegionName' --output text); do
  echo "$region $(aws ec2 disable-ebs-encryption-by-default --region "$region" \
    --query EbsEncryptionByDefault --output text)"
done
# [end cleanup-admin-turn-off]
