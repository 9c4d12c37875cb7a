"""The real root module applied to a fresh emulator in the local workspace.

One apply for the whole module (it takes minutes), then: the second plan must show no changes, the
smoke checks must pass against what Terraform created, the workspace guard must stop another
environment's values, and destroy must succeed.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_plus

import pytest

from acogida.adapters.aws import AwsTarget
from acogida.adapters.object_store import ensure_bucket
from acogida.infra.terraform import TerraformRoot, unexplained_changes
from acogida.local.demo import backend_setting
from acogida.local.smoke import run_smoke_checks
from acogida.local.stack import LocalEmulator
from tests.conftest import find_free_port

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

# Attributes whose second-plan diff comes from the emulator and would not appear on AWS:
# {(resource type, attribute): reason}. Anything not listed here fails the test, so a new
# perpetual diff cannot slip in.
EMULATOR_DIFF_ALLOWLIST: dict[tuple[str, str], str] = {
    ("aws_lambda_function", "logging_config"): (
        "moto's GetFunction answers without LoggingConfig, so every plan sets the JSON log format and "
        "the module's log group again; AWS returns the block as set"
    ),
    ("aws_sqs_queue", "redrive_policy"): (
        "moto answers RedrivePolicy re-serialised with json.dumps (a space after ':' and ','); the "
        "provider compares the text and plans the same policy again; AWS returns it as sent"
    ),
}

FUNCTIONS = ("intake_api", "transcription_start", "transcription_done")
# The names src/acogida reads from each function's environment (terraform/modules/app); the two
# transcription functions also get AUDIO_BUCKET and AUDIO_KMS_KEY_ARN.
FUNCTION_ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_METRICS_NAMESPACE",
    "POWERTOOLS_LOG_LEVEL",
    "LOG_LEVEL",
    "ACOGIDA_ENVIRONMENT",
    "INTAKES_TABLE",
    "INTAKES_OFFICE_INDEX",
    "IDEMPOTENCY_TABLE",
    "TRANSCRIPTS_BUCKET",
    "TRANSCRIPTS_KMS_KEY_ARN",
    "COMPREHEND_ENABLED",
    "TRANSCRIPTION_JOB_PREFIX",
    "DRAFT_TTL_DAYS",
}


class LocalDeployment:
    def __init__(self, root: TerraformRoot, emulator: LocalEmulator, outputs: dict[str, Any]) -> None:
        self.root = root
        self.emulator = emulator
        self.outputs = outputs
        self.target = AwsTarget(region=outputs["aws_region"], endpoint_url=emulator.endpoint)


@pytest.fixture(scope="module")
def deployment(toolchain, tmp_path_factory) -> Iterator[LocalDeployment]:
    workdir = tmp_path_factory.mktemp("local-apply")
    emulator = LocalEmulator(workdir / "emulator", find_free_port())
    emulator.up()
    try:
        region = backend_setting(toolchain, "region")
        ensure_bucket(
            AwsTarget(region, emulator.endpoint).client("s3"), backend_setting(toolchain, "bucket"), region
        )
        root = TerraformRoot(
            toolchain, "local", data_dir=workdir / "tfdata", emulator_endpoint=emulator.endpoint, echo=False
        )
        root.init()
        root.select_workspace()
        root.apply(auto_approve=True)
        yield LocalDeployment(root, emulator, root.outputs())
        root.destroy(auto_approve=True)
        assert root.resource_addresses() == []
    finally:
        emulator.down()


def test_second_plan_shows_no_changes(deployment):
    unexplained = unexplained_changes(deployment.root.plan_json(), EMULATOR_DIFF_ALLOWLIST)
    assert unexplained == [], f"the second plan wants to change: {unexplained}"


def test_workspace_is_local(deployment):
    assert deployment.root.current_workspace() == "local"
    assert deployment.outputs["environment"] == "local"


def test_inventory(deployment):
    addresses = deployment.root.resource_addresses()

    def count(fragment: str) -> int:
        return len([a for a in addresses if fragment in a])

    assert count(".aws_kms_key.this[") == 9
    assert len(deployment.outputs["s3_bucket_names"]) == 7
    assert count("aws_dynamodb_table.") == 2
    # module app
    assert count("module.app.aws_lambda_function.this[") == 3
    assert count("module.app.aws_ecr_repository.function[") == 3
    assert count("module.app.aws_iam_role.function[") == 3
    assert count("module.app.aws_sqs_queue.") == 3
    assert count("module.app.aws_apigatewayv2_route.intake_api[") == 6
    assert count("module.app.aws_cognito_user_group.this[") == 3
    assert count("module.app.aws_cloudwatch_metric_alarm.") == 6
    assert count("module.app.aws_cloudwatch_log_group.") == 4
    # Switched off in local mode (config/local.tfvars): moto cannot train a recogniser.
    assert count("aws_comprehend_entity_recognizer") == 0
    assert set(deployment.outputs["lambda_function_names"]) == set(FUNCTIONS)
    assert set(deployment.outputs["dead_letter_queue_urls"]) == {"audio_uploads", "transcription_done"}
    assert set(deployment.outputs["lambda_environments"]) == set(FUNCTIONS)


def test_functions_carry_the_environment_contract(deployment):
    lambda_client = deployment.target.client("lambda")
    for key, name in deployment.outputs["lambda_function_names"].items():
        configuration = lambda_client.get_function(FunctionName=name)["Configuration"]
        variables = configuration["Environment"]["Variables"]
        audio = set() if key == "intake_api" else {"AUDIO_BUCKET", "AUDIO_KMS_KEY_ARN"}
        assert set(variables) == FUNCTION_ENVIRONMENT | audio
        assert variables == deployment.outputs["lambda_environments"][key]
        assert variables["POWERTOOLS_SERVICE_NAME"] == key
        assert variables["ACOGIDA_ENVIRONMENT"] == "local"
        assert variables["COMPREHEND_ENABLED"] == "false"
        assert variables["TRANSCRIPTS_BUCKET"] == deployment.outputs["s3_bucket_names"]["transcripts"]
        assert configuration["ImageConfigResponse"]["ImageConfig"]["Command"] == [
            f"acogida.handlers.{key}.handler"
        ]
        assert configuration["Architectures"] == ["arm64"]
        assert configuration["TracingConfig"] == {"Mode": "Active"}


def test_every_api_route_requires_the_cognito_jwt(deployment):
    apigateway = deployment.target.client("apigatewayv2")
    api_id = deployment.outputs["api_id"]
    routes = apigateway.get_routes(ApiId=api_id)["Items"]
    assert len(routes) == 6
    assert {route["AuthorizationType"] for route in routes} == {"JWT"}
    (authorizer_id,) = {route["AuthorizerId"] for route in routes}
    # One authorizer for every route (read by id: moto does not implement GetAuthorizers).
    authorizer = apigateway.get_authorizer(ApiId=api_id, AuthorizerId=authorizer_id)
    assert authorizer["JwtConfiguration"]["Issuer"] == deployment.outputs["cognito_issuer"]
    assert authorizer["JwtConfiguration"]["Audience"] == [deployment.outputs["cognito_user_pool_client_id"]]


def test_audio_upload_lands_in_the_uploads_queue(deployment):
    """S3 notifies the queue; with the trigger off in local mode the message waits there."""
    s3 = deployment.target.client("s3")
    sqs = deployment.target.client("sqs")
    queue_url = deployment.outputs["audio_uploads_queue_url"]
    bucket = deployment.outputs["s3_bucket_names"]["transcripts"]
    key = f"audio/integration-{int(time.time())}/recording.webm"
    s3.put_object(Bucket=bucket, Key=key, Body=b"not really audio")
    s3.put_object(Bucket=bucket, Key="drafts/integration/000001.json", Body=b"{}")  # not under audio/

    keys: list[str] = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and key not in keys:
        received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for message in received.get("Messages", []):
            for record in json.loads(message["Body"]).get("Records", []):
                keys.append(unquote_plus(record["s3"]["object"]["key"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    assert key in keys
    assert all(received.startswith("audio/") for received in keys)


def test_recognizer_is_refused_in_local_mode(deployment, toolchain):
    root = deployment.root
    completed = subprocess.run(
        [
            "terraform",
            f"-chdir={toolchain.terraform_dir}",
            "plan",
            "-input=false",
            "-no-color",
            *root.variable_arguments(),
            "-var=comprehend_dni_recognizer_enabled=true",
        ],
        env=root.process_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    message = " ".join(completed.stderr.split())  # terraform wraps long messages
    assert "comprehend_dni_recognizer_enabled must be false in local mode" in message


def test_smoke_checks_pass_against_the_deployment(deployment):
    results = run_smoke_checks(deployment.target, deployment.outputs)
    assert [result.name for result in results] == [
        "encrypted object in raw",
        "intake item in the table",
        "change on the table stream",
    ]


def test_workspace_guard_stops_dev_values_in_the_local_workspace(deployment, toolchain):
    root = deployment.root
    completed = subprocess.run(
        [
            "terraform",
            f"-chdir={toolchain.terraform_dir}",
            "plan",
            "-input=false",
            "-no-color",
            f"-var-file={toolchain.tfvars('dev')}",
        ],
        env=root.process_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert "Workspace guard" in completed.stderr
    assert 'selected workspace is "local"' in completed.stderr
