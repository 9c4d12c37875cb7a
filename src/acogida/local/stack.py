"""Start, stop and inspect the local emulator: one process per port, tracked by a PID file.

``up`` is idempotent and waits until the server answers; ``down`` stops only a process this module
started (the PID file's process must still be our emulator, so a recycled PID is never signalled).

The emulator keeps its state across ``down`` and ``up``: a clean stop saves every service's
state to ``moto-<port>.state`` in the state directory and the next start loads it
(``acogida.local.emulator_state``), so the applied local workspace, its Terraform state included,
survives a restart. ``up(fresh=True)`` (``acogida local up --fresh``) starts empty instead.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from acogida.local.emulator import LOOPBACK

EMULATOR_MODULE = "acogida.local.emulator"
HEALTH_PATH = "/moto-api/config"  # cheap, and only a moto server answers it


class EmulatorError(RuntimeError):
    """The emulator could not be started or stopped as asked."""


@dataclass(frozen=True)
class EmulatorStatus:
    port: int
    pid: int | None
    running: bool
    healthy: bool

    def describe(self) -> str:
        endpoint = f"http://{LOOPBACK}:{self.port}"
        if self.running and self.healthy:
            return f"emulator running: pid {self.pid}, {endpoint}"
        if self.running:
            return f"emulator process {self.pid} is running but {endpoint} does not answer"
        return f"emulator not running on port {self.port}"


def process_is_our_emulator(pid: int, port: int) -> bool:
    """True when ``pid`` is alive and is ``python -m acogida.local.emulator --port <port>``."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    arguments = [part.decode(errors="replace") for part in cmdline if part]
    return EMULATOR_MODULE in arguments and str(port) in arguments


def endpoint_answers(port: int, timeout_s: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://{LOOPBACK}:{port}{HEALTH_PATH}", timeout=timeout_s) as response:
            status: int = response.status
            return 200 <= status < 300
    except (urllib.error.URLError, OSError):
        return False


class LocalEmulator:
    """The moto server of local mode on one loopback port."""

    def __init__(self, state_dir: Path, port: int, *, keep_state: bool = True) -> None:
        self.state_dir = state_dir
        self.port = port
        self.keep_state = keep_state

    @property
    def pid_file(self) -> Path:
        return self.state_dir / f"moto-{self.port}.pid"

    @property
    def log_file(self) -> Path:
        return self.state_dir / f"moto-{self.port}.log"

    @property
    def state_file(self) -> Path:
        """Where a clean stop saves the emulator's state and the next start loads it from."""
        return self.state_dir / f"moto-{self.port}.state"

    @property
    def endpoint(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def _recorded_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            return None

    def status(self) -> EmulatorStatus:
        pid = self._recorded_pid()
        running = pid is not None and process_is_our_emulator(pid, self.port)
        return EmulatorStatus(
            port=self.port,
            pid=pid if running else None,
            running=running,
            healthy=running and endpoint_answers(self.port),
        )

    def up(self, timeout_s: float = 60.0, *, fresh: bool = False) -> EmulatorStatus:
        """Start the emulator (with the state its last clean stop saved, unless ``fresh``)."""
        current = self.status()
        if current.running and current.healthy and not fresh:
            return current
        if fresh:
            self.down()
            self.state_file.unlink(missing_ok=True)
        if current.running:
            self.down()
        if endpoint_answers(self.port):
            raise EmulatorError(
                f"port {self.port} already answers but not with an emulator this checkout started; "
                "stop that server or choose another port (MOTO_PORT=...)"
            )
        self.state_dir.mkdir(parents=True, exist_ok=True)
        environment = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
        command = [sys.executable, "-m", EMULATOR_MODULE, "--port", str(self.port)]
        if self.keep_state:
            command += ["--state-file", str(self.state_file)]
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=environment,
                start_new_session=True,  # survives the shell that ran `make up`
            )
        self.pid_file.write_text(f"{process.pid}\n", encoding="utf-8")
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise EmulatorError(
                    f"emulator exited with code {process.returncode}; last log lines:\n{self._log_tail()}"
                )
            if endpoint_answers(self.port):
                return self.status()
            time.sleep(0.2)
        self.down()
        raise EmulatorError(f"emulator did not answer on {self.endpoint} within {timeout_s:.0f} s")

    def down(self, timeout_s: float = 120.0) -> bool:
        """Stop the emulator this checkout started on this port (it saves its state first, which
        takes a few seconds for a large deployment). False when there was none."""
        pid = self._recorded_pid()
        if pid is None or not process_is_our_emulator(pid, self.port):
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and process_is_our_emulator(pid, self.port):
            _reap(pid)
            time.sleep(0.1)
        if process_is_our_emulator(pid, self.port):
            os.kill(pid, signal.SIGKILL)
            _reap(pid)
        self.pid_file.unlink(missing_ok=True)
        return True

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(
                self.log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
            )
        except OSError:
            return "(no log)"


def _reap(pid: int) -> None:
    """Collect the exit status when the emulator is our own child (tests start it in-process)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
