from __future__ import annotations

import pytest

from acogida.cli import main
from acogida.local.demo import Progress, backend_setting


def test_infra_refuses_the_local_environment(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["infra", "plan", "--env", "local"])
    assert raised.value.code == 2
    assert "invalid choice: 'local'" in capsys.readouterr().err


def test_status_of_a_stopped_emulator(free_port, capsys):
    assert main(["local", "status", "--port", str(free_port)]) == 3
    assert f"emulator not running on port {free_port}" in capsys.readouterr().out


def test_down_without_an_emulator_is_harmless(free_port, capsys):
    assert main(["local", "down", "--port", str(free_port)]) == 0
    assert "no emulator of this checkout" in capsys.readouterr().out


def test_local_backend_keeps_state_in_the_emulator(toolchain):
    assert backend_setting(toolchain, "bucket") == "acogida-local-tfstate"
    assert backend_setting(toolchain, "region") == "eu-south-2"
    with pytest.raises(KeyError):
        backend_setting(toolchain, "kms_key_id")


def test_progress_numbers_steps():
    lines: list[str] = []
    progress = Progress(total_steps=2, emit=lines.append)
    with progress.step("first"):
        pass
    assert lines[0] == "\n[1/2] first"
    assert lines[1].startswith("[1/2] done in ")
