"""What can be checked of the Lambda images without a docker daemon."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "src" / "lambdas" / "intake" / "Dockerfile"
HANDLERS = ("intake_api", "transcription_start", "transcription_done", "export_submissions")


def test_every_path_the_dockerfile_copies_exists():
    sources = [line.split()[1] for line in DOCKERFILE.read_text().splitlines() if line.startswith("COPY ")]
    assert sources
    for source in sources:
        assert (REPO / source).exists(), source


def test_the_lock_pins_every_package_by_hash_and_carries_no_pandas():
    lock = (REPO / "requirements" / "lambda-intake.lock").read_text()
    packages = re.findall(r"^([A-Za-z0-9_.-]+)==", lock, flags=re.MULTILINE)
    assert len(packages) == lock.count("--hash=sha256:")
    names = {name.lower().replace("_", "-") for name in packages}
    assert {"aws-lambda-powertools", "pydantic", "spacy", "aws-xray-sdk"} <= names
    assert "pandas" not in names


@pytest.mark.parametrize("handler", HANDLERS)
def test_a_handler_imports_without_pandas_or_the_local_tooling(handler):
    unwanted = ("pandas", "moto", "acogida.local", "acogida.cli")
    code = (
        f"import sys, acogida.handlers.{handler} as m; assert callable(m.handler); "
        f"print(sorted(name for name in {unwanted!r} if name in sys.modules))"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]"
