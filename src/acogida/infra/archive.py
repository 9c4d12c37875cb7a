"""Deterministic zips: sorted entries, fixed timestamps and permissions, so the same files give
the same bytes (Terraform and S3 see a change only when the content changed)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def deterministic_zip(base: Path, members: Iterable[Path]) -> bytes:
    """The files ``members`` (under ``base``), named by their path relative to it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(set(members), key=lambda path: path.relative_to(base).as_posix()):
            info = zipfile.ZipInfo(path.relative_to(base).as_posix(), date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()
