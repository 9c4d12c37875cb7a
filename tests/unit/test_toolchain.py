from __future__ import annotations

from pathlib import Path

import pytest

from acogida.infra.toolchain import (
    RepositoryNotFoundError,
    find_repository_root,
    load_toolchain,
    parse_env_file,
)


def test_env_file_ignores_comments_and_blank_lines():
    text = "# mirror\n\nTF_PROVIDER_MIRROR=/opt/tf-plugins\nMOTO_PORT = 5000\n"
    assert parse_env_file(text) == {"TF_PROVIDER_MIRROR": "/opt/tf-plugins", "MOTO_PORT": "5000"}


def test_env_file_error_names_the_line():
    with pytest.raises(ValueError, match="line 2"):
        parse_env_file("MOTO_PORT=5000\nthis is not a setting\n")


def test_repository_root_found_from_a_subdirectory(toolchain):
    assert find_repository_root(toolchain.repo_root / "terraform" / "modules") == toolchain.repo_root


def test_repository_root_override_must_be_a_checkout(monkeypatch, tmp_path):
    monkeypatch.setenv("ACOGIDA_REPO_ROOT", str(tmp_path))
    with pytest.raises(RepositoryNotFoundError, match="not an Acogida checkout"):
        find_repository_root()


def test_environment_variable_overrides_the_file(monkeypatch, toolchain):
    monkeypatch.setenv("MOTO_PORT", "5099")
    monkeypatch.setenv("TF_PROVIDER_MIRROR", "/nowhere")
    loaded = load_toolchain(toolchain.repo_root)
    assert loaded.moto_port == 5099
    assert loaded.provider_mirror == Path("/nowhere")
    assert loaded.emulator_endpoint == "http://127.0.0.1:5099"


def test_local_runtime_ports(monkeypatch, toolchain):
    for name in ("LOCAL_API_PORT", "LOCAL_FRONT_PORT"):
        monkeypatch.delenv(name, raising=False)
    loaded = load_toolchain(toolchain.repo_root)
    # The front's port is the origin config/local.tfvars admits in the API's CORS configuration.
    assert (loaded.local_api_port, loaded.local_front_port) == (8000, 8080)
    assert (
        'cors_allowed_origins              = ["http://127.0.0.1:8080"]'
        in toolchain.tfvars("local").read_text()
    )
    monkeypatch.setenv("LOCAL_FRONT_PORT", "8181")
    assert load_toolchain(toolchain.repo_root).local_front_port == 8181


@pytest.mark.parametrize("port", ["80", "70000", "abc"])
def test_bad_port_is_rejected(monkeypatch, toolchain, port):
    monkeypatch.setenv("MOTO_PORT", port)
    with pytest.raises(ValueError, match="MOTO_PORT"):
        load_toolchain(toolchain.repo_root)


def test_every_environment_has_tfvars_and_backend(toolchain):
    for environment in ("local", "dev", "test", "pre", "prod"):
        tfvars = toolchain.tfvars(environment).read_text(encoding="utf-8")
        assert f'environment    = "{environment}"' in tfvars
        backend = toolchain.backend_config(environment).read_text(encoding="utf-8")
        assert "use_lockfile         = true" in backend or "use_lockfile                = true" in backend
        assert "workspace_key_prefix" in backend


def test_only_local_routes_to_the_emulator(toolchain):
    for environment in ("dev", "test", "pre", "prod"):
        text = toolchain.tfvars(environment).read_text(encoding="utf-8")
        assert "emulator" not in text
        assert "use_path_style" not in toolchain.backend_config(environment).read_text(encoding="utf-8")
