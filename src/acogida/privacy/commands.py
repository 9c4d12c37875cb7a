"""``acogida privacy <command> --env <env>``: the data-protection commands.

Each reads the names of the environment's resources from ``terraform output`` of its workspace
(``local``: the emulator of this checkout, which must be running) and calls AWS (or the emulator)
through the adapters. Each subcommand has its own parser function and its own command function.

    acogida privacy audit --intake-id ID [--env local] [--json]
        the intake's audit history (docs/audit.md), oldest first
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from botocore.exceptions import BotoCoreError, ClientError

from acogida.adapters.audit_log import S3AuditLog
from acogida.adapters.aws import AwsTarget
from acogida.infra.terraform import TerraformError, TerraformRoot
from acogida.infra.toolchain import ENVIRONMENTS, Toolchain
from acogida.local.stack import LocalEmulator
from acogida.privacy.audit import AuditEvent

INTAKE_ID = re.compile(r"[0-9a-f]{32}")


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
    privacy = commands.add_parser("privacy", help="data protection: audit history of a person's record")
    privacy_commands = privacy.add_subparsers(dest="privacy_command", required=True)
    _add_audit_parser(privacy_commands)


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
    commands = {"audit": audit_command}
    try:
        check_arguments(arguments)
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


def privacy_context(toolchain: Toolchain, environment: str) -> PrivacyContext:
    """The environment's outputs and AWS target (the emulator for ``local``)."""
    endpoint = None
    if environment == "local":
        emulator = LocalEmulator(toolchain.local_state_dir, toolchain.moto_port)
        if not emulator.status().running:
            raise PrivacyCommandError("the emulator is not running: run `make demo` (or `make up` and apply)")
        endpoint = emulator.endpoint
    try:
        outputs = TerraformRoot(toolchain, environment, emulator_endpoint=endpoint, echo=False).outputs()
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
