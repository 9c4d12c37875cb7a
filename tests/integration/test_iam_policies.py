"""Least privilege, key policies and secrets over the real configuration (acogida.infra.policy_audit).

Two sources, so that nothing escapes because local mode switches it off:

- the state of the local workspace applied to the emulator (the ``deployment`` fixture): every
  value known, the real ARNs moto gave each resource;
- the states ``terraform/tests/security.tftest.hcl`` leaves with every switch on that local mode
  keeps off (front hosting, the identity pool's role, Comprehend and the DNI recogniser,
  QuickSight, the forecast pipeline from each source, production's manual approval), applied to
  a mock provider with ``terraform test -json -verbose``.

The lists below are the justified exceptions; each entry says why. A rule broken anywhere else
fails with the address, the attribute, the statement's Sid and the problem.
"""

from __future__ import annotations

import pytest

from acogida.infra.policy_audit import (
    AuditRules,
    Resource,
    as_list,
    audit_policies,
    key_policy_findings,
    managed,
    policy_documents,
    resources,
    secret_findings,
)
from acogida.infra.terraform import terraform_test_states

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

# Actions that have no resource ARN: "Resource": "*" is the only resource IAM accepts for them
# (Service Authorization Reference: no resource types). Any other action with "*" fails.
RESOURCE_STAR_ACTIONS = {
    "xray:PutTraceSegments": "X-Ray trace upload of every function (tracing Active); no resource type",
    "xray:PutTelemetryRecords": "X-Ray daemon telemetry of every function; no resource type",
    "comprehend:DetectEntities": "synchronous call on Comprehend's built-in model (intake_api, "
    "transcription_done); only custom endpoints have ARNs",
    "comprehend:DetectPiiEntities": "synchronous call on the built-in PII model; no resource type",
    "transcribe:StartStreamTranscription": "the browser's streaming (identity pool role); no resource type, "
    "held to the language region by aws:RequestedRegion",
    "transcribe:StartStreamTranscriptionWebSocket": "the browser's WebSocket streaming; no resource type",
    "cloudwatch:PutMetricData": "Glue job metrics; no resource type, held to the Glue namespace by "
    "cloudwatch:namespace",
    "ecr:GetAuthorizationToken": "the front's task execution role and the ECR endpoint's policy log in to "
    "the registry; the token is account-wide, no resource type",
}

# AWS managed policies attached to a role: none. Every role has its own inline policy.
MANAGED_POLICIES: dict[str, str] = {}

# Service principals a resource policy admits without aws:SourceAccount/aws:SourceArn.
UNCONDITIONED_SERVICE_GRANTS = {
    ("logdelivery.elasticloadbalancing.amazonaws.com", "s3:PutObject"): "ALB access-log delivery in regions "
    "opened after 2022 (eu-south-2): AWS documents no source condition for it; the statement is held to "
    "alb/<prefix>/AWSLogs/<this account>/ of the access-log bucket",
}

# Uses of a key at run time that no resource attribute shows.
RUNTIME_KEY_USES = {
    ("module.transcription.aws_kms_key.speech", "transcribe"): "transcription_start passes the speech key as "
    "OutputEncryptionKMSKeyId of each Transcribe job (AUDIO_KMS_KEY_ARN)",
}

RULES = AuditRules(
    resource_star_actions=RESOURCE_STAR_ACTIONS,
    managed_policies=MANAGED_POLICIES,
    unconditioned_service_grants=UNCONDITIONED_SERVICE_GRANTS,
)


def _report(problems: list[object]) -> str:
    return "\n".join(str(problem) for problem in problems)


def _star_actions(found: list[Resource]) -> set[str]:
    """The actions some Allow statement grants on "Resource": "*" outside key policies."""
    actions: set[str] = set()
    for document in policy_documents(found):
        if document.kind == "key":
            continue
        for statement in document.statements:
            if statement.get("Effect") == "Allow" and "*" in as_list(statement.get("Resource")):
                actions.update(str(action) for action in as_list(statement.get("Action")))
    return actions


# --- The local workspace, applied to the emulator ------------------------------------------------


@pytest.fixture(scope="module")
def local_state(deployment):
    return deployment.root.show_json()


def test_local_workspace_policies_are_least_privilege(local_state):
    found = resources(local_state)
    assert len(managed(found, "aws_iam_role")) >= 8, "the audit must see the functions' roles"
    assert len(managed(found, "aws_kms_key")) == 11, "ten landing-zone keys and the speech key"
    assert audit_policies(found, RULES) == [], _report(audit_policies(found, RULES))


def test_local_workspace_keys_allow_exactly_what_uses_them(local_state):
    problems = key_policy_findings(resources(local_state), RUNTIME_KEY_USES)
    assert problems == [], _report(problems)


def test_local_workspace_holds_no_secret_value(local_state):
    assert secret_findings(local_state) == [], _report(secret_findings(local_state))
    found = resources(local_state)
    # The pseudonymisation key is a secret without a value: its first user puts a random one.
    assert [r.values["name"] for r in managed(found, "aws_secretsmanager_secret")] == [
        "acogida-local/pseudonymisation-key"
    ]
    assert managed(found, "aws_secretsmanager_secret_version") == []


# --- Every switch on, against a mock provider -----------------------------------------------------


@pytest.fixture(scope="module")
def switched_on_states(toolchain, tmp_path_factory):
    return terraform_test_states(
        toolchain, "tests/security.tftest.hcl", tmp_path_factory.mktemp("security-tftest") / "tfdata"
    )


def test_the_harness_covers_what_local_mode_switches_off(switched_on_states):
    every = switched_on_states["every_switch_on_with_the_s3_source"]
    roles = {resource.address for resource in managed(resources(every), "aws_iam_role")}
    for role in (
        "module.app.aws_iam_role.front_execution[0]",
        "module.app.aws_iam_role.flow_logs[0]",
        "module.app.aws_iam_role.transcribe_streaming",
        'module.ml.aws_iam_role.stage["train"]',
        "module.ml.aws_iam_role.pipeline[0]",
        "module.transcription.aws_iam_role.comprehend_dni[0]",
    ):
        assert role in roles
    assert managed(resources(every), "aws_cognito_identity_pool_roles_attachment")
    assert managed(resources(every), "aws_quicksight_data_source")
    assert set(switched_on_states) == {
        "every_switch_on_with_the_s3_source",
        "pipeline_from_a_repository_connection_with_manual_approval",
        "pipeline_from_codecommit",
    }


@pytest.mark.parametrize(
    "run",
    [
        "every_switch_on_with_the_s3_source",
        "pipeline_from_a_repository_connection_with_manual_approval",
        "pipeline_from_codecommit",
    ],
)
def test_switched_on_policies_are_least_privilege(switched_on_states, run):
    found = resources(switched_on_states[run])
    assert audit_policies(found, RULES) == [], _report(audit_policies(found, RULES))
    # Module ml applied alone holds no key: its uses of the landing zone's keys are checked above.
    problems = key_policy_findings(
        found, RUNTIME_KEY_USES, foreign_keys_allowed=run != "every_switch_on_with_the_s3_source"
    )
    assert problems == [], _report(problems)
    assert secret_findings(switched_on_states[run]) == [], _report(secret_findings(switched_on_states[run]))


def test_every_resource_star_exception_is_used(switched_on_states, local_state):
    """The list above names no action the configuration no longer grants on "*"."""
    used: set[str] = set()
    for state in [local_state, *switched_on_states.values()]:
        used |= _star_actions(resources(state))
    assert used == set(RESOURCE_STAR_ACTIONS)
