"""acogida.infra.policy_audit on small hand-written states: each rule fires on what it forbids and
stays quiet on what it allows. tests/integration/test_iam_policies.py runs it on the real ones."""

from __future__ import annotations

import json

import pytest

from acogida.infra.policy_audit import (
    AuditRules,
    audit_policies,
    holds_a_secret_value,
    key_policy_findings,
    resources,
    secret_findings,
    too_broad,
)

ACCOUNT = "111111111111"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
KEY_ARN = f"arn:aws:kms:eu-south-2:{ACCOUNT}:key/00000000-0000-4000-8000-000000000001"
RULES = AuditRules(resource_star_actions={"xray:PutTraceSegments": "no resource type"})


def resource(address, values, *, mode="managed"):
    parts = address.split("[", 1)[0].split(".")
    resource_type, name = (parts[-2], parts[-1])
    return {"address": address, "type": resource_type, "name": name, "mode": mode, "values": values}


def state(*entries, outputs=None):
    identity = [
        resource("data.aws_caller_identity.current", {"account_id": ACCOUNT}, mode="data"),
        resource("data.aws_partition.current", {"partition": "aws"}, mode="data"),
    ]
    return {"values": {"root_module": {"resources": identity + list(entries)}, "outputs": outputs or {}}}


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions, resources_named, **extra):
    return {"Sid": "S", "Effect": "Allow", "Action": actions, "Resource": resources_named, **extra}


def lambda_trust(condition=True):
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    return policy(statement)


def role_with(*statements, trust=None):
    return state(
        resource("aws_iam_role.fn", {"name": "fn", "assume_role_policy": trust or lambda_trust()}),
        resource("aws_iam_role_policy.fn", {"policy": policy(*statements)}),
    )


def problems(document, rules=RULES):
    return [finding.problem for finding in audit_policies(resources(document), rules)]


# --- Identity policies -----------------------------------------------------------------------------


def test_a_least_privilege_role_passes():
    document = role_with(
        allow(
            ["dynamodb:GetItem", "dynamodb:Query"], [f"arn:aws:dynamodb:eu-south-2:{ACCOUNT}:table/t/index/*"]
        ),
        allow("xray:PutTraceSegments", "*"),
        allow("s3:GetObject", "arn:aws:s3:::bucket/drafts/*"),
    )
    assert problems(document) == []


@pytest.mark.parametrize("action", ["*", "s3:*", "s3:Get*", "s3:GetObject?"])
def test_wildcard_and_partial_wildcard_actions_fail(action):
    assert problems(role_with(allow(action, "arn:aws:s3:::bucket/x"))) == [f"wildcard action {action}"]


def test_resource_star_only_for_the_listed_actions():
    found = problems(role_with(allow(["xray:PutTraceSegments", "s3:GetObject"], "*")))
    assert found == ['"Resource": "*" for s3:GetObject, which has resource ARNs']


@pytest.mark.parametrize(
    ("arn", "broad"),
    [
        (f"arn:aws:dynamodb:eu-south-2:{ACCOUNT}:table/*", True),
        (f"arn:aws:logs:eu-south-2:{ACCOUNT}:log-group:*", True),
        (f"arn:aws:lambda:*:{ACCOUNT}:function:f", True),
        ("arn:aws:s3:::*", True),
        ("arn:aws:s3:::acogida-*/x", True),
        (f"arn:aws:sqs:eu-south-2:{ACCOUNT}:*", True),
        ("not-an-arn", True),
        ("arn:aws:s3:::bucket/prefix/*", False),
        (f"arn:aws:logs:eu-south-2:{ACCOUNT}:log-group:/aws-glue/*", False),
        (f"arn:aws:transcribe:eu-west-1:{ACCOUNT}:transcription-job/acogida-dev-*", False),
        (f"arn:aws:codepipeline:eu-south-2:{ACCOUNT}:acogida-dev-forecast", False),
    ],
)
def test_resources_spanning_a_type_region_or_account_fail(arn, broad):
    assert (too_broad(arn) is not None) is broad


