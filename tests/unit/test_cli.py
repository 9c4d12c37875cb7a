from __future__ import annotations

import io
import json

import pytest

from acogida.cli import main
from acogida.infra.images import hash_images
from acogida.local.demo import Progress, backend_setting


def test_infra_refuses_the_local_environment(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["infra", "plan", "--env", "local"])
    assert raised.value.code == 2
    assert "invalid choice: 'local'" in capsys.readouterr().err


def test_plan_file_is_only_for_plan_and_apply(capsys, tmp_path):
    assert main(["infra", "destroy", "--env", "dev", "--plan-file", str(tmp_path / "dev.tfplan")]) == 2
    assert "--plan-file is for plan and apply, not destroy" in capsys.readouterr().err


def test_images_hash_prints_the_tag_of_each_image(toolchain, capsys):
    assert main(["images", "hash", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert {name: entry["tag"] for name, entry in printed.items()} == {
        name: value.tag for name, value in hash_images(toolchain.repo_root).items()
    }
    assert printed["analytics"]["functions"] == ["bulk_upload"]
    assert main(["images", "hash"]) == 0
    assert printed["intake"]["tag"] in capsys.readouterr().out


def test_images_push_refuses_an_unknown_environment_and_needs_the_emulator_locally(
    monkeypatch, free_port, capsys
):
    with pytest.raises(SystemExit):
        main(["images", "push", "--env", "staging"])
    assert "invalid choice: 'staging'" in capsys.readouterr().err
    monkeypatch.setenv("MOTO_PORT", str(free_port))
    assert main(["images", "push", "--env", "local", "--dry-run"]) == 3
    assert "the emulator is not running" in capsys.readouterr().err


def test_status_of_a_stopped_emulator(free_port, capsys):
    assert main(["local", "status", "--port", str(free_port)]) == 3
    assert f"emulator not running on port {free_port}" in capsys.readouterr().out


@pytest.mark.parametrize("action", ["serve", "api"])
def test_serve_needs_the_emulator(free_port, capsys, action):
    assert main(["local", action, "--port", str(free_port)]) == 3
    assert "the emulator is not running" in capsys.readouterr().err


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


def _run_cli(monkeypatch, capsys, argv, stdin_text):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin_text))
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_extract_reads_a_transcript_and_prints_one_json_object(monkeypatch, capsys):
    code, out, _ = _run_cli(monkeypatch, capsys, ["extract"], "Me llamo Awa Diop. Mi DNI es 12345678Z.")
    assert code == 0
    fields = json.loads(out)
    assert fields["given_name"]["value"] == "Awa"
    assert fields["document_number"] == {"value": "12345678Z", "confidence": 0.97, "start": 29, "end": 38}


def test_extract_jsonl_keeps_ids_and_order(monkeypatch, capsys):
    lines = [
        {"id": "b", "transcript": "vivo sola"},
        {"id": 7, "transcript": "nada relevante"},
        {"id": "a", "transcript": "soy de Marruecos"},
    ]
    stdin = "\n".join(json.dumps(line) for line in lines) + "\n\n"
    code, out, _ = _run_cli(monkeypatch, capsys, ["extract", "--jsonl"], stdin)
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [record["id"] for record in records] == ["b", 7, "a"]
    assert records[0]["fields"]["household_size"]["value"] == 1
    assert records[1]["fields"] == {}
    assert records[2]["fields"]["nationality"]["value"] == "MA"


@pytest.mark.parametrize(
    ("stdin", "reason"),
    [
        ('{"id": 1, "transcript": "ok"}\n{"id": 2, "transcript": \n', "line 2: not valid JSON"),
        ('{"id": 1, "transcript": "ok"}\n["a"]\n', "line 2: expected a JSON object"),
        ('{"transcript": "ok"}\n', 'line 1: missing field "id"'),
        ('{"id": 1, "transcript": 5}\n', 'line 1: field "transcript" must be a string'),
    ],
)
def test_bad_jsonl_line_is_named_and_nothing_is_written(monkeypatch, capsys, stdin, reason):
    code, out, err = _run_cli(monkeypatch, capsys, ["extract", "--jsonl"], stdin)
    assert code == 2
    assert out == ""
    assert reason in err


def test_redact_jsonl_contract(monkeypatch, capsys):
    lines = [
        {"id": "r1", "text": "Me llamo Ana García y mi DNI es 12345678Z."},
        {"id": "r2", "text": "Buenos días."},
    ]
    stdin = "\n".join(json.dumps(line) for line in lines) + "\n"
    code, out, _ = _run_cli(monkeypatch, capsys, ["redact", "--jsonl"], stdin)
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [record["id"] for record in records] == ["r1", "r2"]
    first = records[0]
    text = lines[0]["text"]
    assert {"start", "end", "label"} <= set(first["spans"][0])
    masked = [text[span["start"] : span["end"]] for span in first["spans"]]
    assert "12345678Z" in masked
    assert any("Ana" in piece for piece in masked)
    assert "12345678Z" not in first["redacted"]
    assert "García" not in first["redacted"]
    assert records[1] == {"id": "r2", "spans": [], "redacted": "Buenos días."}


def test_redact_bad_line_is_named(monkeypatch, capsys):
    code, out, err = _run_cli(monkeypatch, capsys, ["redact", "--jsonl"], '{"id": 1, "transcript": "x"}\n')
    assert code == 2
    assert out == ""
    assert 'line 1: field "text" must be a string' in err
