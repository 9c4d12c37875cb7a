"""Rotating the pseudonymisation key ring and re-keying the lake (docs/data-protection.md,
"Rotating the pseudonymisation key").

1. ``rotate_key_ring`` adds a random key to the ring in Secrets Manager (a new secret version).
2. Warm functions keep the previous ring for up to ``SECRET_MAX_AGE_S`` and may write rows under
   it meanwhile; re-keying after that window catches them (or re-key now and again after it).
3. ``rekey_lake`` brings every raw ``submissions/`` object to the ring's version: the rows of an
   object whose ``key-version`` metadata is older are re-keyed without the document numbers
   (``KeyRing.rekeyed``) and written as a new version, then every other version of that key is
   deleted, since they hold the old hashes. Each key is finished before the next, so a run that
   stops resumes where it was, and a run with nothing older re-keys nothing.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from acogida.adapters.object_store import ObjectStore
from acogida.adapters.privacy_stores import keyring_from_secret
from acogida.export.submission import (
    SUBMISSIONS_PREFIX,
    key_version_metadata,
    key_version_of,
    rekeyed_csv,
)
from acogida.privacy.keyring import KeyRing, KeyRingError

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


class KeyRotationError(RuntimeError):
    pass


def version_request_token(version: int) -> str:
    """The Secrets Manager client request token of ring version ``version`` (32-64 characters):
    two rotations racing to the same version cannot both win; the second is refused."""
    return f"acogida-pseudonymisation-key-version-{version}"


def read_key_ring(secrets_manager: Any, secret_arn: str) -> KeyRing:  # noqa: ANN401 - boto3 client
    """The current ring (AWSCURRENT), read directly: no cache, unlike the functions."""
    ring = keyring_from_secret(secrets_manager, secret_arn)
    if ring is None:
        raise KeyRotationError(
            "the pseudonymisation secret has no value yet: no function has written to the lake, "
            "so there is nothing to rotate"
        )
    return ring


def rotate_key_ring(
    secrets_manager: Any,  # noqa: ANN401 - boto3 client
    secret_arn: str,
    new_secret: Callable[[], str] = lambda: secrets.token_hex(32),
) -> KeyRing:
    """Put the current ring plus one new random key as the secret's new current version."""
    current = read_key_ring(secrets_manager, secret_arn)
    rotated = current.rotated(new_secret())
    try:
        secrets_manager.put_secret_value(
            SecretId=secret_arn,
            ClientRequestToken=version_request_token(rotated.version),
            SecretString=rotated.to_secret(),
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceExistsException":
            raise KeyRotationError(
                f"another rotation already put key version {rotated.version}; read the ring again "
                "and re-key with it (rotate-key --rekey-only)"
            ) from None
        raise
    return rotated


@dataclass
class RekeySummary:
    version: int  # the ring version the lake was brought to
    objects: int = 0  # submissions/ keys looked at
    objects_rekeyed: int = 0
    rows_rekeyed: int = 0
    versions_deleted: int = 0  # older object versions (and delete markers) removed
    seconds: float = 0.0


def _versions_by_key(s3: Any, bucket: str, prefix: str) -> dict[str, list[dict[str, Any]]]:  # noqa: ANN401
    """Every version and delete marker under ``prefix``, by key (``IsLatest`` marks the current)."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        for entry in page.get("Versions", []):
            by_key.setdefault(entry["Key"], []).append({**entry, "DeleteMarker": False})
        for entry in page.get("DeleteMarkers", []):
            by_key.setdefault(entry["Key"], []).append({**entry, "DeleteMarker": True})
    return by_key


def rekey_lake(
    s3: Any,  # noqa: ANN401 - boto3 client
    bucket: str,
    kms_key_arn: str,
    ring: KeyRing,
    *,
    progress: Callable[[RekeySummary], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> RekeySummary:
    """Bring every raw ``submissions/`` object to ``ring``'s version (module docstring)."""
    started = clock()
    store = ObjectStore(s3, bucket)
    summary = RekeySummary(version=ring.version)
    for key, versions in sorted(_versions_by_key(s3, bucket, SUBMISSIONS_PREFIX).items()):
        summary.objects += 1
        latest = next(entry for entry in versions if entry["IsLatest"])
        keep = None
        if not latest["DeleteMarker"]:
            keep = _current_at(
                store=store,
                s3=s3,
                key=key,
                version_id=latest["VersionId"],
                ring=ring,
                kms_key_arn=kms_key_arn,
                summary=summary,
            )
        # Whatever else the key holds was keyed under an older version (or under this one and
        # since replaced); a deleted object's versions, delete marker included, go too.
        older = [
            {"Key": key, "VersionId": entry["VersionId"]} for entry in versions if entry["VersionId"] != keep
        ]
        summary.versions_deleted += store.delete_versions(older)
        summary.seconds = clock() - started
        if progress is not None:
            progress(summary)
    summary.seconds = clock() - started
    return summary


def _current_at(
    *,
    store: ObjectStore,
    s3: Any,  # noqa: ANN401 - boto3 client
    key: str,
    version_id: str,
    ring: KeyRing,
    kms_key_arn: str,
    summary: RekeySummary,
) -> str:
    """The id of the key's version keyed under ``ring``'s version: the current one, or a new one."""
    head = s3.head_object(Bucket=store.bucket, Key=key, VersionId=version_id)
    written_under = key_version_of(head.get("Metadata", {}))
    if written_under == ring.version:
        return version_id
    if written_under > ring.version:
        raise KeyRingError(
            f"{key} is keyed under version {written_under}, newer than this ring ({ring.version}); "
            "read the current ring and run again"
        )
    body = s3.get_object(Bucket=store.bucket, Key=key, VersionId=version_id)["Body"].read()
    rekeyed, rows = rekeyed_csv(body, ring, written_under)
    new_version = store.put_encrypted(
        key, rekeyed, kms_key_arn, CSV_CONTENT_TYPE, metadata=key_version_metadata(ring.version)
    )
    if new_version is None:
        raise KeyRotationError(f"bucket {store.bucket} is not versioned: {key} was overwritten in place")
    summary.objects_rekeyed += 1
    summary.rows_rekeyed += rows
    return new_version