def test_not_action_needs_a_justification():
    statement = {"Sid": "Everything", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    assert "NotAction without a justification" in problems(role_with(statement))
    justified = AuditRules(
        RULES.resource_star_actions, negated_elements={("aws_iam_role_policy.fn", "Everything"): "x"}
    )
    assert "NotAction without a justification" not in problems(role_with(statement), justified)


def test_deny_statements_may_use_wildcards():
    deny = {
        "Effect": "Deny",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    assert problems(role_with(deny)) == []


def test_aws_managed_policies_need_a_justification():
    attachment = resource(
        "aws_iam_role_policy_attachment.admin", {"policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}
    )
    document = state(attachment)
    assert problems(document) == [
        "AWS managed policy arn:aws:iam::aws:policy/AdministratorAccess attached without a justification"
    ]
    justified = AuditRules(
        RULES.resource_star_actions, managed_policies={"arn:aws:iam::aws:policy/AdministratorAccess": "x"}
    )
    assert problems(document, justified) == []


def test_access_keys_and_users_are_forbidden():
    assert problems(state(resource("aws_iam_access_key.ci", {}))) == [
        "a long-lived access key or an IAM user: CI and people use roles"
    ]


# --- Trust policies --------------------------------------------------------------------------------


def test_a_service_must_be_held_to_this_account():
    assert problems(role_with(trust=lambda_trust(condition=False))) == [
        "lambda.amazonaws.com assumes without aws:SourceAccount or aws:SourceArn"
    ]


@pytest.mark.parametrize(
    "principal",
    [
        {"Service": ["lambda.amazonaws.com", "ecs-tasks.amazonaws.com"]},
        {"AWS": ROOT},
        "*",
        {"Service": "lambda.amazonaws.com", "AWS": ROOT},
    ],
)
def test_a_role_trusts_one_service(principal):
    trust = policy(
        {
            "Effect": "Allow",
            "Principal": principal,
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        }
    )
    assert len(problems(role_with(trust=trust))) == 1


def identity_pool_trust(amr="authenticated", audience="eu-south-2:pool"):
    return policy(
        {
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": audience},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr},
            },
        }
    )


def test_the_identity_pool_role_admits_authenticated_identities_of_one_pool():
    assert problems(role_with(trust=identity_pool_trust())) == []
    assert problems(role_with(trust=identity_pool_trust(amr="unauthenticated"))) == [
        "the identity pool's role admits amr ['unauthenticated']; authenticated only"
    ]
    assert problems(role_with(trust=identity_pool_trust(audience="*"))) == [
        "the identity pool's role names no single pool (aud)"
    ]


# --- Resource policies -----------------------------------------------------------------------------


def bucket_policy(*statements):
    return state(resource("aws_s3_bucket_policy.logs", {"policy": policy(*statements)}))


def test_resource_policies_admit_this_account_and_services_held_to_a_source():
    account = allow("s3:GetObject", "arn:aws:s3:::b/*", Principal={"AWS": ROOT})
    service = allow(
        "s3:PutObject",
        "arn:aws:s3:::b/logs/*",
        Principal={"Service": "logging.s3.amazonaws.com"},
        Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}},
    )
    tls = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}
    assert problems(bucket_policy(account, service, tls)) == []


def test_resource_policies_refuse_anyone_other_accounts_and_unheld_services():
    anyone = allow("s3:GetObject", "arn:aws:s3:::b/*", Principal="*")
    other = allow("s3:GetObject", "arn:aws:s3:::b/*", Principal={"AWS": "arn:aws:iam::999999999999:root"})
    service = allow("s3:PutObject", "arn:aws:s3:::b/*", Principal={"Service": "delivery.logs.amazonaws.com"})
    assert problems(bucket_policy(anyone, other, service)) == [
        "allows '*': any principal",
        "allows arn:aws:iam::999999999999:root, outside this account",
        "service delivery.logs.amazonaws.com allowed without aws:SourceAccount or aws:SourceArn",
    ]
    justified = AuditRules(
        RULES.resource_star_actions,
        unconditioned_service_grants={("delivery.logs.amazonaws.com", "s3:PutObject"): "documented without"},
    )
    assert problems(bucket_policy(service), justified) == []


def test_endpoint_policies_name_their_resources_or_hold_star_to_the_account():
    layers = allow("s3:GetObject", "arn:aws:s3:::prod-eu-south-2-starport-layer-bucket/*", Principal="*")
    login = allow("xray:PutTraceSegments", "*", Principal="*")
    endpoint = state(resource("aws_vpc_endpoint.s3", {"policy": policy(layers, login)}))
    assert problems(endpoint) == ['"Resource": "*" for principals of any account']
    login["Condition"] = {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}
    assert problems(state(resource("aws_vpc_endpoint.s3", {"policy": policy(layers, login)}))) == []
    default = allow("*", "*", Principal="*")  # what AWS gives an endpoint without a policy
    assert len(problems(state(resource("aws_vpc_endpoint.s3", {"policy": policy(default)})))) == 3


def test_every_topic_has_its_own_policy():
    topic = resource(
        "aws_sns_topic.alerts", {"arn": "arn:aws:sns:eu-south-2:111111111111:alerts", "name": "alerts"}
    )
    assert problems(state(topic)) == ["topic without an aws_sns_topic_policy (AWS's default policy applies)"]


# --- Key policies ----------------------------------------------------------------------------------

