"""``acogida privacy <command> --env <env>``: data-protection procedures on a deployed environment.

Resource names come from ``terraform output`` of the environment's workspace (the local one on
the running emulator). Each subcommand keeps its code in its own functions.

- ``rotate-key``: add a key to the pseudonymisation key ring, wait for warm functions to read it,
  re-key the lake (docs/data-protection.md, "Rotating the pseudonymisation key").
- ``export --document-number X``: the right of access (art. 15), everything held as JSON.
- ``erase --document-number X --reason TEXT [--yes]``: the right to erasure (art. 17); the receipt
  (docs/privacy-rights.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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

# Warm functions re-read the secret at most SECRET_MAX_AGE_S after their last read; the margin
# covers an invocation that read the old ring just before it expired and is still writing.
ROTATION_WAIT_S = SECRET_MAX_AGE_S + 60
PROGRESS_EVERY_OBJECTS = 100
PROGRESS_EVERY_S = 5.0
# What the erasure confirmation asks the DPO to type.
CONFIRMATION = "ERASE"


def add_privacy_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    privacy = commands.add_parser("privacy", help="data protection procedures on a deployed environment")
    privacy_commands = privacy.add_subparsers(dest="privacy_command", required=True)
    _add_rotate_key_parser(privacy_commands)
    _add_export_parser(privacy_commands)
    _add_erase_parser(privacy_commands)


def run_privacy_command(arguments: argparse.Namespace, toolchain: Toolchain) -> int:
    commands: dict[str, Callable[[argparse.Namespace, Toolchain], int]] = {
        "rotate-key": _rotate_key_command,
        "export": _export_command,
        "erase": _erase_command,
    }
    try:
        return commands[arguments.privacy_command](arguments, toolchain)
    except RightsRequestError as error:
        option = "--" + error.field.replace("_", "-")
        print(f"acogida privacy {arguments.privacy_command}: {option}: {error.reason}", file=sys.stderr)
        return 2


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


# --------------------------------------------------------------------------------------------------
# export and erase (the rights of access and erasure)
# --------------------------------------------------------------------------------------------------


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

    applied = privacy_environment(environment, toolchain)
    if applied is None:
        return None
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
