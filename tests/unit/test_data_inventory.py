"""docs/data-protection.md's retention table against config/<env>.tfvars and against Terraform.

Each row names a store, the root variable that sets its retention (or "fixed"), where Terraform
applies it, and the value per environment. Checked here:

- every variable row's value in each environment is that variable's value in config/<env>.tfvars,
  and the variable is a validated root variable;
- every setting carries the value Terraform gives it: the state of the all-switches run of
  terraform/tests/security.tftest.hcl (mock providers, no AWS), whose variables give each
  retention a distinct value so that a setting wired to the wrong variable shows;
- rows still pending on another branch are exactly those listed in PENDING.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from acogida.infra.policy_audit import Resource, resources
from acogida.infra.terraform import terraform_test_states

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "data-protection.md"
ENVIRONMENTS = ("local", "dev", "test", "pre", "prod")
ALL_SWITCHES_TEST = "tests/security.tftest.hcl"
ALL_SWITCHES_RUN = "every_switch_on_with_the_s3_source"
# Rows another branch completes: the audit trail adds audit_retention_days and the audit bucket;
# its merge replaces "pending" with a setting this test checks, and removes the entry here.
PENDING = {"audit_retention_days"}
DAY_S = 24 * 3600


@dataclass(frozen=True)
class Row:
    store: str
    variable: str | None  # None: fixed
    setting: str
    values: dict[str, str]  # by environment


def table_rows(text: str) -> list[Row]:
    block = text.split("<!-- retention-table:start -->", 1)[1].split("<!-- retention-table:end -->", 1)[0]
    lines = [line.strip() for line in block.strip().splitlines()]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == ["Store", "Variable", "Terraform setting", *ENVIRONMENTS]
    rows = []
    for line in lines[2:]:
        cells = [cell.strip().strip("`") for cell in line.strip("|").split("|")]
        assert len(cells) == len(header), line
        variable = None if cells[1] == "fixed" else cells[1]
        rows.append(Row(cells[0], variable, cells[2], dict(zip(ENVIRONMENTS, cells[3:], strict=True))))
    return rows


def numbers(text: str) -> dict[str, int]:
    """The whole-number assignments of HCL text (a tfvars file, a test's variables block)."""
    pattern = re.compile(r"^\s*([a-z_]+)\s*=\s*(\d+)\s*(?:#.*)?$", re.MULTILINE)
    return {name: int(value) for name, value in pattern.findall(text)}


def tfvars(environment: str) -> dict[str, int]:
    return numbers((REPO / "config" / f"{environment}.tfvars").read_text(encoding="utf-8"))


def all_switches_variables() -> dict[str, int]:
    """The file-level ``variables`` block of the all-switches test (the runs' own blocks aside)."""
    text = (REPO / "terraform" / ALL_SWITCHES_TEST).read_text(encoding="utf-8")
    return numbers(text.split("\nvariables {\n", 1)[1].split("\n}\n", 1)[0])


def root_variable_blocks() -> dict[str, str]:
    text = (REPO / "terraform" / "variables.tf").read_text(encoding="utf-8")
    return dict(re.findall(r'^variable "([a-z_]+)" \{\n(.*?)^\}', text, flags=re.MULTILINE | re.DOTALL))


def root_default(name: str) -> int:
    match = re.search(r"^\s*default\s*=\s*(\d+)", root_variable_blocks()[name], flags=re.MULTILINE)
    assert match, f"root variable {name} has no numeric default"
    return int(match.group(1))


ROWS = table_rows(DOC.read_text(encoding="utf-8"))


def test_the_table_covers_every_retention_variable_and_marks_the_pending_ones():
    named = {row.variable for row in ROWS if row.variable}
    retention_variables = {
        name for name in root_variable_blocks() if name.endswith(("_retention_days", "_ttl_days"))
    }
    assert retention_variables - named == set(), "a retention variable missing from the doc's table"
    pending = {row.variable for row in ROWS if row.setting == "pending"}
    assert pending == PENDING
    for row in ROWS:
        if row.setting == "pending":
            assert set(row.values.values()) == {"pending"}, row.store


@pytest.mark.parametrize(
    "row", [row for row in ROWS if row.variable and row.variable not in PENDING], ids=lambda row: row.store
)
def test_each_environments_value_is_its_tfvars_value(row):
    block = root_variable_blocks().get(str(row.variable))
    assert block is not None, f"{row.variable} is not a root variable"
    assert "validation {" in block, f"{row.variable} has no validation"
    for environment in ENVIRONMENTS:
        configured = tfvars(environment)
        assert row.variable in configured, f"config/{environment}.tfvars does not set {row.variable}"
        assert row.values[environment] == str(configured[row.variable]), (
            f"{row.store}: the doc says {row.values[environment]} days in {environment}, "
            f"config/{environment}.tfvars sets {row.variable} = {configured[row.variable]}"
        )


def test_a_fixed_retention_is_the_same_everywhere():
    for row in ROWS:
        if row.variable is None:
            assert len(set(row.values.values())) == 1, row.store


# --------------------------------------------------------------------------------------------------
# The settings in Terraform's state
# --------------------------------------------------------------------------------------------------

LIFECYCLES = {
    # landing zone data buckets by role; the access-log buckets of both regions; the speech bucket
    "access-logs": (
        "module.landing_zone.aws_s3_bucket_lifecycle_configuration.access_logs",
        "module.transcription.aws_s3_bucket_lifecycle_configuration.speech_logs",
    ),
    "speech": ("module.transcription.aws_s3_bucket_lifecycle_configuration.speech",),
}


def lifecycle_addresses(bucket: str) -> tuple[str, ...]:
    return LIFECYCLES.get(
        bucket, (f'module.landing_zone.aws_s3_bucket_lifecycle_configuration.this["{bucket}"]',)
    )


def s3_rule_days(found: list[Resource], bucket: str, rule_id: str) -> Iterator[int]:
    by_address = {resource.address: resource for resource in found}
    for address in lifecycle_addresses(bucket):
        assert address in by_address, f"no {address} in the state"
        (rule,) = [rule for rule in by_address[address].values["rule"] if rule["id"] == rule_id]
        assert rule["status"] == "Enabled"
        yield int(rule["expiration"][0]["days"])


def noncurrent_days(found: list[Resource]) -> Iterator[int]:
    lifecycles = [r for r in found if r.type == "aws_s3_bucket_lifecycle_configuration"]
    buckets = [r for r in found if r.type == "aws_s3_bucket" and r.mode == "managed"]
    assert len(lifecycles) == len(buckets), "a bucket without a lifecycle configuration"
    for lifecycle in lifecycles:
        (rule,) = [rule for rule in lifecycle.values["rule"] if rule.get("noncurrent_version_expiration")]
        yield int(rule["noncurrent_version_expiration"][0]["noncurrent_days"])


def lambda_env(found: list[Resource], name: str) -> Iterator[int]:
    carrying = [
        r.values["environment"][0]["variables"][name]
        for r in found
        if r.type == "aws_lambda_function"
        and name in (r.values.get("environment") or [{}])[0].get("variables", {})
    ]
    assert carrying, f"no function has {name}"
    yield from (int(value) for value in carrying)


def log_group_days(found: list[Resource]) -> Iterator[int]:
    groups = [r for r in found if r.type == "aws_cloudwatch_log_group"]
    assert groups
    yield from (int(group.values["retention_in_days"]) for group in groups)


def dlq_days(found: list[Resource]) -> Iterator[int]:
    queues = [r for r in found if r.type == "aws_sqs_queue" and str(r.values["name"]).endswith("-dlq")]
    assert queues
    for queue in queues:
        seconds = int(queue.values["message_retention_seconds"])
        assert seconds % DAY_S == 0
        yield seconds // DAY_S


def output_value(state: dict[str, Any], path: str) -> Iterator[int]:
    name, *keys = path.split(".")
    # A terraform test state has the outputs at the top; terraform show -json under "values".
    value = state.get("values", state)["outputs"][name]["value"]
    for key in keys:
        value = value[key]
    yield int(value)


def setting_values(state: dict[str, Any], setting: str) -> list[int]:
    found = resources(state)
    kind, *arguments = setting.split()
    readers: dict[str, Callable[[], Iterator[int]]] = {
        "s3-rule": lambda: s3_rule_days(found, *arguments),
        "s3-noncurrent": lambda: noncurrent_days(found),
        "lambda-env": lambda: lambda_env(found, *arguments),
        "log-groups": lambda: log_group_days(found),
        "sqs-dlq": lambda: dlq_days(found),
        "output": lambda: output_value(state, *arguments),
    }
    assert kind in readers, f"unknown Terraform setting {setting!r}"
    return list(readers[kind]())


@pytest.fixture(scope="module")
def all_switches_state(toolchain, tmp_path_factory) -> dict[str, Any]:
    states = terraform_test_states(
        toolchain, ALL_SWITCHES_TEST, tmp_path_factory.mktemp("retention") / "tfdata"
    )
    return states[ALL_SWITCHES_RUN]


def test_the_run_gives_each_retention_variable_its_own_value():
    given = all_switches_variables()
    variables = {row.variable for row in ROWS if row.variable and row.variable not in PENDING}
    values = [given.get(name, root_default(name)) for name in variables]
    assert len(set(values)) == len(values), "two retention variables share a value: a mix-up would not show"


def test_every_store_gets_its_retention_from_its_variable(all_switches_state):
    given = all_switches_variables()
    for row in ROWS:
        if row.variable in PENDING:
            continue
        expected = (
            given.get(row.variable, root_default(row.variable)) if row.variable else int(row.values["local"])
        )
        found = setting_values(all_switches_state, row.setting)
        assert found, row.store
        assert set(found) == {expected}, (
            f"{row.store}: {row.setting} holds {sorted(set(found))}, expected {expected}"
        )


def test_the_tables_that_expire_items_have_ttl_on(all_switches_state):
    tables = {
        r.values["name"]: r.values for r in resources(all_switches_state) if r.type == "aws_dynamodb_table"
    }
    expected = {
        "acogida-test-intakes": "expires_at",
        "acogida-test-idempotency": "expiration",
        "acogida-test-forecasts": "expires_at",
    }
    for name, attribute in expected.items():
        assert tables[name]["ttl"] == [{"attribute_name": attribute, "enabled": True}], name
