"""The zip the Glue job imports the transformation from (--extra-py-files).

Only what ``acogida.etl`` needs: the package root, the ETL, the submission schema, and the intake
rules it names (needs, identifiers, municipalities), without the redaction model. Deterministic
(sorted entries, fixed timestamps and permissions), so the same sources give the same bytes and
Terraform re-uploads the zip only when the code changed.

    python -m acogida.infra.glue_package   → build/glue/acogida-glue.zip
"""

from __future__ import annotations

import sys
from pathlib import Path

from acogida.infra.archive import deterministic_zip

PACKAGE_FILES = (
    "acogida/__init__.py",
    "acogida/holidays.py",
    "acogida/etl/*.py",
    "acogida/etl/data/*.json",
    "acogida/export/__init__.py",
    "acogida/export/submission.py",
    "acogida/intake/*.py",
    "acogida/intake/data/*",
)
ZIP_RELATIVE_PATH = Path("build") / "glue" / "acogida-glue.zip"


def package_members(source_root: Path) -> list[Path]:
    members = {path for pattern in PACKAGE_FILES for path in source_root.glob(pattern) if path.is_file()}
    return sorted(members, key=lambda path: path.relative_to(source_root).as_posix())


def package_bytes(source_root: Path) -> bytes:
    return deterministic_zip(source_root, package_members(source_root))


def build_glue_package(repo_root: Path) -> Path:
    """Write the zip under ``repo_root``/build/glue/ (untouched when already up to date)."""
    target = repo_root / ZIP_RELATIVE_PATH
    content = package_bytes(repo_root / "src")
    if not target.exists() or target.read_bytes() != content:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return target


if __name__ == "__main__":
    print(build_glue_package(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
