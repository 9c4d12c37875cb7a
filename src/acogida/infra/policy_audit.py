"""Least-privilege audit of every policy in a Terraform state or plan (JSON).

Terraform renders each policy as a JSON string among the resource's values, whether a module wrote
it with ``jsonencode`` or an ``aws_iam_policy_document`` data source (the consuming resource holds
the rendered JSON, so data sources need no audit of their own). The input is what
``terraform show -json`` prints for a state or a plan, or the state ``terraform test -json
-verbose`` prints for each run block; values must be known (a state, or a plan whose values are).

``audit_policies`` applies the rules of each kind of document:

- identity policies (role inline policies, managed policies): no wildcard or partial-wildcard
  action, ``Resource: "*"`` only for actions that have no resource ARN (the caller's list, each
  with its reason), no ARN spanning a whole resource type, region or account, no NotAction or
  NotResource, no AWS managed policy the caller did not justify;
- trust policies: one principal, either a service held to this account (``aws:SourceAccount`` or
  ``aws:SourceArn``) assuming with ``sts:AssumeRole``, or the Cognito identity pool's federated
  principal for the authenticated identities of one pool;
- resource policies (bucket, queue, topic, endpoint...): ``Allow`` names this account, or a
  service held to a source unless the caller justified it; no wildcard action; ``Deny``
  statements are not restricted;
- key policies: the account's administration statement once (``kms:*`` to the account root, how
  AWS delegates a key to IAM), every other use by the account only through named services
  (``kms:ViaService``), grants only for AWS resources, services only under a condition.

``key_policy_findings`` checks that each key allows exactly what uses it: what the configuration
encrypts with it, the deliveries into its queues and topics that their policies admit, and the
uses at run time the caller lists. ``secret_findings`` checks that no secret value is in a state.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Json = Any  # a value of a decoded JSON document

# --- Resources ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    address: str
    type: str
    name: str
    mode: str  # "managed" or "data"
    values: Mapping[str, Json]

    @property
    def module_path(self) -> str:
        """``module.bi.module.uploads_topic`` for ``module.bi.module.uploads_topic.aws_sns_topic.this``."""
        local = f"data.{self.type}.{self.name}" if self.mode == "data" else f"{self.type}.{self.name}"
        return self.address[: self.address.rindex(local)].rstrip(".")


def resources(document: Mapping[str, Json]) -> list[Resource]:
    """Every resource of a ``terraform show -json`` state or plan, or of a ``terraform test`` state."""
    if "planned_values" in document:
        root = document["planned_values"].get("root_module", {})
    elif "values" in document:
        root = (document["values"] or {}).get("root_module", {})
    else:
        root = document.get("root_module", {})
    found: list[Resource] = []

    def walk(module: Mapping[str, Json]) -> None:
        for entry in module.get("resources", []):
            mode = entry.get("mode", "managed")
            found.append(
                Resource(entry["address"], entry["type"], entry["name"], mode, entry.get("values") or {})
            )
        for child in module.get("child_modules", []):
            walk(child)

    walk(root)
    return found


def managed(found: Iterable[Resource], *types: str) -> list[Resource]:
    return [resource for resource in found if resource.mode == "managed" and resource.type in types]


def _data_value(found: Iterable[Resource], data_type: str, attribute: str) -> set[str]:
    return {
        str(resource.values[attribute])
        for resource in found
        if resource.mode == "data" and resource.type == data_type and resource.values.get(attribute)
    }


def account_id(found: Iterable[Resource]) -> str:
    """The one account of the configuration (its ``aws_caller_identity`` data sources)."""
    accounts = _data_value(found, "aws_caller_identity", "account_id")
    if len(accounts) != 1:
        raise ValueError(f"expected the configuration to read one account, found {sorted(accounts)}")
    return accounts.pop()


def partition_of(found: Iterable[Resource]) -> str:
    partitions = _data_value(found, "aws_partition", "partition")
    return partitions.pop() if len(partitions) == 1 else "aws"


def as_list(value: Json) -> list[Json]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


# --- Policy documents ---------------------------------------------------------------------------

IDENTITY = "identity"
TRUST = "trust"
RESOURCE = "resource"
KEY = "key"

# (resource type, attribute holding the JSON policy) → kind. aws_sns_topic's own `policy` is left
# out: it is computed (AWS's default policy for a new topic) and audit_policies requires every
# topic to have an aws_sns_topic_policy instead.
POLICY_ATTRIBUTES: dict[tuple[str, str], str] = {
    ("aws_iam_role_policy", "policy"): IDENTITY,
    ("aws_iam_policy", "policy"): IDENTITY,
    ("aws_iam_user_policy", "policy"): IDENTITY,
    ("aws_iam_group_policy", "policy"): IDENTITY,
    ("aws_iam_role", "assume_role_policy"): TRUST,
    ("aws_s3_bucket_policy", "policy"): RESOURCE,
    ("aws_sns_topic_policy", "policy"): RESOURCE,
    ("aws_sqs_queue", "policy"): RESOURCE,
    ("aws_sqs_queue_policy", "policy"): RESOURCE,
    ("aws_secretsmanager_secret_policy", "policy"): RESOURCE,
    ("aws_ecr_repository_policy", "policy"): RESOURCE,
    ("aws_cloudwatch_log_resource_policy", "policy_document"): RESOURCE,
    ("aws_vpc_endpoint", "policy"): RESOURCE,
    ("aws_glue_resource_policy", "policy"): RESOURCE,
    ("aws_kms_key", "policy"): KEY,
    ("aws_kms_key_policy", "policy"): KEY,
}

# Resource types that attach a managed policy to a role, user or group (attribute policy_arn).
ATTACHMENT_TYPES = (
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
)


@dataclass(frozen=True)
class PolicyDocument:
    resource: Resource
    attribute: str
    kind: str
    statements: tuple[Mapping[str, Json], ...]

    @property
    def address(self) -> str:
        return self.resource.address


def policy_documents(found: Iterable[Resource]) -> list[PolicyDocument]:
    documents: list[PolicyDocument] = []
    for resource in found:
        if resource.mode != "managed":
            continue
        for (resource_type, attribute), kind in POLICY_ATTRIBUTES.items():
            if resource.type == resource_type and resource.values.get(attribute):
                documents.append(_document(resource, attribute, kind, resource.values[attribute]))
        if resource.type == "aws_iam_role":
            for index, inline in enumerate(resource.values.get("inline_policy") or []):
                if inline.get("policy"):
                    documents.append(
                        _document(resource, f"inline_policy[{index}]", IDENTITY, inline["policy"])
                    )
    return documents


def _document(resource: Resource, attribute: str, kind: str, text: str) -> PolicyDocument:
    try:
        statements = json.loads(text).get("Statement", [])
    except (ValueError, AttributeError) as error:
        raise ValueError(
            f"{resource.address} {attribute} is not a JSON policy document: {text[:60]!r}"
        ) from error
    return PolicyDocument(resource, attribute, kind, tuple(as_list(statements)))


# --- The rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditRules:
    """What the caller justified, each with its reason (for the reader; only the keys are matched)."""

    # IAM actions that have no resource ARN, so "Resource": "*" is the only resource IAM accepts.
    resource_star_actions: Mapping[str, str]
    # AWS managed policy ARNs that may be attached to a role.
    managed_policies: Mapping[str, str] = field(default_factory=dict)
    # (service principal, action) a resource policy may allow without aws:SourceAccount/SourceArn.
    unconditioned_service_grants: Mapping[tuple[str, str], str] = field(default_factory=dict)
    # (address, Sid) whose NotAction/NotResource/NotPrincipal is justified.
    negated_elements: Mapping[tuple[str, str], str] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    address: str
    attribute: str
    sid: str
    problem: str

    def __str__(self) -> str:
        return f"{self.address} {self.attribute} [{self.sid or 'no Sid'}]: {self.problem}"


ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9]+$")
SOURCE_KEYS = {"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid"}
ENDPOINT_PRINCIPAL_KEYS = {"aws:principalaccount", "aws:principalorgid"}
NEGATED_ELEMENTS = ("NotAction", "NotResource", "NotPrincipal")
COGNITO_IDENTITY = "cognito-identity.amazonaws.com"


@dataclass(frozen=True)
class Statement:
    """One statement of a document, with what the rules look at."""

    document: PolicyDocument
    body: Mapping[str, Json]

    @property
    def allows(self) -> bool:
        return self.body.get("Effect") == "Allow"

    @property
    def actions(self) -> list[str]:
        return [str(action) for action in as_list(self.body.get("Action"))]

    @property
    def resources(self) -> list[str]:
        return [str(resource) for resource in as_list(self.body.get("Resource"))]

    @property
    def principal(self) -> Json:
        return self.body.get("Principal")

    @property
    def conditions(self) -> dict[str, Json]:
        """The condition keys (lower case) with their values, whatever the operator."""
        keys: dict[str, Json] = {}
        for block in (self.body.get("Condition") or {}).values():
            for key, value in block.items():
                keys[key.lower()] = value
        return keys

    def finding(self, problem: str) -> Finding:
        return Finding(self.document.address, self.document.attribute, str(self.body.get("Sid", "")), problem)


def wildcard_actions(statement: Statement) -> list[Finding]:
    return [statement.finding(f"wildcard action {a}") for a in statement.actions if not ACTION.match(a)]


def negated_elements(statement: Statement, rules: AuditRules) -> list[Finding]:
    used = [element for element in NEGATED_ELEMENTS if element in statement.body]
    justified = (statement.document.address, str(statement.body.get("Sid", ""))) in rules.negated_elements
    return [statement.finding(f"{', '.join(used)} without a justification")] if used and not justified else []


def too_broad(arn: str) -> str | None:
    """Why an identity policy's resource ARN spans too much, or None: a wildcard region or account,
    a wildcard bucket, or every resource of a type (``table/*``, ``log-group:*``)."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return f"resource {arn!r} is not an ARN"
    service, region, account, rest = parts[2], parts[3], parts[4], parts[5]
    if "*" in region or "*" in account:
        return f"resource {arn} has a wildcard region or account"
    if service == "s3":
        bucket = rest.split("/", 1)[0]
        return f"resource {arn} names no bucket" if "*" in bucket or "?" in bucket else None
    if rest.startswith(("*", "?")):
        return f"resource {arn} names no resource"
    typed = re.match(r"^([A-Za-z0-9-]+)([:/])(.*)$", rest)
    if typed and typed.group(3) in ("*", ""):
        return f"resource {arn} spans every {typed.group(1)} of the account"
    return None


def audit_policies(found: Sequence[Resource], rules: AuditRules) -> list[Finding]:
    """Every rule broken by any policy of ``found`` (see the module docstring)."""
    account = account_id(found)
    account_root = f"arn:{partition_of(found)}:iam::{account}:root"
    findings: list[Finding] = []
    for document in policy_documents(found):
        statements = [Statement(document, body) for body in document.statements]
        if document.kind == IDENTITY:
            findings += [f for s in statements for f in _identity(s, rules)]
        elif document.kind == TRUST:
            findings += _trust(document, statements)
        elif document.kind == RESOURCE:
            findings += [f for s in statements for f in _resource_statement(s, rules, account_root)]
        else:
            findings += _key_policy(document, statements, account, account_root)
    findings += _attachments(found, rules)
    findings += _forbidden_resources(found)
    return findings


def _identity(statement: Statement, rules: AuditRules) -> list[Finding]:
    findings = negated_elements(statement, rules)
    if not statement.allows:
        return findings
    findings += wildcard_actions(statement)
    for resource in statement.resources:
        if resource == "*":
            findings += [
                statement.finding(f'"Resource": "*" for {action}, which has resource ARNs')
                for action in statement.actions
                if action not in rules.resource_star_actions
            ]
        elif (problem := too_broad(resource)) is not None:
            findings.append(statement.finding(problem))
    return findings


def _trust(document: PolicyDocument, statements: Sequence[Statement]) -> list[Finding]:
    allows = [statement for statement in statements if statement.allows]
    if len(allows) != 1:
        problem = f"{len(allows)} Allow statements; a role trusts one principal"
        return [Finding(document.address, document.attribute, "", problem)]
    statement = allows[0]
    principal = statement.principal
    negated = any(element in statement.body for element in NEGATED_ELEMENTS)
    if negated or not isinstance(principal, Mapping) or len(principal) != 1:
        return [statement.finding(f"principal {principal!r} is not one service or the identity pool")]
    kind, names = next(iter(principal.items()))
    if len(as_list(names)) != 1:
        return [statement.finding(f"{len(as_list(names))} {kind} principals; a role trusts one")]
    name = str(as_list(names)[0])
    if kind == "Service":
        return _service_trust(statement, name)
    if kind == "Federated" and name == COGNITO_IDENTITY:
        return _identity_pool_trust(statement)
    return [statement.finding(f"principal {kind} {name} is not a service or the identity pool")]


def _service_trust(statement: Statement, service: str) -> list[Finding]:
    findings = []
    if statement.actions != ["sts:AssumeRole"]:
        findings.append(statement.finding(f"service {service} may {statement.actions}; only sts:AssumeRole"))
    if not SOURCE_KEYS & set(statement.conditions):
        findings.append(statement.finding(f"{service} assumes without aws:SourceAccount or aws:SourceArn"))
    return findings


def _identity_pool_trust(statement: Statement) -> list[Finding]:
    audience = statement.conditions.get(f"{COGNITO_IDENTITY}:aud")
    methods = as_list(statement.conditions.get(f"{COGNITO_IDENTITY}:amr"))
    findings = []
    if statement.actions != ["sts:AssumeRoleWithWebIdentity"]:
        findings.append(
            statement.finding(f"the pool may {statement.actions}; only AssumeRoleWithWebIdentity")
        )
    if not isinstance(audience, str) or not audience or "*" in audience:
        findings.append(statement.finding("the identity pool's role names no single pool (aud)"))
    if methods != ["authenticated"]:
        findings.append(
            statement.finding(f"the identity pool's role admits amr {methods}; authenticated only")
        )
    return findings


def _resource_statement(statement: Statement, rules: AuditRules, account_root: str) -> list[Finding]:
    findings = negated_elements(statement, rules)
    if not statement.allows:
        return findings
    findings += wildcard_actions(statement)
    if statement.document.resource.type == "aws_vpc_endpoint":
        return findings + _endpoint_statement(statement, rules)
    if "*" in statement.resources:
        findings.append(statement.finding('"Resource": "*" in a resource policy'))
    principal = statement.principal
    if not isinstance(principal, Mapping) or "*" in as_list(principal.get("AWS")):
        return [*findings, statement.finding(f"allows {principal!r}: any principal")]
    account_arns = account_root.removesuffix("root")
    for arn in as_list(principal.get("AWS")):
        if not str(arn).startswith(account_arns):
            findings.append(statement.finding(f"allows {arn}, outside this account"))
    for service in as_list(principal.get("Service")):
        justified = all(
            (str(service), action) in rules.unconditioned_service_grants for action in statement.actions
        )
        if not justified and not SOURCE_KEYS & set(statement.conditions):
            findings.append(
                statement.finding(f"service {service} allowed without aws:SourceAccount or aws:SourceArn")
            )
    findings += [statement.finding(f"{other} principal") for other in set(principal) - {"AWS", "Service"}]
    return findings


def _endpoint_statement(statement: Statement, rules: AuditRules) -> list[Finding]:
    """A VPC endpoint policy fences what passes the endpoint; IAM still decides who acts. Its
    principal is "*"; its resources follow the identity rules, and "*" (for actions without a
    resource ARN) must also be held to principals of an account (aws:PrincipalAccount...)."""
    findings = []
    for resource in statement.resources:
        if resource == "*":
            unfenced = not ENDPOINT_PRINCIPAL_KEYS & set(statement.conditions)
            findings += [
                statement.finding(f'"Resource": "*" for {action}, which has resource ARNs')
                for action in statement.actions
                if action not in rules.resource_star_actions
            ]
            if unfenced:
                findings.append(statement.finding('"Resource": "*" for principals of any account'))
        elif (problem := too_broad(resource)) is not None:
            findings.append(statement.finding(problem))
    return findings


def _key_policy(
    document: PolicyDocument, statements: Sequence[Statement], account: str, account_root: str
) -> list[Finding]:
    findings: list[Finding] = []
    administration = 0
    for statement in statements:
        if any(element in statement.body for element in NEGATED_ELEMENTS):
            findings.append(statement.finding("NotAction/NotResource/NotPrincipal in a key policy"))
        if not statement.allows:
            continue
        principal = statement.principal
        if (
            principal == {"AWS": account_root}
            and statement.actions == ["kms:*"]
            and "Condition" not in statement.body
        ):
            administration += 1
            continue
        findings += wildcard_actions(statement)
        if isinstance(principal, Mapping) and principal.get("AWS") == account_root and len(principal) == 1:
            findings += _account_key_use(statement, account)
        elif isinstance(principal, Mapping) and "Service" in principal and len(principal) == 1:
            findings += _service_key_use(statement)
        else:
            findings.append(statement.finding(f"principal {principal!r} is not the account or one service"))
    if administration != 1:
        problem = f"{administration} administration statements (kms:* to {account_root}); one expected"
        findings.append(Finding(document.address, document.attribute, "", problem))
    return findings


def _account_key_use(statement: Statement, account: str) -> list[Finding]:
    findings = []
    via = as_list(statement.conditions.get("kms:viaservice"))
    if (
        not via
        or any("*" in str(service) for service in via)
        or statement.conditions.get("kms:calleraccount") != account
    ):
        findings.append(
            statement.finding("the account uses the key without kms:ViaService and kms:CallerAccount")
        )
    granted = str(statement.conditions.get("kms:grantisforawsresource")).lower() == "true"
    if "kms:CreateGrant" in statement.actions and not granted:
        findings.append(statement.finding("grants not limited to AWS resources (kms:GrantIsForAWSResource)"))
    return findings


def _service_key_use(statement: Statement) -> list[Finding]:
    contexts = {
        key: value for key, value in statement.conditions.items() if key.startswith("kms:encryptioncontext:")
    }
    if not contexts and not SOURCE_KEYS & set(statement.conditions):
        return [
            statement.finding(f"service {statement.principal['Service']} uses the key without a condition")
        ]
    return [
        statement.finding(f"{key} {pattern} spans the whole account")
        for key, patterns in contexts.items()
        for pattern in as_list(patterns)
        if str(pattern) == "*" or str(pattern).endswith((":*", ":log-group:*"))
    ]


def _attachments(found: Sequence[Resource], rules: AuditRules) -> list[Finding]:
    attached = [(r.address, str(r.values.get("policy_arn", ""))) for r in managed(found, *ATTACHMENT_TYPES)]
    attached += [
        (r.address, str(arn))
        for r in managed(found, "aws_iam_role")
        for arn in r.values.get("managed_policy_arns") or []
    ]
    return [
        Finding(address, "policy_arn", "", f"AWS managed policy {arn} attached without a justification")
        for address, arn in attached
        if ":iam::aws:policy/" in arn and arn not in rules.managed_policies
    ]


def _forbidden_resources(found: Sequence[Resource]) -> list[Finding]:
    findings = [
        Finding(resource.address, "", "", "a long-lived access key or an IAM user: CI and people use roles")
        for resource in managed(found, "aws_iam_access_key", "aws_iam_user", "aws_iam_user_login_profile")
    ]
    findings += [
        Finding(
            permission.address, "source_arn", "", "a Lambda permission for a service without a source ARN"
        )
        for permission in managed(found, "aws_lambda_permission")
        if str(permission.values.get("principal", "")).endswith(".amazonaws.com")
        and not permission.values.get("source_arn")
    ]
    with_policy = {
        (policy.module_path, str(policy.values.get("arn")))
        for policy in managed(found, "aws_sns_topic_policy")
    }
    findings += [
        Finding(
            topic.address,
            "policy",
            "",
            "topic without an aws_sns_topic_policy (AWS's default policy applies)",
        )
        for topic in managed(found, "aws_sns_topic")
        if (topic.module_path, str(topic.values.get("arn"))) not in with_policy
    ]
    return findings


# --- Key use ------------------------------------------------------------------------------------

# Services that create grants on a key for the resources they encrypt.
GRANTING_SERVICES = frozenset({"dynamodb", "lambda", "ecr", "comprehend"})

# Where a resource names the key that encrypts it, and the service that then uses the key:
# {resource type: [(path, service)]}; a path step "x[]" walks every block of a nested list.
ENCRYPTION_ATTRIBUTES: dict[str, list[tuple[str, str]]] = {
    "aws_s3_bucket_server_side_encryption_configuration": [
        ("rule[].apply_server_side_encryption_by_default[].kms_master_key_id", "s3")
    ],
    "aws_s3_object": [("kms_key_id", "s3")],
    "aws_dynamodb_table": [("server_side_encryption[].kms_key_arn", "dynamodb")],
    "aws_sqs_queue": [("kms_master_key_id", "sqs")],
    "aws_sns_topic": [("kms_master_key_id", "sns")],
    "aws_lambda_function": [("kms_key_arn", "lambda")],
    "aws_ecr_repository": [("encryption_configuration[].kms_key", "ecr")],
    "aws_cloudwatch_log_group": [("kms_key_id", "logs")],
    "aws_secretsmanager_secret": [("kms_key_id", "secretsmanager")],
    "aws_glue_security_configuration": [
        ("encryption_configuration[].cloudwatch_encryption[].kms_key_arn", "glue-logs"),
        ("encryption_configuration[].job_bookmarks_encryption[].kms_key_arn", "glue"),
        ("encryption_configuration[].s3_encryption[].kms_key_arn", "s3"),
    ],
    "aws_athena_workgroup": [
        ("configuration[].result_configuration[].encryption_configuration[].kms_key_arn", "athena")
    ],
    "aws_codebuild_project": [("encryption_key", "s3")],
    "aws_codepipeline": [("artifact_store[].encryption_key[].id", "s3")],
    "aws_comprehend_entity_recognizer": [
        ("model_kms_key_id", "comprehend"),
        ("volume_kms_key_id", "comprehend"),
    ],
}
# Glue names the log groups of a security configuration itself, under /aws-glue/.
GLUE_LOG_GROUP = "log-group:/aws-glue/jobs/"


def values_at(values: Mapping[str, Json], path: str) -> list[Json]:
    current: list[Json] = [values]
    for step in path.split("."):
        nested = step.endswith("[]")
        name = step.removesuffix("[]")
        following: list[Json] = []
        for item in current:
            value = item.get(name) if isinstance(item, Mapping) else None
            if value is not None:
                following.extend(value if nested else [value])
        current = following
    return [value for value in current if value not in (None, "")]


@dataclass(frozen=True)
class KeyPolicy:
    """What one key's policy lets services do with the key."""

    address: str
    via_services: frozenset[str]
    grant_services: frozenset[str]
    # (service, encryption context key, resource pattern) a service may use the key for.
    deliveries: tuple[tuple[str, str, str], ...]
    log_groups: tuple[str, ...]


@dataclass(frozen=True)
class KeyUse:
    """A service using a key for ``resource`` (an address); for logs and deliveries also the ARN of
    the log group, queue or topic, and the encryption context that names it."""

    key_arn: str
    service: str
    resource: str
    subject: str = ""
    context: str = ""


def short_service(principal: str) -> str:
    """``s3`` for ``s3.eu-south-2.amazonaws.com`` or ``s3.amazonaws.com``."""
    return principal.split(".", 1)[0]


def key_policies(found: Iterable[Resource]) -> dict[str, KeyPolicy]:
    """Each key of the configuration by ARN, with what its policy allows services to do."""
    policies: dict[str, KeyPolicy] = {}
    for key in managed(found, "aws_kms_key"):
        via: set[str] = set()
        grants: set[str] = set()
        deliveries: list[tuple[str, str, str]] = []
        log_groups: list[str] = []
        document = _document(key, "policy", KEY, key.values["policy"])
        for statement in (Statement(document, body) for body in document.statements):
            if not statement.allows:
                continue
            conditions = statement.conditions
            services = {short_service(str(service)) for service in as_list(conditions.get("kms:viaservice"))}
            if "kms:CreateGrant" in statement.actions:
                grants |= services
            if set(statement.actions) - {"kms:CreateGrant"}:
                via |= services
            principal = statement.principal if isinstance(statement.principal, Mapping) else {}
            for service in as_list(principal.get("Service")):
                for context, patterns in conditions.items():
                    if context == "kms:encryptioncontext:aws:logs:arn":
                        log_groups += [str(pattern) for pattern in as_list(patterns)]
                    elif context.startswith("kms:encryptioncontext:"):
                        name = context.removeprefix("kms:encryptioncontext:")
                        deliveries += [(short_service(str(service)), name, str(p)) for p in as_list(patterns)]
        policies[str(key.values["arn"])] = KeyPolicy(
            key.address, frozenset(via), frozenset(grants), tuple(deliveries), tuple(log_groups)
        )
    return policies


def arn_beside(key_arn: str, service: str, resource: str) -> str:
    """The ARN of ``resource`` (e.g. ``log-group:/aws/lambda/x``) in the key's partition, region and
    account: a key and the log groups, queues and topics it encrypts always share them."""
    _, partition, _, region, account, _ = key_arn.split(":", 5)
    return f"arn:{partition}:{service}:{region}:{account}:{resource}"


def key_uses(found: Sequence[Resource]) -> list[KeyUse]:
    """Every use of a key the configuration implies (ENCRYPTION_ATTRIBUTES), and the service
    deliveries into encrypted queues and topics that their policies admit."""
    uses: list[KeyUse] = []
    for resource in managed(found, *ENCRYPTION_ATTRIBUTES):
        for path, service in ENCRYPTION_ATTRIBUTES[resource.type]:
            for key_arn in (str(arn) for arn in values_at(resource.values, path)):
                if service == "logs":
                    log_group = arn_beside(key_arn, "logs", f"log-group:{resource.values['name']}")
                    uses.append(KeyUse(key_arn, "logs", resource.address, log_group))
                elif service == "glue-logs":
                    log_group = arn_beside(
                        key_arn, "logs", f"{GLUE_LOG_GROUP}{resource.values['name']}-role/"
                    )
                    uses.append(KeyUse(key_arn, "logs", resource.address, log_group))
                else:
                    uses.append(KeyUse(key_arn, service, resource.address))
    for queue in managed(found, "aws_sqs_queue"):
        if queue.values.get("kms_master_key_id") and queue.values.get("policy"):
            key_arn = str(queue.values["kms_master_key_id"])
            subject = arn_beside(key_arn, "sqs", str(queue.values["name"]))
            for service in _admitted_services(str(queue.values["policy"]), "sqs:SendMessage"):
                uses.append(KeyUse(key_arn, service, queue.address, subject, "aws:sqs:arn"))
    topics = managed(found, "aws_sns_topic")
    for policy in managed(found, "aws_sns_topic_policy"):
        # The topic of the same module instance whose ARN the policy names.
        topic = next(
            (
                t
                for t in topics
                if (t.module_path, t.values.get("arn")) == (policy.module_path, policy.values.get("arn"))
            ),
            None,
        )
        if topic is not None and topic.values.get("kms_master_key_id"):
            key_arn = str(topic.values["kms_master_key_id"])
            subject = arn_beside(key_arn, "sns", str(topic.values["name"]))
            for service in _admitted_services(str(policy.values["policy"]), "sns:Publish"):
                uses.append(KeyUse(key_arn, service, policy.address, subject, "aws:sns:topicArn"))
    return uses


def _admitted_services(policy_text: str, action: str) -> list[str]:
    """The services a resource policy allows ``action``."""
    services: set[str] = set()
    for body in as_list(json.loads(policy_text).get("Statement")):
        principal = body.get("Principal")
        if (
            body.get("Effect") == "Allow"
            and isinstance(principal, Mapping)
            and action in as_list(body.get("Action"))
        ):
            services |= {short_service(str(service)) for service in as_list(principal.get("Service"))}
    return sorted(services)


def key_policy_findings(
    found: Sequence[Resource],
    runtime_uses: Mapping[tuple[str, str], str],
    *,
    foreign_keys_allowed: bool = False,
) -> list[str]:
    """Each key must allow every use the configuration makes of it, and nothing else.

    ``runtime_uses`` maps (key address, service) to the reason a service uses the key at run time
    with no resource naming it (e.g. Transcribe encrypting a job's output with the key the function
    passes). With ``foreign_keys_allowed`` (a module applied alone), uses of keys the configuration
    does not hold are skipped."""
    policies = key_policies(found)
    problems: list[str] = []
    used_via: dict[str, set[str]] = {arn: set() for arn in policies}
    used_deliveries: dict[str, set[tuple[str, str, str]]] = {arn: set() for arn in policies}
    for use in key_uses(found):
        policy = policies.get(use.key_arn)
        if policy is None:
            if not foreign_keys_allowed:
                problems.append(f"{use.resource} uses {use.key_arn}, a key this configuration does not hold")
        elif use.service == "logs":
            if not any(fnmatch.fnmatchcase(use.subject, pattern) for pattern in policy.log_groups):
                problems.append(
                    f"{policy.address}: CloudWatch Logs may not encrypt {use.subject} ({use.resource})"
                )
        elif use.context:
            matching = {
                delivery
                for delivery in policy.deliveries
                if delivery[:2] == (use.service, use.context.lower())
                and fnmatch.fnmatchcase(use.subject, delivery[2])
            }
            if not matching:
                problems.append(
                    f"{policy.address}: {use.service} delivers into {use.subject} without the key"
                )
            used_deliveries[use.key_arn] |= matching
        else:
            used_via[use.key_arn].add(use.service)
            problems += _via_problems(policy, use)
    for arn, policy in policies.items():
        problems += _unused_permissions(policy, used_via[arn], used_deliveries[arn], runtime_uses)
    return problems


def _via_problems(policy: KeyPolicy, use: KeyUse) -> list[str]:
    problems = []
    if use.service not in policy.via_services:
        problems.append(
            f"{policy.address}: {use.resource} encrypts through {use.service}, which the policy does not name"
        )
    if use.service in GRANTING_SERVICES and use.service not in policy.grant_services:
        problems.append(f"{policy.address}: {use.service} ({use.resource}) cannot create the grant it needs")
    return problems


def _unused_permissions(
    policy: KeyPolicy,
    used_via: set[str],
    used_deliveries: set[tuple[str, str, str]],
    runtime_uses: Mapping[tuple[str, str], str],
) -> list[str]:
    justified = {service for (address, service) in runtime_uses if address == policy.address}
    problems = [
        f"{policy.address}: names {service} in kms:ViaService, but nothing uses the key through it"
        for service in sorted(policy.via_services - used_via - justified)
    ]
    problems += [
        f"{policy.address}: {service} may create grants, but none of its resources uses the key"
        for service in sorted(policy.grant_services - used_via)
    ]
    problems += [
        f"{policy.address}: {service} may use the key for {pattern}, but delivers into none of it"
        for (service, context, pattern) in policy.deliveries
        if (service, context, pattern) not in used_deliveries
    ]
    return problems


# --- Secrets ------------------------------------------------------------------------------------

# Names of outputs and environment variables that must never hold a secret's value.
SECRET_NAME = re.compile(r"secret|passw|token|credential|private|api_?key", re.IGNORECASE)
# Names of SSM parameters that must be SecureString.
KEY_NAME = re.compile(r"(^|[_/-])key(s|[_/-]|$)", re.IGNORECASE)
# A run that looks like generated key material: 20+ base64 characters mixing both cases and digits.
KEY_MATERIAL = re.compile(
    r"(?=[A-Za-z0-9+/=]*[0-9])(?=[A-Za-z0-9+/=]*[a-z])(?=[A-Za-z0-9+/=]*[A-Z])[A-Za-z0-9+/=]{20,}"
)


def holds_a_secret_value(name: str, value: str) -> bool:
    """Whether ``value``, under ``name``, looks like a secret rather than where one is kept.

    Under a secret-like name only an ARN or a path-like name (``/acogida/dev/x``,
    ``acogida-dev/pseudonymisation-key``) passes; under any name, a run of key material fails."""
    if value.startswith("arn:"):
        return False
    if KEY_MATERIAL.search(value):
        return True
    return bool(SECRET_NAME.search(name)) and "/" not in value


def _leaf_strings(value: Json) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _leaf_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaf_strings(item)


def secret_findings(document: Mapping[str, Json]) -> list[str]:
    """Secret values in a state: a non-sensitive output that holds one, a plaintext SSM parameter
    named like a secret, a secret version whose value is in the state, or a Lambda, CodeBuild or
    ECS environment variable holding a secret's value rather than the ARN or name of where it is
    kept (holds_a_secret_value)."""
    found = resources(document)
    problems: list[str] = []
    outputs = document.get("outputs") or (document.get("values") or {}).get("outputs") or {}
    for name, output in outputs.items():
        leaves = _leaf_strings(output.get("value"))
        if not output.get("sensitive") and any(holds_a_secret_value(name, value) for value in leaves):
            problems.append(f"output {name} holds what looks like a secret value and is not sensitive")
    for parameter in managed(found, "aws_ssm_parameter"):
        name = str(parameter.values.get("name", ""))
        if parameter.values.get("type") != "SecureString" and (
            SECRET_NAME.search(name) or KEY_NAME.search(name)
        ):
            problems.append(f"{parameter.address}: plaintext parameter named like a secret; use SecureString")
    for version in managed(found, "aws_secretsmanager_secret_version"):
        if version.values.get("secret_string") or version.values.get("secret_binary"):
            problems.append(f"{version.address}: the secret's value is in the state")
    for address, name, value in _environment_variables(found):
        if holds_a_secret_value(name, value):
            problems.append(
                f"{address}: environment variable {name} holds a value, not where a secret is kept"
            )
    return problems


def _environment_variables(found: Sequence[Resource]) -> Iterator[tuple[str, str, str]]:
    for function in managed(found, "aws_lambda_function"):
        for environment in function.values.get("environment") or []:
            for name, value in (environment.get("variables") or {}).items():
                yield function.address, name, str(value)
    for project in managed(found, "aws_codebuild_project"):
        for environment in project.values.get("environment") or []:
            for variable in environment.get("environment_variable") or []:
                # PARAMETER_STORE and SECRETS_MANAGER variables hold the parameter's or secret's name.
                if variable.get("type", "PLAINTEXT") == "PLAINTEXT":
                    yield project.address, str(variable["name"]), str(variable.get("value", ""))
    for task in managed(found, "aws_ecs_task_definition"):
        for container in json.loads(task.values.get("container_definitions") or "[]"):
            for variable in container.get("environment") or []:
                yield task.address, str(variable["name"]), str(variable.get("value", ""))
