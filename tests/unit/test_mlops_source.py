"""The repository zip of the forecast pipeline's S3 source: what the buildspecs need, nothing
else, the same bytes for the same sources, uploaded encrypted under the named key; and the Glue
package, built with the same deterministic zip."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from acogida.infra.glue_package import package_bytes
from acogida.infra.mlops_source import MlopsSourceError, source_zip, upload_source

REPO = Path(__file__).resolve().parents[2]
REGION = "eu-south-2"


def names(content: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(content)).namelist()


def test_the_zip_holds_what_pip_and_the_buildspecs_need_and_nothing_else():
    members = names(source_zip(REPO))
    for needed in (
        "pyproject.toml",
        "README.md",
        "requirements/mlops.lock",
        "src/mlops/buildspec-prepare.yml",
        "src/mlops/buildspec-train.yml",
        "src/mlops/buildspec-gate.yml",
        "src/mlops/buildspec-publish.yml",
        "src/acogida/cli.py",
        "src/acogida/forecast/engine.py",
        "src/acogida/etl/data/workforce.json",
    ):
        assert needed in members, needed
    assert not [m for m in members if m.startswith(("tests/", "terraform/", "scripts/", "bench/", ".local/"))]
    assert not [m for m in members if "__pycache__" in m or m.endswith(".pyc")]
    assert members == sorted(members)


def test_the_same_sources_give_the_same_bytes_and_an_edit_changes_them(tmp_path):
    for relative in (
        "pyproject.toml",
        "README.md",
        "requirements/mlops.lock",
        "src/mlops/buildspec-train.yml",
    ):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(f"{relative}\n")
    module = tmp_path / "src" / "acogida" / "forecast" / "engine.py"
    module.parent.mkdir(parents=True)
    module.write_text("SEASON = 7\n")
    (module.parent / "__pycache__").mkdir()
    (module.parent / "__pycache__" / "engine.cpython-311.pyc").write_bytes(b"\0")

    first = source_zip(tmp_path)
    assert source_zip(tmp_path) == first
    assert "src/acogida/forecast/__pycache__/engine.cpython-311.pyc" not in names(first)
    module.write_text("SEASON = 14\n")
    assert source_zip(tmp_path) != first


def test_a_folder_that_is_not_the_repository_is_refused(tmp_path):
    with pytest.raises(MlopsSourceError, match=r"pyproject\.toml: missing"):
        source_zip(tmp_path)


def test_the_glue_package_is_deterministic_and_limited_to_the_etl():
    content = package_bytes(REPO / "src")
    assert package_bytes(REPO / "src") == content
    members = names(content)
    assert "acogida/etl/spark_demand.py" in members
    assert not [
        m for m in members if m.startswith(("acogida/forecast/", "acogida/local/", "acogida/handlers/"))
    ]
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(content)).infolist()} == {
        (1980, 1, 1, 0, 0, 0)
    }


@mock_aws
def test_the_upload_is_encrypted_with_the_named_key():
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="artifacts", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket="artifacts", VersioningConfiguration={"Status": "Enabled"})
    key_arn = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    location = {"bucket": "artifacts", "key": "mlops/source.zip", "kms_key_arn": key_arn}
    version = upload_source(s3, location, b"PK\x05\x06" + b"\0" * 18)
    head = s3.head_object(Bucket="artifacts", Key="mlops/source.zip")
    assert head["VersionId"] == version
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"] == key_arn
