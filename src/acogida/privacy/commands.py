"""``acogida privacy <command> --env <env>``: the data-protection officer's commands.

Each reads the environment's resource names from ``terraform output`` of its workspace (the
local one on the running emulator by default). One function per subcommand, so that the
subcommands of each part of the privacy work (export and erase here; audit history, key rotation
elsewhere) stay apart.

    acogida privacy export --document-number X [--env local]
    acogida privacy erase --document-number X --reason "text" [--env local] [--yes]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from acogida.adapters.aws import AwsTarget
from acogida.infra.terraform import TerraformRoot
from acogida.infra.toolchain import ENVIRONMENTS, Toolchain
from acogida.local.stack import LocalEmulator
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

# What the erasure confirmation asks the DPO to type.
CONFIRMATION = "ERASE"


def add_privacy_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    privacy = commands.add_parser("privacy", help="data protection: rights of access and erasure")
    privacy_commands = privacy.add_subparsers(dest="privacy_command", required=True)
    _add_export_parser(privacy_commands)
    _add_erase_parser(privacy_commands)


def _add_environment_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--env", default="local", choices=ENVIRONMENTS, help="environment = workspace (default local)"
    )


def _add_export_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export", help="right of access (art. 15): everything held about a person, as JSON on stdout"
    )
    export.add_argument("--document-number", required=True, help="the person's DNI, NIE or passport number")
    _add_environment_argument(export)


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
    _add_environment_argument(erase)


def run_privacy_command(arguments: argparse.Namespace, toolchain: Toolchain) -> int:
    commands: dict[str, Callable[[argparse.Namespace, Toolchain], int]] = {
        "export": _export_command,
        "erase": _erase_command,
    }
    try:
        return commands[arguments.privacy_command](arguments, toolchain)
    except RightsRequestError as error:
        option = "--" + error.field.replace("_", "-")
        print(f"acogida privacy {arguments.privacy_command}: {option}: {error.reason}", file=sys.stderr)
        return 2


def _export_command(arguments: argparse.Namespace, toolchain: Toolchain) -> int:
    document = requested_document(arguments.document_number)
    target = environment_stores(toolchain, arguments.env)
    if target is None:
        return 3
    export = export_person(target.stores, document, target.actor, dt.datetime.now(dt.UTC))
    print(json.dumps(export, ensure_ascii=False, indent=2))
    return 0


def _erase_command(arguments: argparse.Namespace, toolchain: Toolchain) -> int:
    document = requested_document(arguments.document_number)
    reason = requested_reason(arguments.reason)
    target = environment_stores(toolchain, arguments.env)
    if target is None:
        return 3
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
    print(json.dumps(receipt, ensure_ascii=False, indent=2))
    return 0


@dataclass(frozen=True)
class EnvironmentStores:
    stores: PersonStores
    actor: Actor


def environment_stores(toolchain: Toolchain, environment: str) -> EnvironmentStores | None:
    """The stores of ``environment`` (names from its terraform output) and the caller as the audit
    records it (``cli:<principal ARN>``); None, with the reason on stderr, when the local stack is
    not running."""
    from acogida.adapters.privacy_stores import RightsSettings, person_stores  # noqa: PLC0415 - boto3

    endpoint: str | None = None
    if environment == "local":
        emulator = LocalEmulator(toolchain.local_state_dir, toolchain.moto_port)
        if not emulator.status().running:
            print(
                "the emulator is not running: run `make demo` (or `make up` and apply) first", file=sys.stderr
            )
            return None
        endpoint = emulator.endpoint
        root = TerraformRoot(toolchain, "local", emulator_endpoint=endpoint, echo=False)
    else:
        root = TerraformRoot(toolchain, environment, echo=False)
        root.init()
        root.select_workspace()
    outputs = root.outputs()
    home = AwsTarget(str(outputs["aws_region"]), endpoint)
    language = AwsTarget(str(outputs.get("language_region") or outputs["aws_region"]), endpoint)
    settings = RightsSettings.from_environment(privacy_environment(outputs))
    principal = home.client("sts").get_caller_identity()["Arn"]
    return EnvironmentStores(
        stores=person_stores(settings, home, language),
        actor=Actor(actor=f"cli:{principal}", source="cli"),
    )


def privacy_environment(outputs: dict[str, Any]) -> dict[str, str]:
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
