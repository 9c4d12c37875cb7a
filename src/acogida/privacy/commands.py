"""``acogida privacy <command> --env <env>``: data-protection procedures on a deployed environment.

Resource names come from ``terraform output`` of the environment's workspace (the local one on
the running emulator). Each subcommand keeps its code in its own functions.

- ``rotate-key``: add a key to the pseudonymisation key ring, wait for warm functions to read it,
  re-key the lake (docs/data-protection.md, "Rotating the pseudonymisation key").
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from acogida.adapters.aws import AwsTarget
from acogida.adapters.key_rotation import (
    KeyRotationError,
    RekeySummary,
    read_key_ring,
    rekey_lake,
    rotate_key_ring,
)
from acogida.adapters.lake import SECRET_MAX_AGE_S
from acogida.infra.terraform import TerraformRoot
from acogida.infra.toolchain import ENVIRONMENTS, Toolchain
from acogida.local.stack import LocalEmulator

# Warm functions re-read the secret at most SECRET_MAX_AGE_S after their last read; the margin
# covers an invocation that read the old ring just before it expired and is still writing.
ROTATION_WAIT_S = SECRET_MAX_AGE_S + 60
PROGRESS_EVERY_OBJECTS = 100
PROGRESS_EVERY_S = 5.0


def add_privacy_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    privacy = commands.add_parser("privacy", help="data protection procedures on a deployed environment")
    privacy_commands = privacy.add_subparsers(dest="privacy_command", required=True)
    _add_rotate_key_parser(privacy_commands)


def run_privacy_command(arguments: argparse.Namespace, toolchain: Toolchain) -> int:
    if arguments.privacy_command == "rotate-key":
        return _rotate_key_command(arguments, toolchain)
    raise ValueError(f"unknown privacy command {arguments.privacy_command!r}")


@dataclass(frozen=True)
class PrivacyEnvironment:
    """An applied environment: its Terraform outputs and where its AWS requests go."""

    name: str
    outputs: dict[str, Any]
    target: AwsTarget


def privacy_environment(env: str, toolchain: Toolchain) -> PrivacyEnvironment | None:
    """The outputs of ``env``'s workspace; None (and why, on stderr) when local is not running."""
    if env == "local":
        emulator = LocalEmulator(toolchain.local_state_dir, toolchain.moto_port)
        if not emulator.status().running:
            print(
                "the emulator is not running: run `make demo` (or `make up` and apply) first", file=sys.stderr
            )
            return None
        root = TerraformRoot(toolchain, "local", emulator_endpoint=emulator.endpoint, echo=False)
        outputs = root.outputs()
        return PrivacyEnvironment(env, outputs, AwsTarget(str(outputs["aws_region"]), emulator.endpoint))
    root = TerraformRoot(toolchain, env, echo=False)
    root.init()
    root.select_workspace()
    outputs = root.outputs()
    return PrivacyEnvironment(env, outputs, AwsTarget(str(outputs["aws_region"])))


# --------------------------------------------------------------------------------------------------
# rotate-key
# --------------------------------------------------------------------------------------------------


