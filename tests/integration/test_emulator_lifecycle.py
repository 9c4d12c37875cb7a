"""make up / down / status on a real moto process."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from acogida.local.stack import LocalEmulator, endpoint_answers, process_is_our_emulator


def test_up_is_idempotent_and_down_leaves_nothing(tmp_path, free_port):
    emulator = LocalEmulator(tmp_path, free_port)
    first = emulator.up()
    try:
        assert first.running
        assert first.healthy
        assert emulator.up().pid == first.pid  # second `make up` reuses the running server
        assert (
            emulator.status().describe() == f"emulator running: pid {first.pid}, http://127.0.0.1:{free_port}"
        )
    finally:
        assert emulator.down()
    assert not endpoint_answers(free_port)
    assert not emulator.pid_file.exists()
    assert first.pid is not None
    assert not process_is_our_emulator(first.pid, free_port)
    assert emulator.down() is False  # a second `make down` has nothing to stop


def test_down_never_signals_a_process_it_did_not_start(tmp_path, free_port):
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        emulator = LocalEmulator(tmp_path, free_port)
        tmp_path.mkdir(exist_ok=True)
        emulator.pid_file.write_text(f"{bystander.pid}\n", encoding="utf-8")  # a stale or recycled PID
        assert emulator.status().running is False
        assert emulator.down() is False
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def test_down_saves_the_state_and_up_loads_it_unless_fresh(tmp_path, free_port):
    from acogida.adapters.aws import AwsTarget  # noqa: PLC0415

    emulator = LocalEmulator(tmp_path, free_port)
    emulator.up()
    try:

        def s3() -> Any:
            return AwsTarget("eu-south-2", emulator.endpoint).client("s3")

        s3().create_bucket(Bucket="kept", CreateBucketConfiguration={"LocationConstraint": "eu-south-2"})
        s3().put_object(Bucket="kept", Key="a.txt", Body=b"hola")
        assert emulator.down()
        assert emulator.state_file.stat().st_size > 0
        emulator.up()
        assert s3().get_object(Bucket="kept", Key="a.txt")["Body"].read() == b"hola"
        emulator.up(fresh=True)
        assert not emulator.state_file.exists()
        assert s3().list_buckets()["Buckets"] == []
    finally:
        emulator.down()
