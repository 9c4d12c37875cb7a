"""``acogida privacy <command> --env <env>``: the data-protection commands.

Each reads the names of the environment's resources from ``terraform output`` of its workspace
(``local``: the emulator of this checkout, which must be running) and calls AWS (or the emulator)
through the adapters. Each subcommand has its own parser function and its own command function.

    acogida privacy audit --intake-id ID [--env local] [--json]
        the intake's audit history (docs/audit.md), oldest first
    acogida privacy rotate-key [--env local] [--yes] [--rekey-only] [--no-wait]
        add a key to the pseudonymisation key ring, wait for warm functions to read it, re-key the
        lake (docs/data-protection.md, "Rotating the pseudonymisation key")
    acogida privacy export --document-number X [--env local]
        the right of access (art. 15): everything held about the person, as JSON
    acogida privacy erase --document-number X --reason TEXT [--env local] [--yes]
        the right to erasure (art. 17): erase the person everywhere, print the receipt
        (docs/privacy-rights.md)
"""

from __future__ import annotations

import argparse
import datetime as dt
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
from acogida.privacy.rights import (
    Actor,
    PersonStores,
    RightsRequestError,
    erase_person,
    export_person,
    find_person,
    requested_document,
    requested_reason,
)

INTAKE_ID = re.compile(r"[0-9a-f]{32}")
# Warm functions re-read the secret at most SECRET_MAX_AGE_S after their last read; the margin
# covers an invocation that read the old ring just before it expired and is still writing.
ROTATION_WAIT_S = SECRET_MAX_AGE_S + 60
PROGRESS_EVERY_OBJECTS = 100
PROGRESS_EVERY_S = 5.0
# What the erasure confirmation asks the DPO to type.
CONFIRMATION = "ERASE"


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
    privacy = commands.add_parser(
        "privacy", help="data protection: audit history, key rotation, rights of access and erasure"
    )
    privacy_commands = privacy.add_subparsers(dest="privacy_command", required=True)
    _add_audit_parser(privacy_commands)
    _add_rotate_key_parser(privacy_commands)
    _add_export_parser(privacy_commands)
    _add_erase_parser(privacy_commands)


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
    rights_commands = {"export": export_command, "erase": erase_command}
    try:
        check_arguments(arguments)
        confirm(arguments)
        if arguments.privacy_command in rights_commands:
            target = environment_stores(toolchain, arguments.env)
            return rights_commands[arguments.privacy_command](arguments, target, sys.stdout)
        context = privacy_context(toolchain, arguments.env)
        return commands[arguments.privacy_command](arguments, context, sys.stdout)
    except PrivacyCommandError as error:
        print(f"acogida: error: privacy {arguments.privacy_command}: {error}", file=sys.stderr)
        return error.status
    except RightsRequestError as error:
        option = "--" + error.field.replace("_", "-")
        print(
            f"acogida: error: privacy {arguments.privacy_command}: {option}: {error.reason}", file=sys.stderr
        )
        return 2


def check_arguments(arguments: argparse.Namespace) -> None:
    """Refuse malformed input before anything is read."""
    intake_id = getattr(arguments, "intake_id", None)
    if intake_id is not None and not INTAKE_ID.fullmatch(intake_id):
        raise PrivacyCommandError(
            "--intake-id: an intake id is 32 lowercase hexadecimal characters "
            "(as the API answers it, e.g. 3f2a…), not a name or a document number",
            status=2,
        )
    if arguments.privacy_command in ("export", "erase"):
        requested_document(arguments.document_number)
    if arguments.privacy_command == "erase":
        requested_reason(arguments.reason)


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


# --------------------------------------------------------------------------------------------------
# export and erase: the rights of access and erasure
# --------------------------------------------------------------------------------------------------


def _add_export_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export", help="right of access (art. 15): everything held about a person, as JSON on stdout"
    )
    export.add_argument("--document-number", required=True, help="the person's DNI, NIE or passport number")
    _add_env_argument(export)


