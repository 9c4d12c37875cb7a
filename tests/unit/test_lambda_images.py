"""What can be checked of the Lambda images without a docker daemon."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
IMAGES = ("intake", "analytics")
# Handlers per image: the API and transcription path carry no pandas.
HANDLERS = ("intake_api", "forecast_api", "transcription_start", "transcription_done", "export_submissions")
ANALYTICS_HANDLERS = ("bulk_upload",)


@pytest.mark.parametrize("image", IMAGES)
def test_every_path_the_dockerfile_copies_exists(image):
    dockerfile = REPO / "src" / "lambdas" / image / "Dockerfile"
    # Every source of every COPY (all words but the last, the destination).
    sources = [
        source
        for line in dockerfile.read_text().splitlines()
        if line.startswith("COPY ")
        for source in line.split()[1:-1]
    ]
    assert sources
    for source in sources:
        assert (REPO / source).exists(), source
    command = re.search(r'^CMD \["([a-z_.]+)\.handler"\]', dockerfile.read_text(), flags=re.MULTILINE)
    assert command is not None
    assert (REPO / "src" / (command.group(1).replace(".", "/") + ".py")).exists()


def test_the_analytics_lock_pins_pandas_and_no_spacy():
    lock = (REPO / "requirements" / "lambda-analytics.lock").read_text()
    packages = re.findall(r"^([A-Za-z0-9_.-]+)==", lock, flags=re.MULTILINE)
    assert len(packages) == lock.count("--hash=sha256:")
    names = {name.lower().replace("_", "-") for name in packages}
    assert {"aws-lambda-powertools", "pandas", "numpy"} <= names
    assert "spacy" not in names


@pytest.mark.parametrize("handler", ANALYTICS_HANDLERS)
def test_an_analytics_handler_imports_without_spacy_or_the_local_tooling(handler):
    unwanted = ("spacy", "pyspark", "moto", "acogida.local", "acogida.cli")
    code = (
        f"import sys, acogida.handlers.{handler} as m; assert callable(m.handler); "
        f"print(sorted(name for name in {unwanted!r} if name in sys.modules))"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]"


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
