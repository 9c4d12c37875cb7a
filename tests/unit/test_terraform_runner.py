from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from acogida.infra.images import image_tags
from acogida.infra.terraform import (
    SavedPlan,
    TerraformError,
    TerraformRoot,
    changed_resources,
    gitlab_terraform_report,
    resource_type_of,
    unexplained_changes,
)


def test_local_runs_with_dummy_credentials_only(monkeypatch, toolchain):
    monkeypatch.setenv("AWS_PROFILE", "production-admin")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-token")
    monkeypatch.setenv("TF_WORKSPACE", "prod")
    root = TerraformRoot(toolchain, "local", emulator_endpoint="http://127.0.0.1:5001")
    env = root.process_env()
    assert "AWS_PROFILE" not in env
    assert "AWS_SESSION_TOKEN" not in env
    assert "TF_WORKSPACE" not in env
    assert env["AWS_ACCESS_KEY_ID"] == "testing"
    assert env["AWS_ENDPOINT_URL_S3"] == "http://127.0.0.1:5001"
    assert env["TF_DATA_DIR"].endswith("terraform/.tfdata/local")


def test_real_environment_keeps_the_callers_credentials(monkeypatch, toolchain):
    monkeypatch.setenv("AWS_PROFILE", "acogida-dev")
    env = TerraformRoot(toolchain, "dev").process_env()
    assert env["AWS_PROFILE"] == "acogida-dev"
    assert "AWS_ENDPOINT_URL_S3" not in env
    assert env["TF_DATA_DIR"].endswith("terraform/.tfdata/dev")


def test_each_environment_has_its_own_data_dir(toolchain):
    assert TerraformRoot(toolchain, "dev").data_dir != TerraformRoot(toolchain, "prod").data_dir


def test_emulator_endpoint_only_for_local(toolchain):
    with pytest.raises(ValueError, match="exactly for the local environment"):
        TerraformRoot(toolchain, "prod", emulator_endpoint="http://127.0.0.1:5000")
    with pytest.raises(ValueError, match="exactly for the local environment"):
        TerraformRoot(toolchain, "local")
    with pytest.raises(ValueError, match="unknown environment"):
        TerraformRoot(toolchain, "staging")


def test_init_uses_the_mirror_only_when_it_exists(toolchain, tmp_path):
    with_mirror = TerraformRoot(replace(toolchain, provider_mirror=tmp_path), "dev")
    assert f"-plugin-dir={tmp_path}" in with_mirror.init_arguments()
    without = TerraformRoot(replace(toolchain, provider_mirror=tmp_path / "absent"), "dev")
    assert not any(argument.startswith("-plugin-dir") for argument in without.init_arguments())
    assert any(argument.endswith("config/backend/dev.hcl") for argument in without.init_arguments())


def test_local_variables_carry_the_emulator_port(toolchain):
    arguments = TerraformRoot(
        toolchain, "local", emulator_endpoint="http://127.0.0.1:5077"
    ).variable_arguments()
    assert arguments[0].endswith("config/local.tfvars")
    assert "-var=emulator_endpoint=http://127.0.0.1:5077" in arguments


def test_changed_resources_names_the_differing_attributes():
    plan = {
        "resource_changes": [
            {"address": "a.same", "change": {"actions": ["no-op"], "before": {"x": 1}, "after": {"x": 1}}},
            {
                "address": "a.drift",
                "change": {
                    "actions": ["update"],
                    "before": {"x": 1, "y": "k"},
                    "after": {"x": 2, "y": "k"},
                    "after_unknown": {},
                },
            },
            {
                "address": "a.new",
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": {"z": 1},
                    "after_unknown": {"id": True},
                },
            },
        ]
    }
    assert list(changed_resources(plan)) == [
        ("a.drift", ["update"], ["x"]),
        ("a.new", ["create"], ["id", "z"]),
    ]


@pytest.mark.parametrize(
    ("address", "resource_type"),
    [
        ('module.landing_zone.aws_s3_bucket.this["raw"]', "aws_s3_bucket"),
        ("aws_kms_key.this", "aws_kms_key"),
        ("module.app.module.api.aws_lambda_function.this", "aws_lambda_function"),
        ("data.aws_region.current", "aws_region"),
        ('module.x.data.aws_iam_policy_document.p["a.b"]', "aws_iam_policy_document"),
    ],
)
def test_resource_type_of(address, resource_type):
    assert resource_type_of(address) == resource_type


def _update(address, before, after):
    return {"address": address, "change": {"actions": ["update"], "before": before, "after": after}}


def test_allowlisted_emulator_diff_is_explained_and_nothing_else():
    allowlist = {("aws_lambda_function", "kms_key_arn"): "moto returns no kms_key_arn"}
    plan = {
        "resource_changes": [
            _update("module.app.aws_lambda_function.this", {"kms_key_arn": None}, {"kms_key_arn": "arn"}),
            _update(
                "module.app.aws_lambda_function.other",
                {"kms_key_arn": None, "timeout": 3},
                {"kms_key_arn": "a", "timeout": 9},
            ),
            _update("aws_sqs_queue.q", {"kms_key_arn": None}, {"kms_key_arn": "arn"}),
        ]
    }
    assert unexplained_changes(plan, allowlist) == [
        ("module.app.aws_lambda_function.other", ["update"], ["timeout"]),
        ("aws_sqs_queue.q", ["update"], ["kms_key_arn"]),
    ]