ADMINISTRATION = {
    "Sid": "Admin",
    "Effect": "Allow",
    "Principal": {"AWS": ROOT},
    "Action": "kms:*",
    "Resource": "*",
}


def via(services, actions=("kms:Decrypt", "kms:GenerateDataKey"), **conditions):
    return {
        "Sid": "Via",
        "Effect": "Allow",
        "Principal": {"AWS": ROOT},
        "Action": list(actions),
        "Resource": "*",
        "Condition": {
            "StringEquals": {
                "kms:ViaService": [f"{service}.eu-south-2.amazonaws.com" for service in services],
                "kms:CallerAccount": ACCOUNT,
            },
            **conditions,
        },
    }


def key(*statements, arn=KEY_ARN, address="aws_kms_key.k"):
    return resource(address, {"arn": arn, "policy": policy(*statements)})


def test_a_key_delegated_to_iam_and_used_through_a_service_passes():
    assert problems(state(key(ADMINISTRATION, via(["s3"])))) == []


def test_key_policy_rules():
    no_via = {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:Decrypt", "Resource": "*"}
    grant = via(["dynamodb"], actions=("kms:CreateGrant",))
    wildcard = via(["s3"], actions=("kms:GenerateDataKey*",))
    service = {
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "kms:Decrypt",
        "Resource": "*",
    }
    logs = {
        "Effect": "Allow",
        "Principal": {"Service": "logs.eu-south-2.amazonaws.com"},
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": {
            "ArnLike": {
                "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:eu-south-2:{ACCOUNT}:log-group:*"
            }
        },
    }
    assert problems(state(key(no_via, grant, wildcard, service, logs))) == [
        "the account uses the key without kms:ViaService and kms:CallerAccount",
        "grants not limited to AWS resources (kms:GrantIsForAWSResource)",
        "wildcard action kms:GenerateDataKey*",
        "service events.amazonaws.com uses the key without a condition",
        f"kms:encryptioncontext:aws:logs:arn arn:aws:logs:eu-south-2:{ACCOUNT}:log-group:* spans the whole "
        "account",
        f"0 administration statements (kms:* to {ROOT}); one expected",
    ]


# --- Key use ---------------------------------------------------------------------------------------


def bucket_encrypted_with(key_arn):
    rule = {
        "apply_server_side_encryption_by_default": [
            {"kms_master_key_id": key_arn, "sse_algorithm": "aws:kms"}
        ]
    }
    return resource("aws_s3_bucket_server_side_encryption_configuration.raw", {"rule": [rule]})


def key_problems(*entries, runtime_uses=None):
    return key_policy_findings(resources(state(*entries)), runtime_uses or {})


def test_a_key_names_exactly_the_services_that_use_it():
    assert key_problems(key(ADMINISTRATION, via(["s3"])), bucket_encrypted_with(KEY_ARN)) == []
    assert key_problems(key(ADMINISTRATION, via(["s3", "transcribe"])), bucket_encrypted_with(KEY_ARN)) == [
        "aws_kms_key.k: names transcribe in kms:ViaService, but nothing uses the key through it"
    ]
    assert (
        key_problems(
            key(ADMINISTRATION, via(["s3", "transcribe"])),
            bucket_encrypted_with(KEY_ARN),
            runtime_uses={("aws_kms_key.k", "transcribe"): "job output encryption"},
        )
        == []
    )
    assert key_problems(key(ADMINISTRATION, via(["sqs"])), bucket_encrypted_with(KEY_ARN)) == [
        "aws_kms_key.k: aws_s3_bucket_server_side_encryption_configuration.raw encrypts through s3, which "
        "the "
        "policy does not name",
        "aws_kms_key.k: names sqs in kms:ViaService, but nothing uses the key through it",
    ]


def test_granting_services_need_the_grant_statement():
    table = resource("aws_dynamodb_table.intakes", {"server_side_encryption": [{"kms_key_arn": KEY_ARN}]})
    grant = via(["dynamodb"], actions=("kms:CreateGrant",), Bool={"kms:GrantIsForAWSResource": "true"})
    assert key_problems(key(ADMINISTRATION, via(["dynamodb"]), grant), table) == []
    assert key_problems(key(ADMINISTRATION, via(["dynamodb"])), table) == [
        "aws_kms_key.k: dynamodb (aws_dynamodb_table.intakes) cannot create the grant it needs"
    ]


