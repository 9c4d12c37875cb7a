from __future__ import annotations

from dataclasses import replace

import pytest

from acogida.infra.terraform import TerraformRoot, changed_resources


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
