# Commands for howto/parallelcluster.md that the ADMINISTRATOR of the account runs (in an account
# of your own, that is you), with administrator permissions, in the folder where they saved
# crashcourse-pcluster-boundary.json. Sections are pasted as they are, so they hold no comments.

# [start admin-boundary]
PC_BOUNDARIES=$(aws iam list-policies --scope Local \
  --query "length(Policies[?PolicyName=='crashcourse-pcluster-boundary'])" --output json)
if [ "$PC_BOUNDARIES" = 0 ]; then
  aws iam create-policy --policy-name crashcourse-pcluster-boundary \
    --policy-document file://crashcourse-pcluster-boundary.json --query Policy.PolicyName --output text
fi
aws iam list-policies --scope Local \
  --query "Policies[?PolicyName=='crashcourse-pcluster-boundary'].[PolicyName,AttachmentCount]" --output text
# [end admin-boundary]
