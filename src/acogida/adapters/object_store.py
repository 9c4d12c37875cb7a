"""S3 objects, always written with SSE-KMS under a named customer-managed key."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError


@dataclass(frozen=True)
class StoredObject:
    body: bytes
    server_side_encryption: str | None
    kms_key_id: str | None
    version_id: str | None
    metadata: dict[str, str] = field(default_factory=dict)  # user metadata (x-amz-meta-*)


class ObjectStore:
    """One bucket. Writes name their KMS key explicitly, so no object depends on bucket defaults."""

    def __init__(self, s3_client: Any, bucket: str) -> None:  # noqa: ANN401
        self._s3 = s3_client
        self.bucket = bucket

    def put_encrypted(
        self,
        key: str,
        body: bytes,
        kms_key_arn: str,
        content_type: str,
        *,
        metadata: dict[str, str] | None = None,
        **conditions: str,
    ) -> str | None:
        response = self._s3.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId=kms_key_arn,
            BucketKeyEnabled=True,
            Metadata=metadata or {},
            **conditions,
        )
        version: str | None = response.get("VersionId")
        return version

    def put_encrypted_once(
        self,
        key: str,
        body: bytes,
        kms_key_arn: str,
        content_type: str,
        *,
        metadata: dict[str, str] | None = None,
    ) -> bool:
        """Write ``key`` only if it has no current version (an S3 conditional write,
        ``If-None-Match: *``); True when written, False when it was already there.

        For objects whose bytes depend only on their key's source (an exported intake, a bulk
        upload's rows and report), a redelivered message then adds no second version to the
        versioned bucket, atomically and with no read permission. The first write stands."""
        try:
            self.put_encrypted(key, body, kms_key_arn, content_type, metadata=metadata, IfNoneMatch="*")
        except ClientError as error:
            if error.response["Error"]["Code"] == "PreconditionFailed":
                return False
            raise
        return True

    def get(self, key: str) -> StoredObject:
        response = self._s3.get_object(Bucket=self.bucket, Key=key)
        return StoredObject(
            body=response["Body"].read(),
            server_side_encryption=response.get("ServerSideEncryption"),
            kms_key_id=response.get("SSEKMSKeyId"),
            version_id=response.get("VersionId"),
            metadata=dict(response.get("Metadata", {})),
        )

    def get_json(self, key: str) -> Any:  # noqa: ANN401 - a JSON document
        return json.loads(self.get(key).body)

    def put_json(self, key: str, document: Any, kms_key_arn: str) -> str | None:  # noqa: ANN401
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
        return self.put_encrypted(key, body, kms_key_arn, "application/json")

    def keys(self, prefix: str) -> list[str]:
        """Every current key under ``prefix``."""
        return [
            item["Key"]
            for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
            for item in page.get("Contents", [])
        ]

    def delete_every_version(self, prefix: str) -> int:
        """Delete every version and delete marker of ``prefix`` (a key, or a folder ending in "/"):
        the buckets are versioned, so a plain delete would leave the data in a noncurrent version.
        Returns how many versions went."""
        deleted = 0
        paginator = self._s3.get_paginator("list_object_versions")
        # list_object_versions matches by prefix: "drafts/x/000001.json" must not take
        # "drafts/x/000001.json.bak" with it.
        exact = prefix.endswith("/")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            versions = [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
            objects = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in versions
                if exact or v["Key"] == prefix
            ]
            deleted += self.delete_versions(objects)
        return deleted

    def delete_versions(self, objects: list[dict[str, str]]) -> int:
        """Delete these ``{"Key", "VersionId"}`` versions (or delete markers); returns how many."""
        for start in range(0, len(objects), 1000):
            batch = objects[start : start + 1000]
            _raise_on_errors(
                self._s3.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
            )
        return len(objects)

    def policy_statement_ids(self) -> list[str]:
        """Sids of the bucket policy's statements (empty when the bucket has no policy)."""
        try:
            policy = self._s3.get_bucket_policy(Bucket=self.bucket)["Policy"]
        except ClientError as error:
            if error.response["Error"]["Code"] == "NoSuchBucketPolicy":
                return []
            raise
        return [statement.get("Sid", "") for statement in json.loads(policy)["Statement"]]


def ensure_bucket(s3_client: Any, bucket: str, region: str) -> bool:  # noqa: ANN401
    """Create ``bucket`` unless it exists; True when it was created."""
    try:
        s3_client.head_bucket(Bucket=bucket)
        return False
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchBucket", "NotFound"):
            raise
    s3_client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    s3_client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return True


def _raise_on_errors(delete_response: dict[str, Any]) -> None:
    """DeleteObjects answers 200 even when keys failed: the first failure becomes the error."""
    errors = delete_response.get("Errors", [])
    if errors:
        code = str(errors[0].get("Code", "DeleteFailed"))
        raise ClientError({"Error": {"Code": code, "Message": "delete_objects failed"}}, "DeleteObjects")
