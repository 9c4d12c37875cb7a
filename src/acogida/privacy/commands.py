"""``acogida privacy <command> --env <env>``: the data-protection commands.

Each reads the names of the environment's resources from ``terraform output`` of its workspace
(``local``: the emulator of this checkout, which must be running) and calls AWS (or the emulator)
through the adapters. Each subcommand has its own parser function and its own command function.

    acogida privacy audit --intake-id ID [--env local] [--json]
        the intake's audit history (docs/audit.md), oldest first
    acogida privacy rotate-key [--env local] [--yes] [--rekey-only] [--no-wait]
        add a key to the pseudonymisation key ring, wait for warm functions to read it, re-key the
        lake (docs/data-protection.md, "Rotating the pseudonymisation key")
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from botocore.exceptions import BotoCoreError, ClientError

from acogida.adapters.audit_log import S3AuditLog
from acogida.adapters.aws import AwsTarget
from acogida.adapters.key_rotation import (
    KeyRotationError,
    RekeySummary,
    read_key_ring,
    rekey_lake,
    rotate_key_ring,
)
from acogida.adapters.lake import SECRET_MAX_AGE_S
from acogida.infra.terraform import TerraformError, TerraformRoot
from acogida.infra.toolchain import ENVIRONMENTS, Toolchain
from acogida.local.stack import LocalEmulator
from acogida.privacy.audit import AuditEvent

INTAKE_ID = re.compile(r"[0-9a-f]{32}")
# Warm functions re-read the secret at most SECRET_MAX_AGE_S after their last read; the margin
# covers an invocation that read the old ring just before it expired and is still writing.
ROTATION_WAIT_S = SECRET_MAX_AGE_S + 60
PROGRESS_EVERY_OBJECTS = 100
PROGRESS_EVERY_S = 5.0


class PrivacyCommandError(Exception):
    """A refusal with the reason the user reads (exit status 2 for bad input, 1 otherwise)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class PrivacyContext:
    """An environment's resource names (its root outputs) and where to send requests."""

    outputs: dict[str, Any]
    target: AwsTarget

    def output(self, name: str) -> str:
        value = self.outputs.get(name)
        if not isinstance(value, str) or not value:
            raise PrivacyCommandError(f"terraform output {name} is missing: apply the environment first")
        return value


# --- Parsers ---------------------------------------------------------------------------------------


def add_privacy_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    privacy = commands.add_parser("privacy", help="data protection: audit history, key rotation")
    privacy_commands = privacy.add_subparsers(dest="privacy_command", required=True)
    _add_audit_parser(privacy_commands)
    _add_rotate_key_parser(privacy_commands)


def _add_env_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--env", default="local", choices=ENVIRONMENTS, help="environment = workspace (default: local)"
    )