def test_a_service_delivering_into_an_encrypted_queue_needs_the_key_for_that_queue():
    queue_policy = policy(
        allow(
            "sqs:SendMessage",
            f"arn:aws:sqs:eu-south-2:{ACCOUNT}:uploads",
            Principal={"Service": "s3.amazonaws.com"},
            Condition={"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::raw"}},
        )
    )
    queue = resource(
        "aws_sqs_queue.uploads", {"name": "uploads", "kms_master_key_id": KEY_ARN, "policy": queue_policy}
    )

    def delivery(pattern):
        return {
            "Sid": "S3",
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": "*",
            "Condition": {"StringLike": {"kms:EncryptionContext:aws:sqs:arn": pattern}},
        }

    assert (
        key_problems(
            key(ADMINISTRATION, via(["sqs"]), delivery(f"arn:aws:sqs:eu-south-2:{ACCOUNT}:up*")), queue
        )
        == []
    )
    assert key_problems(
        key(ADMINISTRATION, via(["sqs"]), delivery(f"arn:aws:sqs:eu-south-2:{ACCOUNT}:other")), queue
    ) == [
        f"aws_kms_key.k: s3 delivers into arn:aws:sqs:eu-south-2:{ACCOUNT}:uploads without the key",
        f"aws_kms_key.k: s3 may use the key for arn:aws:sqs:eu-south-2:{ACCOUNT}:other, but delivers into "
        "none of it",
    ]


def test_log_groups_need_the_logs_statement_covering_them():
    group = resource(
        "aws_cloudwatch_log_group.fn", {"name": "/aws/lambda/acogida-dev-fn", "kms_key_id": KEY_ARN}
    )
    logs = {
        "Effect": "Allow",
        "Principal": {"Service": "logs.eu-south-2.amazonaws.com"},
        "Action": ["kms:Encrypt", "kms:Decrypt"],
        "Resource": "*",
        "Condition": {
            "ArnLike": {
                "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:eu-south-2:{ACCOUNT}:log-group:*/"
                "acogida-dev-*"
            }
        },
    }
    assert key_problems(key(ADMINISTRATION, logs), group) == []
    other = resource(
        "aws_cloudwatch_log_group.other", {"name": "/aws/lambda/acogida-prod-fn", "kms_key_id": KEY_ARN}
    )
    assert key_problems(key(ADMINISTRATION, logs), other) == [
        f"aws_kms_key.k: CloudWatch Logs may not encrypt arn:aws:logs:eu-south-2:{ACCOUNT}:log-group:/aws/"
        "lambda/"
        "acogida-prod-fn (aws_cloudwatch_log_group.other)"
    ]


def test_a_key_the_configuration_does_not_hold_is_reported_unless_a_module_runs_alone():
    found = resources(state(bucket_encrypted_with(KEY_ARN)))
    assert key_policy_findings(found, {}) == [
        f"aws_s3_bucket_server_side_encryption_configuration.raw uses {KEY_ARN}, a key this configuration "
        "does not hold"
    ]
    assert key_policy_findings(found, {}, foreign_keys_allowed=True) == []


# --- Secrets ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "secret"),
    [
        ("DB_PASSWORD", "hunter2", True),
        ("PSEUDONYMISATION_SECRET_ARN", "arn:aws:secretsmanager:eu-south-2:1:secret:k-AbCdEf", False),
        ("API_TOKEN_PARAMETER", "/acogida/dev/api-token", False),
        ("TRANSCRIPTS_KMS_KEY_ARN", "arn:aws:kms:eu-south-2:1:key/x", False),
        ("CURATED_DEMAND_KEY", "demand/forecast_import/", False),
        ("ANYTHING", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", True),
        ("INTAKES_TABLE", "acogida-dev-intakes", False),
    ],
)
def test_secret_values_and_references(name, value, secret):
    assert holds_a_secret_value(name, value) is secret


def test_secret_findings_in_a_state():
    function = resource(
        "aws_lambda_function.fn",
        {"environment": [{"variables": {"DB_PASSWORD": "hunter2", "TABLE": "acogida-dev-intakes"}}]},
    )
    version = resource("aws_secretsmanager_secret_version.k", {"secret_string": "s3cr3t"})
    parameter = resource("aws_ssm_parameter.key", {"name": "/acogida/dev/signing-key", "type": "String"})
    outputs = {
        "db_password": {"sensitive": False, "value": "hunter2"},
        "signing_secret": {"sensitive": True, "value": "hunter2"},
        "secret_arn": {"sensitive": False, "value": "arn:aws:secretsmanager:eu-south-2:1:secret:k"},
    }
    assert secret_findings(state(function, version, parameter, outputs=outputs)) == [
        "output db_password holds what looks like a secret value and is not sensitive",
        "aws_ssm_parameter.key: plaintext parameter named like a secret; use SecureString",
        "aws_secretsmanager_secret_version.k: the secret's value is in the state",
        "aws_lambda_function.fn: environment variable DB_PASSWORD holds a value, not where a secret is kept",
    ]
