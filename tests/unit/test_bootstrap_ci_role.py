"""The CI role of bootstrap/state-backend.yaml (cfn-lint and checkov check the template itself):
who may assume it, and what it may never read whatever deploy policies it is given."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import decode

REPO = Path(__file__).resolve().parents[2]
ACCOUNT = "111111111111"


@pytest.fixture(scope="module")
def template() -> Any:
    decoded, problems = decode(str(REPO / "bootstrap" / "state-backend.yaml"))
    assert not problems
    return decoded


def substituted(value: str) -> str:
    return (
        value.replace("${AWS::Partition}", "aws")
        .replace("${AWS::AccountId}", ACCOUNT)
        .replace("${ProjectName}", "acogida")
    )


def test_the_role_trusts_one_issuer_one_audience_and_a_subject_pattern(template):
    role = template["Resources"]["CiDeployRole"]["Properties"]
    text, names = role["AssumeRolePolicyDocument"]["Fn::Sub"]
    (statement,) = json.loads(text)["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {"Federated": "${ProviderArn}"}
    assert statement["Condition"] == {
        "StringEquals": {"${IssuerHost}:aud": "${CiOidcAudience}"},
        "StringLike": {"${IssuerHost}:sub": "${CiRepositorySubject}"},
    }
    assert set(names) == {"ProviderArn", "IssuerHost"}
    assert role["MaxSessionDuration"] <= 3600


@pytest.mark.parametrize(
    ("subject", "accepted"),
    [
        ("project_path:redcross/acogida:ref_type:branch:ref:main", True),
        ("project_path:redcross/platform/acogida:ref_type:branch:ref:main", True),
        ("project_path:redcross/acogida:ref_type:branch:ref:*", True),
        ("repo:redcross/acogida:ref:refs/heads/main", True),
        ("project_path:*:ref_type:branch:ref:main", False),
        ("project_path:redcross/*:ref_type:branch:ref:main", False),
        ("repo:*/acogida:ref:refs/heads/main", False),
    ],
)
def test_the_subject_names_the_project_literally(template, subject, accepted):
    pattern = template["Parameters"]["CiRepositorySubject"]["AllowedPattern"]
    assert (re.fullmatch(pattern, subject) is not None) is accepted


def test_the_pipeline_never_reads_peoples_data(template):
    policies = {
        policy["PolicyName"]: policy
        for policy in template["Resources"]["CiDeployRole"]["Properties"]["Policies"]
    }
    statements = policies["never-read-peoples-data"]["PolicyDocument"]["Statement"]
    assert {statement["Effect"] for statement in statements} == {"Deny"}
    denied_objects = [substituted(resource["Fn::Sub"]) for resource in statements[0]["Resource"]]
    assert statements[0]["Action"] == ["s3:GetObject", "s3:GetObjectVersion"]

    def denied(bucket: str) -> bool:
        return any(
            fnmatch.fnmatchcase(f"arn:aws:s3:::{bucket}/any/key", pattern) for pattern in denied_objects
        )

    # Every data bucket of every environment, as the landing zone and module transcription name them.
    for environment in ("dev", "prod"):
        for bucket in ("raw", "curated", "transcripts", "athena-results", "reports", "speech"):
            assert denied(f"acogida-{environment}-{bucket}-{ACCOUNT}"), bucket
        # Terraform uploads and reads the Glue job's code and the pipeline's source there.
        assert not denied(f"acogida-{environment}-artifacts-{ACCOUNT}")


def test_the_guard_knows_every_data_bucket_of_the_landing_zone():
    """A data bucket added to the landing zone must be weighed for the guard above."""
    source = (REPO / "terraform" / "modules" / "landing_zone" / "s3.tf").read_text(encoding="utf-8")
    block = source[source.index("data_buckets = {") : source.index("bucket_names")]
    buckets = set(re.findall(r"^    ([a-z-]+) = \{", block, flags=re.MULTILINE))
    assert buckets == {"raw", "curated", "artifacts", "transcripts", "athena-results", "reports"}
