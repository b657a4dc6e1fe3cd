# Commands for howto/ecr-repository.md. Sections hold no comments (interactive zsh would run them).

# [start names]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
READER=$(aws sts get-caller-identity --query Arn --output text \
  | sed 's#.*[/:]##' | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
[ "${#READER}" -le 16 ] || READER="$(echo "$READER" | cut -c1-10)-$(echo "$READER" | cksum | cut -c1-5)"
REPO="crashcourse-images-$READER"
echo "$REPO"
# [end names]

# [start create-repository]
if [ "$(aws ecr describe-repositories \
    --query "length(repositories[?repositoryName=='$REPO'])" --output text)" = 0 ]; then
  aws ecr create-repository --repository-name "$REPO" \
    --image-tag-mutability IMMUTABLE \
    --image-scanning-configuration scanOnPush=true \
    --tags "Key=crashcourse:owner,Value=$OWNER" \
    --query 'repository.repositoryName' --output text
else
  echo "$REPO exists already"
fi
# [end create-repository]

# [start lifecycle-policy]
aws ecr put-lifecycle-policy --repository-name "$REPO" \
  --lifecycle-policy-text '{"rules":[{"rulePriority":1,"description":"Expire untagged images after 14 days","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}' \
  --query 'repositoryName' --output text
# [end lifecycle-policy]

# [start uri]
URI=$(aws ecr describe-repositories --repository-names "$REPO" \
  --query 'repositories[0].repositoryUri' --output text)
echo "$URI"
# [end uri]

# [start docker-login] not-emulated: needs Docker and a real registry
aws ecr get-login-password | docker login --username AWS --password-stdin "${URI%%/*}"
# [end docker-login]

# [start push] not-emulated: needs Docker and a real registry
docker pull public.ecr.aws/docker/library/alpine:3.20
docker tag public.ecr.aws/docker/library/alpine:3.20 "$URI:alpine-3.20"
docker push "$URI:alpine-3.20"
# [end push]

# [start check]
aws ecr describe-repositories --repository-names "$REPO" \
  --query 'repositories[].[repositoryName,imageTagMutability,imageScanningConfiguration.scanOnPush]' \
  --output text
aws ecr get-lifecycle-policy --repository-name "$REPO" \
  --query 'lifecyclePolicyText' --output text
# [end check]

# [start cleanup]
OWNER=$(aws sts get-caller-identity --query UserId --output text)
for ARN in $(aws ecr describe-repositories \
    --query "repositories[?starts_with(repositoryName, 'crashcourse-images-')].repositoryArn" \
    --output text); do
  if [ "$(aws ecr list-tags-for-resource --resource-arn "$ARN" \
      --query "tags[?Key=='crashcourse:owner'].Value" --output text)" = "$OWNER" ]; then
    aws ecr delete-repository --repository-name "${ARN#*:repository/}" --force \
      --query 'repository.repositoryName' --output text
  fi
done
# [end cleanup]