def test_replacement_is_never_explained_away():
    allowlist = {("aws_kms_key", "policy"): "reason"}
    plan = {
        "resource_changes": [
            {
                "address": "aws_kms_key.k",
                "change": {
                    "actions": ["delete", "create"],
                    "before": {"policy": "a"},
                    "after": {"policy": "b"},
                },
            }
        ]
    }
    assert unexplained_changes(plan, allowlist) == [("aws_kms_key.k", ["delete", "create"], [])]


# --- Saved plans (CI: plan once, review, apply exactly that plan) -------------------------------


def test_a_saved_plan_is_written_where_asked_whatever_the_working_directory(toolchain, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    arguments = TerraformRoot(toolchain, "dev").plan_arguments(plan_file=Path("dev.tfplan"))
    # terraform runs with -chdir=terraform: a relative -out would land in terraform/.
    assert f"-out={tmp_path / 'dev.tfplan'}" in arguments
    assert arguments[0] == "plan"
    assert any(argument.endswith("config/dev.tfvars") for argument in arguments)


def test_applying_a_saved_plan_passes_no_variables_and_no_approval(toolchain, tmp_path):
    arguments = TerraformRoot(toolchain, "prod").apply_plan_arguments(tmp_path / "prod.tfplan")
    assert arguments == ["apply", "-input=false", str(tmp_path / "prod.tfplan")]


def test_applying_a_missing_plan_fails_before_terraform_runs(toolchain, tmp_path, monkeypatch):
    root = TerraformRoot(toolchain, "test")
    monkeypatch.setattr(root, "_run", lambda *a, **k: pytest.fail("terraform must not run"))
    with pytest.raises(TerraformError, match=r"no saved plan at .*test\.tfplan for environment test"):
        root.apply_plan(tmp_path / "test.tfplan")


def test_save_plan_writes_the_plan_its_json_text_and_gitlab_report(toolchain, tmp_path, monkeypatch):
    plan = {
        "resource_changes": [
            {"address": "a.new", "change": {"actions": ["create"]}},
            {"address": "a.moved", "change": {"actions": ["delete", "create"]}},
            {"address": "a.same", "change": {"actions": ["no-op"]}},
            {"address": "a.tag", "change": {"actions": ["update"]}},
        ]
    }
    calls = []

    def fake_run(arguments, **_):
        calls.append(arguments)
        if arguments[0] == "plan":
            (tmp_path / "plans" / "pre.tfplan").write_bytes(b"binary plan")
            return subprocess.CompletedProcess(arguments, 0, "", "")
        output = json.dumps(plan) if "-json" in arguments else "Plan: 2 to add, 1 to change, 1 to destroy."
        return subprocess.CompletedProcess(arguments, 0, output, "")

    root = TerraformRoot(toolchain, "pre", echo=False)
    monkeypatch.setattr(root, "_run", fake_run)
    monkeypatch.setattr(root, "build_artifacts", lambda: None)
    saved = root.save_plan(tmp_path / "plans" / "pre.tfplan")

    assert saved == SavedPlan(tmp_path / "plans" / "pre.tfplan")
    assert [call[0] for call in calls] == ["plan", "show", "show"]
    assert json.loads(saved.json_file.read_text()) == plan
    assert saved.text_file.read_text().startswith("Plan: 2 to add")
    assert json.loads(saved.report_file.read_text()) == {"create": 2, "update": 1, "delete": 1}
    assert saved.report_file.name == "pre.tfplan.report.json"


def test_gitlab_report_of_a_plan_without_changes():
    assert gitlab_terraform_report({"resource_changes": []}) == {"create": 0, "update": 0, "delete": 0}
    assert gitlab_terraform_report({}) == {"create": 0, "update": 0, "delete": 0}


def test_every_run_gets_the_image_tags_of_the_checkout(toolchain):
    root = TerraformRoot(toolchain, "dev")
    var_file = next(argument for argument in root.variable_arguments() if "image-tags" in argument)
    path = Path(var_file.removeprefix("-var-file="))
    assert path.parent == toolchain.repo_root / "build" / "images"
    assert json.loads(path.read_text(encoding="utf-8")) == {"image_tags": image_tags(toolchain.repo_root)}


def test_given_image_tags_go_to_a_var_file_of_their_own(toolchain):
    checkout = TerraformRoot(toolchain, "dev").image_tags_file()
    given = {**image_tags(toolchain.repo_root), "bulk_upload": "analytics-00000000000000000000"}
    other = TerraformRoot(toolchain, "dev", image_tags=given).image_tags_file()
    assert other != checkout
    assert (
        json.loads(other.read_text(encoding="utf-8"))["image_tags"]["bulk_upload"]
        == "analytics-00000000000000000000"
    )
    assert json.loads(checkout.read_text(encoding="utf-8")) == {"image_tags": image_tags(toolchain.repo_root)}
