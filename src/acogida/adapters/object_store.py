"""S3 objects, always written with SSE-KMS under a named customer-managed key."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError


@dataclass(frozen=True)
class StoredObject:
    body: bytes
    server_side_encryption: str | None
    kms_key_id: str | None
    version_id: str | None


class ObjectStore:
    """One bucket. Writes name their KMS key explicitly, so no object depends on bucket defaults."""

    def __init__(self, s3_client: Any, bucket: str) -> None:  # noqa: ANN401
        self._s3 = s3_client
        self.bucket = bucket

    def put_encrypted(self, key: str, body: bytes, kms_key_arn: str, content_type: str) -> str | None:
        response = self._s3.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId=kms_key_arn,
            BucketKeyEnabled=True,
        )
        version: str | None = response.get("VersionId")
        return version

    def get(self, key: str) -> StoredObject:
        response = self._s3.get_object(Bucket=self.bucket, Key=key)
        return StoredObject(
            body=response["Body"].read(),
            server_side_encryption=response.get("ServerSideEncryption"),
            kms_key_id=response.get("SSEKMSKeyId"),
            version_id=response.get("VersionId"),
        )

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