def _add_erase_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    erase = commands.add_parser(
        "erase", help="right to erasure (art. 17): erase a person's data everywhere; prints the receipt"
    )
    erase.add_argument("--document-number", required=True, help="the person's DNI, NIE or passport number")
    erase.add_argument(
        "--reason",
        required=True,
        help="why (the art. 17 ground, the case); required, never stored: the audit keeps its length",
    )
    erase.add_argument("--yes", action="store_true", help="erase without asking for confirmation")
    _add_env_argument(erase)


def export_command(arguments: argparse.Namespace, target: EnvironmentStores, stdout: TextIO) -> int:
    document = requested_document(arguments.document_number)
    export = export_person(target.stores, document, target.actor, dt.datetime.now(dt.UTC))
    stdout.write(json.dumps(export, ensure_ascii=False, indent=2) + "\n")
    return 0


def erase_command(arguments: argparse.Namespace, target: EnvironmentStores, stdout: TextIO) -> int:
    document = requested_document(arguments.document_number)
    reason = requested_reason(arguments.reason)
    if not arguments.yes:
        found = find_person(target.stores, document)
        if found.empty:
            print("nothing is held for this document number: nothing to erase", file=sys.stderr)
        else:
            print(
                f"to erase in {arguments.env}: {len(found.intakes)} intake(s), "
                f"{len(found.transcript_versions)} transcript and {len(found.audio_versions)} audio object "
                f"version(s), {sum(len(m.matched_rows) for m in found.lake)} lake row(s), "
                f"{sum(len(m.matched_rows) for m in found.uploads)} pending upload row(s), "
                f"{len(found.idempotency_ids)} idempotency record(s)",
                file=sys.stderr,
            )
            if not sys.stdin.isatty():
                print("refused: confirm with --yes (no terminal to ask on)", file=sys.stderr)
                return 2
            answer = input(f"type {CONFIRMATION} to erase them for good: ")
            if answer.strip() != CONFIRMATION:
                print("not erased", file=sys.stderr)
                return 1
    receipt = erase_person(target.stores, document, reason, target.actor, dt.datetime.now(dt.UTC))
    stdout.write(json.dumps(receipt, ensure_ascii=False, indent=2) + "\n")
    return 0


@dataclass(frozen=True)
class EnvironmentStores:
    stores: PersonStores
    actor: Actor


def environment_stores(toolchain: Toolchain, environment: str) -> EnvironmentStores:
    """The stores of ``environment`` (names from its terraform output) and the caller as the audit
    records it (``cli:<principal ARN>``)."""
    from acogida.adapters.privacy_stores import RightsSettings, person_stores  # noqa: PLC0415 - boto3

    applied = privacy_context(toolchain, environment)
    outputs = applied.outputs
    home = applied.target
    language = AwsTarget(str(outputs.get("language_region") or outputs["aws_region"]), home.endpoint_url)
    settings = RightsSettings.from_environment(privacy_api_environment(outputs))
    principal = home.client("sts").get_caller_identity()["Arn"]
    return EnvironmentStores(
        stores=person_stores(settings, home, language),
        actor=Actor(actor=f"cli:{principal}", source="cli"),
    )


def privacy_api_environment(outputs: dict[str, Any]) -> dict[str, str]:
    """privacy_api's environment from the outputs; the root's ``audit_bucket`` and
    ``audit_kms_key_arn`` outputs, when the workspace has them, name the audit trail."""
    environments = outputs.get("lambda_environments") or {}
    if "privacy_api" not in environments:
        raise RightsRequestError("env", "this workspace has no privacy_api function: apply it first")
    variables = {name: str(value) for name, value in environments["privacy_api"].items()}
    if outputs.get("audit_bucket"):
        variables["AUDIT_BUCKET"] = str(outputs["audit_bucket"])
    if outputs.get("audit_kms_key_arn"):
        variables["AUDIT_KMS_KEY_ARN"] = str(outputs["audit_kms_key_arn"])
    return variables
