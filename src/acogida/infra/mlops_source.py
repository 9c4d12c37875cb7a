"""The repository zip the forecast pipeline's S3 source stage reads (``mlops/source.zip`` in the
artifacts bucket): what the buildspecs need to ``pip install`` the package and run the stage
commands, nothing else (no tests, benchmarks, Terraform, local state or caches). Deterministic,
so re-uploading unchanged sources writes the same bytes.

    acogida infra mlops-source --env dev     build it and upload it (SSE-KMS, the s3 key)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from acogida.infra.archive import deterministic_zip

SOURCE_FILES = (
    "pyproject.toml",
    "README.md",  # pyproject's readme: pip refuses to build without it
    "requirements/mlops.lock",
    "src/mlops/*.yml",
    "src/acogida/**/*",
)
EXCLUDED_PARTS = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"})


class MlopsSourceError(RuntimeError):
    pass


def source_members(repo_root: Path) -> list[Path]:
    members = {
        path
        for pattern in SOURCE_FILES
        for path in repo_root.glob(pattern)
        if path.is_file() and not EXCLUDED_PARTS & set(path.parts) and path.suffix != ".pyc"
    }
    return sorted(members)


def source_zip(repo_root: Path) -> bytes:
    for required in ("pyproject.toml", "requirements/mlops.lock", "src/mlops/buildspec-train.yml"):
        if not (repo_root / required).is_file():
            raise MlopsSourceError(f"{repo_root / required}: missing, not a checkout of this repository")
    return deterministic_zip(repo_root, source_members(repo_root))


def upload_source(s3: Any, location: Mapping[str, str], content: bytes) -> str | None:  # noqa: ANN401
    """Put the zip where the pipeline's source stage reads it; returns the new object version."""
    answer = s3.put_object(
        Bucket=location["bucket"],
        Key=location["key"],
        Body=content,
        ContentType="application/zip",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=location["kms_key_arn"],
        BucketKeyEnabled=True,
    )
    version: str | None = answer.get("VersionId")
    return version