def _add_rotate_key_parser(privacy_commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rotate = privacy_commands.add_parser(
        "rotate-key",
        help="add a key to the pseudonymisation key ring and re-key the lake's submissions",
        description=(
            "Adds a random key to the ring (a new Secrets Manager version), waits "
            f"{ROTATION_WAIT_S} s for warm functions to read it, then brings every raw submissions/ "
            "object to the new version and deletes the object versions that hold the old hashes. "
            "Restartable: a run that stops resumes with --rekey-only; a second run re-keys nothing."
        ),
    )
    rotate.add_argument("--env", default="local", choices=ENVIRONMENTS, help="environment (default local)")
    rotate.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    rotate.add_argument(
        "--rekey-only",
        action="store_true",
        help="add no key: bring the lake to the ring's current version (resume, or the second pass)",
    )
    rotate.add_argument(
        "--no-wait",
        action="store_true",
        help=(
            "re-key at once instead of waiting for warm functions; run again with --rekey-only "
            f"{ROTATION_WAIT_S} s later to catch rows they wrote under the old version"
        ),
    )


def _rotate_key_command(arguments: argparse.Namespace, toolchain: Toolchain) -> int:
    if not arguments.yes and not _confirmed(arguments, sys.stdin, sys.stdout):
        print("not confirmed: nothing changed", file=sys.stderr)
        return 2
    environment = privacy_environment(arguments.env, toolchain)
    if environment is None:
        return 3
    outputs = environment.outputs
    try:
        run_rotate_key(
            secrets_manager=environment.target.client("secretsmanager"),
            s3=environment.target.client("s3"),
            secret_arn=str(outputs["pseudonymisation_secret_arn"]),
            bucket=str(outputs["s3_bucket_names"]["raw"]),
            kms_key_arn=str(outputs["s3_bucket_kms_key_arns"]["raw"]),
            rotate=not arguments.rekey_only,
            wait_s=0.0 if arguments.no_wait or arguments.rekey_only else ROTATION_WAIT_S,
            resume_hint=f"acogida privacy rotate-key --env {arguments.env} --rekey-only --yes",
        )
    except KeyRotationError as error:
        print(f"acogida privacy rotate-key: error: {error}", file=sys.stderr)
        return 1
    return 0


def _confirmed(arguments: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> bool:
    if not stdin.isatty():
        print("rotate-key changes the pseudonymisation key: confirm with --yes", file=sys.stderr)
        return False
    what = "re-key the lake of" if arguments.rekey_only else "rotate the pseudonymisation key of"
    stdout.write(f"{what} environment {arguments.env}? Type the environment's name to go on: ")
    stdout.flush()
    return stdin.readline().strip() == str(arguments.env)


def run_rotate_key(
    *,
    secrets_manager: Any,  # noqa: ANN401 - boto3 client
    s3: Any,  # noqa: ANN401 - boto3 client
    secret_arn: str,
    bucket: str,
    kms_key_arn: str,
    rotate: bool,
    wait_s: float,
    resume_hint: str,
    out: TextIO = sys.stdout,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> RekeySummary:
    """Rotate (unless ``rotate`` is False), wait ``wait_s``, re-key; progress and summary on ``out``."""
    if rotate:
        ring = rotate_key_ring(secrets_manager, secret_arn)
        print(f"key ring: version {ring.version} added (versions 1-{ring.version} kept)", file=out)
    else:
        ring = read_key_ring(secrets_manager, secret_arn)
        print(f"key ring: version {ring.version} (no key added)", file=out)
    if wait_s > 0:
        _wait_for_warm_functions(wait_s, out, sleep)
    elif rotate:
        print(
            f"not waiting: functions that read the ring in the last {SECRET_MAX_AGE_S} s may still write "
            f"rows under version {ring.version - 1}; after {ROTATION_WAIT_S} s run: {resume_hint}",
            file=out,
        )
    print(f"re-keying s3://{bucket}/submissions/ to version {ring.version}", file=out)
    last_report = [clock()]

    def report(summary: RekeySummary) -> None:
        now = clock()
        if summary.objects % PROGRESS_EVERY_OBJECTS == 0 or now - last_report[0] >= PROGRESS_EVERY_S:
            last_report[0] = now
            print(_summary_line(summary), file=out, flush=True)

    try:
        summary = rekey_lake(s3, bucket, kms_key_arn, ring, progress=report, clock=clock)
    except BaseException:
        print(f"re-keying stopped; it resumes where it was with: {resume_hint}", file=out)
        raise
    print(f"done: {_summary_line(summary)}", file=out)
    return summary


def _wait_for_warm_functions(wait_s: float, out: TextIO, sleep: Callable[[float], None]) -> None:
    print(
        f"waiting {wait_s:.0f} s: warm functions read the new ring within {SECRET_MAX_AGE_S} s "
        "(rows they write meanwhile use the old version; re-keying afterwards catches them)",
        file=out,
        flush=True,
    )
    left = wait_s
    while left > 0:
        step = min(30.0, left)
        sleep(step)
        left -= step
        if left > 0:
            print(f"  {left:.0f} s left", file=out, flush=True)


def _summary_line(summary: RekeySummary) -> str:
    return (
        f"{summary.objects} objects looked at, {summary.objects_rekeyed} re-keyed "
        f"({summary.rows_rekeyed} rows), {summary.versions_deleted} old versions deleted, "
        f"{summary.seconds:.1f} s"
    )
