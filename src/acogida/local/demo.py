"""``make demo``: the platform end to end on the local emulator, with progress and a summary.

Steps: start the emulator (idempotent), make the state bucket inside it, ``terraform init`` with the
local backend, select the ``local`` workspace, apply the real root module, run the smoke checks,
create the demo users in the emulator's Cognito, serve the intake API and the browser front on
127.0.0.1 and send five sample conversations through the API segment by segment, print what was
deployed and the filled forms; then the data lake: the intakes exported through the table's stream,
two years of history through a coordinator's bulk upload, the ETL (Spark) over raw/ into curated/
demand with a chart; then the forecast: the coordinator retrains through the API (the pipeline's
stages in the local runtime), reads the published forecast of two workforce types and downloads the
office's chart. Running it again changes no infrastructure (each run submits five new intakes). At a
terminal, the front and the API keep running afterwards until Ctrl-C.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from acogida.adapters.aws import AwsTarget
from acogida.adapters.object_store import ensure_bucket
from acogida.infra.deploy import apply_environment, environment_images
from acogida.infra.terraform import TerraformRoot
from acogida.infra.toolchain import Toolchain
from acogida.local.forecast_demo import run_forecast_demo
from acogida.local.intake_demo import (
    DEMO_PASSWORD,
    ApiClient,
    Conversation,
    demo_conversations,
    demo_user_lines,
    ensure_demo_users,
    format_form,
    run_conversation,
    sign_in,
)
from acogida.local.lake_demo import run_lake_demo
from acogida.local.privacy_demo import run_privacy_demo
from acogida.local.runtime import LocalRuntime, local_runtime, serve_until_interrupted
from acogida.local.smoke import CheckResult, run_smoke_checks
from acogida.local.stack import LocalEmulator

LOCAL_ENVIRONMENT = "local"


def backend_setting(toolchain: Toolchain, name: str) -> str:
    """A ``name = "value"`` setting of config/backend/local.hcl (only plain strings are read)."""
    for line in toolchain.backend_config(LOCAL_ENVIRONMENT).read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        if key.strip() == name:
            return value.strip().strip('"')
    raise KeyError(f"{name} is not set in {toolchain.backend_config(LOCAL_ENVIRONMENT)}")


class Progress:
    """Numbered steps with their duration, so a newcomer sees what is happening and how long it takes."""

    def __init__(self, total_steps: int, emit: Callable[[str], None] = print) -> None:
        self.total = total_steps
        self.done = 0
        self.emit = emit
        self.started = time.monotonic()

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        self.done += 1
        self.emit(f"\n[{self.done}/{self.total}] {title}")
        started = time.monotonic()
        yield
        self.emit(f"[{self.done}/{self.total}] done in {time.monotonic() - started:.1f} s")

    def elapsed(self) -> float:
        return time.monotonic() - self.started


def prepare_local_root(toolchain: Toolchain, emulator: LocalEmulator, progress: Progress) -> TerraformRoot:
    """Emulator up, state bucket present, root initialised in the local workspace."""
    with progress.step(f"Local AWS emulator on {emulator.endpoint}"):
        status = emulator.up()
        progress.emit(f"    {status.describe()}")
    region = backend_setting(toolchain, "region")
    state_bucket = backend_setting(toolchain, "bucket")
    target = AwsTarget(region=region, endpoint_url=emulator.endpoint)
    root = TerraformRoot(toolchain, LOCAL_ENVIRONMENT, emulator_endpoint=emulator.endpoint)
    with progress.step("Terraform init (state in the emulator) and workspace 'local'"):
        created = ensure_bucket(target.client("s3"), state_bucket, region)
        progress.emit(f"    state bucket {state_bucket}: {'created' if created else 'present'}")
        root.init()
        root.select_workspace()
    return root


def print_summary(outputs: dict[str, Any], resource_count: int, emit: Callable[[str], None]) -> None:
    emit("\nDeployed in the local workspace (terraform output):")
    emit(f"  environment      {outputs['environment']} ({outputs['aws_region']}), {resource_count} resources")
    emit("  buckets")
    for role, name in sorted(outputs["s3_bucket_names"].items()):
        emit(f"    {role:<15} {name}")
    emit("  KMS keys")
    for service, alias in sorted(outputs["kms_alias_names"].items()):
        emit(f"    {service:<15} {alias}")
    emit("  DynamoDB")
    index, ttl = outputs["dynamodb_intakes_office_index_name"], outputs["dynamodb_intakes_ttl_attribute"]
    emit(f"    intakes         {outputs['dynamodb_intakes_table_name']} (GSI {index}, TTL {ttl})")
    emit(f"    idempotency     {outputs['dynamodb_idempotency_table_name']}")
    emit(f"  alerts topic     {outputs['sns_alerts_topic_arn']}")


def runtime_log_path(toolchain: Toolchain) -> Path:
    return toolchain.local_state_dir / "logs" / "intake_api.jsonl"


def toolchain_runtime(
    toolchain: Toolchain, outputs: dict[str, Any], emulator_endpoint: str
) -> AbstractContextManager[LocalRuntime]:
    """The local runtime on the ports config/toolchain.env names (API, front), with the pipeline's
    stand-in working under the local state directory."""
    return local_runtime(
        outputs,
        emulator_endpoint,
        toolchain.local_api_port,
        runtime_log_path(toolchain),
        mlops_workdir=toolchain.local_state_dir / "mlops",
        front_port=toolchain.local_front_port,
    )


def _run_conversations(
    client: ApiClient, conversations: list[Conversation], emit: Callable[[str], None]
) -> list[dict[str, Any]]:
    """Each conversation through the API, its form printed; the submitted intakes that hold a
    document number (the data-protection step asks for one of those people)."""
    run_stamp = str(int(time.time()))
    with_document: list[dict[str, Any]] = []
    for number, conversation in enumerate(conversations, start=1):
        emit(f"\n    [{number}/{len(conversations)}] {conversation.title}")
        submitted = run_conversation(client, conversation, f"demo-{run_stamp}-{number}", emit)
        for line in format_form(submitted):
            emit(line)
        if "document_number" in submitted["fields"]:
            with_document.append(submitted)
    return with_document


def run_demo(
    toolchain: Toolchain, emit: Callable[[str], None] = print, *, keep_serving: bool = False
) -> list[CheckResult]:
    """The demo; with ``keep_serving`` (someone at a terminal) the front and the API stay up at the
    end until Ctrl-C."""
    progress = Progress(total_steps=9, emit=emit)
    emulator = LocalEmulator(toolchain.local_state_dir, toolchain.moto_port)
    root = prepare_local_root(toolchain, emulator, progress)
    with progress.step("Terraform apply of the root module (config/local.tfvars) and its images"):
        # Local mode builds no image: each is registered in the emulator's ECR (a manifest derived
        # from its content hash) and the functions deploy it by digest, as on AWS. A first apply
        # creates the repositories before the rest (acogida.infra.deploy).
        apply_environment(
            environment_images(root, emit=lambda line: progress.emit(f"  {line}")), auto_approve=True
        )
    outputs = root.outputs()
    region = outputs["aws_region"]
    target = AwsTarget(region=region, endpoint_url=emulator.endpoint)
    with progress.step("Smoke checks through boto3"):
        results = run_smoke_checks(target, outputs, report=lambda result: emit(f"    ok  {result.detail}"))
    managed = [address for address in root.resource_addresses() if ".data." not in f".{address}"]
    print_summary(outputs, len(managed), emit)

    cognito = target.client("cognito-idp")
    with progress.step("Demo users in the emulator's Cognito user pool"):
        users = ensure_demo_users(cognito, outputs["cognito_user_pool_id"])
        for line in demo_user_lines(users):
            emit(line)
    conversations = demo_conversations()
    log_path = runtime_log_path(toolchain)
    with toolchain_runtime(toolchain, outputs, emulator.endpoint) as runtime:
        front_url = runtime.front.url if runtime.front else ""
        emit(f"\nFront: {front_url} (sign in as a demo user)")
        for line in demo_user_lines(users):
            emit(line)
        with progress.step(
            f"{len(conversations)} conversations through the local intake API, segment by segment"
        ):
            api = runtime.api
            emit(f"    intake API on {api.url} (Cognito JWT, same events as API Gateway)")
            emit(f"    the function's JSON logs and metrics: {log_path}")
            token = sign_in(cognito, outputs["cognito_user_pool_client_id"], users[0].username, DEMO_PASSWORD)
            client = ApiClient(api.url, token)
            with_document = _run_conversations(client, conversations, emit)
        with progress.step("Data lake: stream export, bulk upload of history, ETL into demand"):
            run_lake_demo(outputs, target, runtime.lake, toolchain.local_state_dir / "lake", emit)
        with progress.step("Forecast: retrain through the API (prepare, train, gate, publish), read it back"):
            coordinator = next(user for user in users if user.group == "coordinator")
            token = sign_in(
                cognito, outputs["cognito_user_pool_client_id"], coordinator.username, DEMO_PASSWORD
            )
            emit(f"    signed in as {coordinator.username} ({coordinator.group}, {coordinator.office})")
            run_forecast_demo(ApiClient(runtime.api.url, token), toolchain.local_state_dir / "forecast", emit)
        with progress.step("Data protection: an intake's audit trail, the DPO's access and erasure requests"):
            run_privacy_demo(
                outputs,
                target,
                api_url=runtime.api.url,
                technician=client,
                submitted=with_document[0],
                emit=emit,
            )
        elapsed = progress.elapsed()
        emit(f"\nDemo finished in {elapsed:.0f} s. The emulator keeps running: `make down` stops it.")
        if keep_serving:
            emit(
                f"The front and the API keep running on {front_url} and {runtime.api.url}"
                f" — sign in as {users[0].username} or {users[1].username} (password {DEMO_PASSWORD});"
                " Ctrl-C stops them."
            )
            serve_until_interrupted()
    if not keep_serving:
        emit(f"`make serve` serves the front ({front_url}) and the API again.")
    return results