def _add_audit_parser(privacy_commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = privacy_commands.add_parser(
        "audit", help="an intake's audit history: who did what to it, when and from where"
    )
    audit.add_argument("--intake-id", required=True, help="the intake's id (32 hexadecimal characters)")
    audit.add_argument("--json", action="store_true", help="the events as a JSON array")
    _add_env_argument(audit)


# --- Dispatch ---------------------------------------------------------------------------------------


def run_privacy_command(arguments: argparse.Namespace, toolchain: Toolchain) -> int:
    commands = {"audit": audit_command, "rotate-key": rotate_key_command}
    try:
        check_arguments(arguments)
        confirm(arguments)
        context = privacy_context(toolchain, arguments.env)
        return commands[arguments.privacy_command](arguments, context, sys.stdout)
    except PrivacyCommandError as error:
        print(f"acogida: error: privacy {arguments.privacy_command}: {error}", file=sys.stderr)
        return error.status


def check_arguments(arguments: argparse.Namespace) -> None:
    """Refuse malformed input before anything is read."""
    intake_id = getattr(arguments, "intake_id", None)
    if intake_id is not None and not INTAKE_ID.fullmatch(intake_id):
        raise PrivacyCommandError(
            "--intake-id: an intake id is 32 lowercase hexadecimal characters "
            "(as the API answers it, e.g. 3f2a…), not a name or a document number",
            status=2,
        )


def confirm(arguments: argparse.Namespace) -> None:
    """Commands that change data ask first (or take --yes), before anything is read."""
    asks = arguments.privacy_command == "rotate-key" and not arguments.yes
    if asks and not _confirmed(arguments, sys.stdin, sys.stdout):
        raise PrivacyCommandError("not confirmed: nothing changed", status=2)


def privacy_context(toolchain: Toolchain, environment: str) -> PrivacyContext:
    """The environment's outputs and AWS target (the emulator for ``local``)."""
    endpoint = None
    if environment == "local":
        emulator = LocalEmulator(toolchain.local_state_dir, toolchain.moto_port)
        if not emulator.status().running:
            raise PrivacyCommandError("the emulator is not running: run `make demo` (or `make up` and apply)")
        endpoint = emulator.endpoint
    try:
        root = TerraformRoot(toolchain, environment, emulator_endpoint=endpoint, echo=False)
        if environment != "local":  # a real environment's state is in its backend: select it first
            root.init()
            root.select_workspace()
        outputs = root.outputs()
    except TerraformError as error:
        raise PrivacyCommandError(f"terraform output of {environment}: {error}") from None
    if not outputs:
        raise PrivacyCommandError(f"the {environment} workspace has no outputs: apply it first")
    return PrivacyContext(outputs, AwsTarget(str(outputs["aws_region"]), endpoint))


# --- audit ------------------------------------------------------------------------------------------


def audit_log(context: PrivacyContext) -> S3AuditLog:
    return S3AuditLog(
        context.target.client("s3"), context.output("audit_bucket"), context.output("audit_kms_key_arn")
    )


def audit_command(arguments: argparse.Namespace, context: PrivacyContext, stdout: TextIO) -> int:
    check_arguments(arguments)
    try:
        events = audit_log(context).history(arguments.intake_id)
    except (ClientError, BotoCoreError) as error:
        raise PrivacyCommandError(f"the audit bucket cannot be read: {error}") from None
    if arguments.json:
        stdout.write(json.dumps([event.to_json() for event in events], indent=2) + "\n")
    elif not events:
        stdout.write(f"no audit events for intake {arguments.intake_id}\n")
    else:
        stdout.write(format_history(events) + "\n")
    return 0


HISTORY_COLUMNS = ("at", "action", "outcome", "actor", "office", "source", "details")


def history_row(event: AuditEvent) -> tuple[str, ...]:
    details = [f"{name}={_detail(value)}" for name, value in sorted(event.details.items())]
    if event.actor_office and event.actor_office != event.office:
        details.append(f"actor_office={event.actor_office}")
    if event.actor_groups:
        details.append(f"groups={','.join(event.actor_groups)}")
    return (
        event.at,
        event.action.value,
        event.outcome.value,
        event.actor,
        event.office or "-",
        event.source,
        " ".join(details) or "-",
    )


def format_history(events: Sequence[AuditEvent]) -> str:
    rows = [HISTORY_COLUMNS, *(history_row(event) for event in events)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(HISTORY_COLUMNS) - 1)]
    lines = [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]])
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)


def _detail(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


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
    _add_env_argument(rotate)
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


def rotate_key_command(arguments: argparse.Namespace, context: PrivacyContext, stdout: TextIO) -> int:
    outputs = context.outputs
    try:
        run_rotate_key(
            secrets_manager=context.target.client("secretsmanager"),
            s3=context.target.client("s3"),
            secret_arn=context.output("pseudonymisation_secret_arn"),
            bucket=str(outputs["s3_bucket_names"]["raw"]),
            kms_key_arn=str(outputs["s3_bucket_kms_key_arns"]["raw"]),
            rotate=not arguments.rekey_only,
            wait_s=0.0 if arguments.no_wait or arguments.rekey_only else ROTATION_WAIT_S,
            resume_hint=f"acogida privacy rotate-key --env {arguments.env} --rekey-only --yes",
            out=stdout,
        )
    except KeyRotationError as error:
        raise PrivacyCommandError(str(error)) from None
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
