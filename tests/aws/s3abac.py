"""What moto 5.2.5 (and 5.2.6, its latest release) lacks of Amazon S3's attribute-based access
control (ABAC) for general purpose buckets, added to the emulator the tests fork (motofork.py).

AWS added it in November 2025: a bucket can be tagged as it is created (CreateBucket's
`CreateBucketConfiguration.Tags`, which `aws s3 mb --tags` sends), and ABAC is turned on or off
per bucket (PutBucketAbac, GetBucketAbac; off by default). moto creates the bucket without the
tags, and answers `PUT /BUCKET?abac` as a second CreateBucket. Here, and only here:

- CreateBucket keeps the tags its request carries, as GetBucketTagging then shows them;
- PutBucketAbac records the bucket's status and GetBucketAbac returns it (`Disabled` until set).

The emulator still enforces no IAM: the two-readers test (test_two_readers.py) asks the IAM
evaluator, with the bucket's tags in the request context only while its ABAC status is
`Enabled`, as S3 evaluates aws:ResourceTag only then ("Using tags with S3 general purpose
buckets", Amazon S3 User Guide:
https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging.html).
API Reference: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAbac.html,
https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAbac.html,
https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html (`Tags`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"


def _local(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _children(element: ET.Element | None, name: str) -> list[ET.Element]:
    return [c for c in (element if element is not None else []) if _local(c) == name]


def create_bucket_tags(body: bytes) -> dict[str, str]:
    """The tags of a CreateBucket request's `CreateBucketConfiguration` (none: {})."""
    if not body:
        return {}
    root = ET.fromstring(body)
    tags = {}
    for holder in _children(root, "Tags"):
        for tag in _children(holder, "Tag"):
            key, value = _children(tag, "Key"), _children(tag, "Value")
            if key:
                tags[key[0].text or ""] = (value[0].text or "") if value else ""
    return tags


def abac_status(body: bytes) -> str:
    """The Status a PutBucketAbac request sets."""
    found = _children(ET.fromstring(body), "Status")
    if not found or found[0].text not in ("Enabled", "Disabled"):
        raise ValueError("PutBucketAbac: Status must be Enabled or Disabled")
    return found[0].text


def install() -> None:
    """Extend moto's S3 responses; call before the emulator serves its first request."""
    from moto.s3.responses import S3Response

    put, get = S3Response._bucket_response_put, S3Response._bucket_response_get
    if getattr(put, "abac", False):
        return

    def bucket_put(self, request, bucket_name, querystring):
        if "abac" in querystring:
            self._set_action("BUCKET", "PUT", querystring)
            bucket = self.backend.get_bucket(bucket_name)  # NoSuchBucket, as S3 answers
            bucket.abac_status = abac_status(self.body)
            return 200, {}, ""
        new = not querystring and bucket_name not in self.backend.buckets
        response = put(self, request, bucket_name, querystring)
        if new and (tags := create_bucket_tags(self.body)):
            self.backend.put_bucket_tagging(bucket_name, tags)
        return response

    def bucket_get(self, bucket_name, querystring):
        if "abac" in querystring:
            self._set_action("BUCKET", "GET", querystring)
            status = getattr(self.backend.get_bucket(bucket_name), "abac_status", "Disabled")
            return 200, {}, f'<?xml version="1.0" encoding="UTF-8"?>\n<AbacStatus xmlns="{NAMESPACE}"><Status>{status}</Status></AbacStatus>'
        return get(self, bucket_name, querystring)

    bucket_put.abac = True
    S3Response._bucket_response_put = bucket_put
    S3Response._bucket_response_get = bucket_get
