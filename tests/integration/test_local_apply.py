"""The real root module applied to a fresh emulator in the local workspace.

One apply for the whole test session (it takes minutes; the ``deployment`` fixture of
tests/integration/conftest.py), then: the second plan must show no changes, the
smoke checks must pass against what Terraform created, the workspace guard must stop another
environment's values, and destroy must succeed.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import time
from urllib.parse import unquote_plus

import pytest
from aws_lambda_powertools.utilities import parameters

from acogida.adapters.key_rotation import read_key_ring
from acogida.adapters.object_store import ObjectStore
from acogida.export.submission import key_version_metadata, submission_row, to_csv
from acogida.infra.terraform import unexplained_changes
from acogida.local.events import http_api_event
from acogida.local.functions import LocalFunctions
from acogida.local.lake_pump import LakePump
from acogida.local.runtime import function_variables
from acogida.local.smoke import run_smoke_checks
from acogida.privacy.commands import run_rotate_key
from acogida.privacy.keyring import KeyRing
from tests.integration.conftest import HOME_FUNCTIONS

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

# Attributes whose second-plan diff comes from the emulator and would not appear on AWS:
# {(resource type, attribute): reason}. Empty: the emulator patches (acogida.local.emulator) make
# moto answer as AWS does. Anything not listed here fails the test, so a new
# perpetual diff cannot slip in.
EMULATOR_DIFF_ALLOWLIST: dict[tuple[str, str], str] = {}

FUNCTIONS = (
    "intake_api",
    "transcription_start",
    "transcription_done",
    "export_submissions",
    "bulk_upload",
    "forecast_api",
    "privacy_api",
)
INTAKE_FUNCTIONS = ("intake_api", "transcription_start", "transcription_done")
ROUTE_KEYS = (
    "POST /intakes",
    "GET /intakes",
    "GET /intakes/{intake_id}",
    "POST /intakes/{intake_id}/segments",
    "PATCH /intakes/{intake_id}/fields",
    "POST /intakes/{intake_id}/submit",
    # module ml: the forecast API on the same HTTP API and authorizer
    "GET /forecast",
    "GET /reports",
    "POST /mlops/runs",
    "GET /mlops/runs/{run_id}",
    # module privacy: the DPO's rights of access and erasure
    "POST /privacy/access",
    "POST /privacy/erasure",
)
# The names src/acogida reads from each function's environment (terraform/modules/app and
# terraform/modules/transcription).
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
    "SUBMITTED_INTAKE_RETENTION_DAYS",
    "ACOGIDA_LANGUAGE_REGION",
}
# The transcription functions (language region) also name the data region and the audio bucket.
TRANSCRIPTION_ENVIRONMENT = {"ACOGIDA_DATA_REGION", "AUDIO_BUCKET", "AUDIO_KMS_KEY_ARN"}
# The data-lake functions (terraform/modules/bi): where rows go and the pseudonymisation key.
LAKE_ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_METRICS_NAMESPACE",
    "POWERTOOLS_LOG_LEVEL",
    "LOG_LEVEL",
    "ACOGIDA_ENVIRONMENT",
    "RAW_BUCKET",
    "RAW_KMS_KEY_ARN",
    "PSEUDONYMISATION_SECRET_ARN",
}
BULK_UPLOAD_ENVIRONMENT = {"UPLOADS_TOPIC_ARN", "OFFICE_TIMEZONE"}
# The functions that act on a person's record write its audit events (docs/audit.md).
AUDIT_ENVIRONMENT = {"AUDIT_BUCKET", "AUDIT_KMS_KEY_ARN"}
# The forecast API (terraform/modules/ml): the published forecasts, the reports and the pipeline.
FORECAST_API_ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_METRICS_NAMESPACE",
    "POWERTOOLS_LOG_LEVEL",
    "LOG_LEVEL",
    "ACOGIDA_ENVIRONMENT",
    "FORECASTS_TABLE",
    "REPORTS_BUCKET",
    "PIPELINE_NAME",
    "REPORT_LINK_TTL_SECONDS",
    "MAX_FORECAST_DAYS",
}


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

    def count_per_function(module: str, resource: str) -> int:
        """Instances of ``resource`` (type.name) of module lambda_function under ``module``."""
        return len(
            [
                a
                for a in addresses
                if a.startswith(f"{module}.module.function[") and a.endswith(f"].{resource}")
            ]
        )

    assert count(".aws_kms_key.this[") == 10  # one per service, the audit trail's included
    assert len(deployment.outputs["s3_bucket_names"]) == 7
    # The audit bucket (Object Lock) is the landing zone's eighth.
    assert count("module.landing_zone.aws_s3_bucket.audit") == 1
    assert count("module.landing_zone.aws_s3_bucket_object_lock_configuration.audit") == 1
    assert count("aws_dynamodb_table.") == 3  # intakes, idempotency, forecasts
    # module app (home region): the intake API
    assert count_per_function("module.app", "aws_lambda_function.this") == 1
    assert count_per_function("module.app", "aws_ecr_repository.this") == 1
    assert count_per_function("module.app", "aws_iam_role.this") == 1
    assert count("module.app.aws_sqs_queue.") == 0
    assert count("module.app.aws_apigatewayv2_route.intake_api[") == 6
    assert count("module.app.aws_cognito_user_group.this[") == 3
    assert (
        count("module.app.aws_cloudwatch_metric_alarm.")
        + count_per_function("module.app", "aws_cloudwatch_metric_alarm.errors")
        == 2
    )
    assert (
        count("module.app.aws_cloudwatch_log_group.")
        + count_per_function("module.app", "aws_cloudwatch_log_group.this")
        == 2
    )
    # module transcription (language region): the batch transcription path
    assert count("module.transcription.aws_kms_key.") == 1
    assert count("module.transcription.aws_s3_bucket.") == 2  # speech + its access-log bucket
    assert count("module.transcription.aws_s3_bucket_notification.") == 1
    assert count_per_function("module.transcription", "aws_lambda_function.this") == 2
    assert count_per_function("module.transcription", "aws_ecr_repository.this") == 2
    assert count_per_function("module.transcription", "aws_iam_role.this") == 2
    # the uploads queue and its DLQ (module queue_with_dlq), the events DLQ; the alerts topic
    assert count("module.transcription.module.audio_uploads_queue.aws_sqs_queue.") == 2
    assert count("module.transcription.aws_sqs_queue.transcription_done_dlq") == 1
    assert count("module.transcription.module.alerts_topic.aws_sns_topic.this") == 1
    assert (
        count("module.transcription.aws_cloudwatch_metric_alarm.")
        + count_per_function("module.transcription", "aws_cloudwatch_metric_alarm.errors")
        == 4
    )
    assert count_per_function("module.transcription", "aws_cloudwatch_log_group.this") == 2
    assert count("module.transcription.aws_cloudwatch_event_rule.") == 1
    # module bi (home region): export, bulk upload, Glue, Athena
    assert count_per_function("module.bi", "aws_lambda_function.this") == 2
    assert count_per_function("module.bi", "aws_ecr_repository.this") == 2
    assert count("module.bi.module.bulk_uploads_queue.aws_sqs_queue.") == 2  # queue + its DLQ
    assert count("module.bi.aws_sqs_queue.export_dlq") == 1
    assert count("module.bi.module.uploads_topic.aws_sns_topic.this") == 1
    assert count("module.landing_zone.module.alerts_topic.aws_sns_topic.this") == 1
    assert count("module.bi.aws_lambda_event_source_mapping.") == 2
    assert count("module.bi.aws_s3_bucket_notification.") == 1
    assert count("module.bi.aws_glue_job.") == 1
    assert count("module.bi.aws_glue_crawler.") == 1
    assert count("module.bi.aws_glue_catalog_table.") == 3  # + audit_events (the audit bucket's events/)
    assert count("module.bi.aws_athena_named_query.") == 7  # the analysts' 4 and the audit's 3
    assert count("module.bi.aws_secretsmanager_secret.") == 1
    assert count("aws_secretsmanager_secret_version") == 0  # the key's value is never Terraform's
    assert count("aws_quicksight_") == 0  # quicksight_enabled = false in local mode
    # Switched off in local mode (config/local.tfvars): moto cannot train a recogniser.
    assert count("aws_comprehend_entity_recognizer") == 0
    assert set(deployment.outputs["lambda_function_names"]) == set(FUNCTIONS)
    assert set(deployment.outputs["dead_letter_queue_urls"]) == {"audio_uploads", "transcription_done"}
    assert set(deployment.outputs["lambda_environments"]) == set(FUNCTIONS)
    assert deployment.outputs["language_region"] == "eu-west-1" != deployment.outputs["aws_region"]
    assert deployment.outputs["lambda_regions"] == {
        "intake_api": deployment.outputs["aws_region"],
        "transcription_start": deployment.outputs["language_region"],
        "transcription_done": deployment.outputs["language_region"],
        "export_submissions": deployment.outputs["aws_region"],
        "bulk_upload": deployment.outputs["aws_region"],
        "forecast_api": deployment.outputs["aws_region"],
        "privacy_api": deployment.outputs["aws_region"],
    }


def test_forecast_inventory_without_the_pipeline(deployment):
    """module ml (home region): the forecast store, topic, sender, API function and routes; the
    pipeline is off in local mode (mlops_pipeline_enabled = false: moto cannot hold it)."""
    addresses = deployment.root.resource_addresses()

    def count(fragment: str) -> int:
        return len([a for a in addresses if fragment in a])

    assert count("module.ml.aws_dynamodb_table.forecasts") == 1
    assert count("module.ml.module.forecast_published_topic.aws_sns_topic.this") == 1
    assert count("module.ml.aws_ses_email_identity.report_sender[") == 1
    assert count('module.ml.module.function["forecast_api"].aws_lambda_function.this') == 1
    assert count("module.ml.aws_apigatewayv2_route.forecast_api[") == 4
    assert count("module.ml.aws_lambda_permission.api[") == 4
    switched_off = ("aws_codepipeline.", "aws_codebuild_project.", "aws_codestarconnections_connection.")
    assert [count(resource) for resource in switched_off] == [0, 0, 0]
    assert count("module.ml.aws_iam_role.") == 0  # the stage and pipeline roles go with the pipeline
    # A null output is not kept in the state, so `terraform output` has no mlops_pipeline_name.
    assert deployment.outputs.get("mlops_pipeline_name") is None


def test_each_module_lives_in_its_region(deployment):
    """The transcription path is in the language region and nowhere else; the API in the home region."""
    home, language = deployment.target, deployment.language
    names = deployment.outputs["lambda_function_names"]
    home_functions = {f["FunctionName"] for f in home.client("lambda").list_functions()["Functions"]}
    language_functions = {f["FunctionName"] for f in language.client("lambda").list_functions()["Functions"]}
    for key in HOME_FUNCTIONS:
        assert names[key] in home_functions
        assert names[key] not in language_functions
    for key in ("transcription_start", "transcription_done"):
        assert names[key] in language_functions
        assert names[key] not in home_functions
    # Home region: the data lake's queues (bulk uploads, its DLQ, the export DLQ) and its rule.
    assert len(home.client("sqs").list_queues().get("QueueUrls", [])) == 3
    assert len(language.client("sqs").list_queues().get("QueueUrls", [])) == 3
    assert language.client("events").list_rules()["Rules"][0]["Name"].endswith("-transcription-job-finished")
    assert [rule["Name"] for rule in home.client("events").list_rules()["Rules"]] == [
        "acogida-local-glue-failures"
    ]
    speech = deployment.outputs["speech_bucket_name"]
    location = language.client("s3").get_bucket_location(Bucket=speech)["LocationConstraint"]
    assert location == deployment.outputs["language_region"]
    alerts = deployment.outputs["language_alerts_topic_arn"]
    assert alerts.startswith(f"arn:aws:sns:{deployment.outputs['language_region']}:")
    alarms = language.client("cloudwatch").describe_alarms()["MetricAlarms"]
    assert len(alarms) == 4
    assert all(alarm["AlarmActions"] == [alerts] for alarm in alarms)
    # The transcripts bucket (home region) no longer notifies anything.
    transcripts = deployment.outputs["s3_bucket_names"]["transcripts"]
    notification = home.client("s3").get_bucket_notification_configuration(Bucket=transcripts)
    assert not notification.get("QueueConfigurations")


def test_functions_carry_the_environment_contract(deployment):
    outputs = deployment.outputs
    for key in INTAKE_FUNCTIONS:
        name = outputs["lambda_function_names"][key]
        lambda_client = deployment.target_of(key).client("lambda")
        configuration = lambda_client.get_function(FunctionName=name)["Configuration"]
        variables = configuration["Environment"]["Variables"]
        extra = AUDIT_ENVIRONMENT if key == "intake_api" else TRANSCRIPTION_ENVIRONMENT
        assert set(variables) == FUNCTION_ENVIRONMENT | extra
        assert variables == outputs["lambda_environments"][key]
        assert variables["POWERTOOLS_SERVICE_NAME"] == key
        assert variables["ACOGIDA_ENVIRONMENT"] == "local"
        assert variables["COMPREHEND_ENABLED"] == "false"
        assert variables["TRANSCRIPTS_BUCKET"] == outputs["s3_bucket_names"]["transcripts"]
        assert variables["ACOGIDA_LANGUAGE_REGION"] == outputs["language_region"]
        if key == "intake_api":
            assert variables["AUDIT_BUCKET"] == outputs["audit_bucket"]
            assert variables["AUDIT_KMS_KEY_ARN"] == outputs["audit_kms_key_arn"]
        else:
            assert variables["ACOGIDA_DATA_REGION"] == outputs["aws_region"]
            assert variables["AUDIO_BUCKET"] == outputs["speech_bucket_name"]
            assert variables["AUDIO_KMS_KEY_ARN"] == outputs["speech_kms_key_arn"]
        assert configuration["ImageConfigResponse"]["ImageConfig"]["Command"] == [
            f"acogida.handlers.{key}.handler"
        ]
        assert configuration["Architectures"] == ["arm64"]
        assert configuration["TracingConfig"] == {"Mode": "Active"}


def test_lake_functions_carry_their_environment_contract(deployment):
    outputs = deployment.outputs
    for key in ("export_submissions", "bulk_upload"):
        configuration = deployment.target.client("lambda").get_function(
            FunctionName=outputs["lambda_function_names"][key]
        )["Configuration"]
        variables = configuration["Environment"]["Variables"]
        assert set(variables) == LAKE_ENVIRONMENT | (
            BULK_UPLOAD_ENVIRONMENT if key == "bulk_upload" else AUDIT_ENVIRONMENT
        )
        assert variables == outputs["lambda_environments"][key]
        assert variables["RAW_BUCKET"] == outputs["s3_bucket_names"]["raw"]
        assert variables["PSEUDONYMISATION_SECRET_ARN"] == outputs["pseudonymisation_secret_arn"]
        assert configuration["ImageConfigResponse"]["ImageConfig"]["Command"] == [
            f"acogida.handlers.{key}.handler"
        ]


def test_forecast_api_carries_its_environment_contract(deployment):
    outputs = deployment.outputs
    configuration = deployment.target.client("lambda").get_function(
        FunctionName=outputs["lambda_function_names"]["forecast_api"]
    )["Configuration"]
    variables = configuration["Environment"]["Variables"]
    assert set(variables) == FORECAST_API_ENVIRONMENT
    assert variables == outputs["lambda_environments"]["forecast_api"]
    assert variables["FORECASTS_TABLE"] == outputs["forecasts_table_name"]
    assert variables["REPORTS_BUCKET"] == outputs["s3_bucket_names"]["reports"]
    assert variables["PIPELINE_NAME"] == ""  # no pipeline in local mode
    assert variables["MAX_FORECAST_DAYS"] == "90"
    assert configuration["ImageConfigResponse"]["ImageConfig"]["Command"] == [
        "acogida.handlers.forecast_api.handler"
    ]


def test_forecasts_table_and_stage_environment(deployment):
    """The table publish writes and the API reads, and the environment `acogida mlops run --local`
    gives the stage commands, pointing at what was applied."""
    outputs = deployment.outputs
    dynamodb = deployment.target.client("dynamodb")
    table = dynamodb.describe_table(TableName=outputs["forecasts_table_name"])["Table"]
    assert {key["AttributeName"]: key["KeyType"] for key in table["KeySchema"]} == {
        "series": "HASH",
        "date": "RANGE",
    }
    assert table["SSEDescription"]["KMSMasterKeyArn"] == outputs["kms_key_arns"]["dynamodb"]
    ttl = dynamodb.describe_time_to_live(TableName=outputs["forecasts_table_name"])
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires_at"
    stages = outputs["mlops_stage_environment"]
    assert set(stages) == {"prepare", "train", "publish"}
    assert stages["prepare"] == {"GLUE_JOB_NAME": outputs["glue_job_name"]}
    assert stages["train"]["CURATED_BUCKET"] == outputs["s3_bucket_names"]["curated"]
    assert stages["train"]["CURATED_DEMAND_KEY"] == "demand/forecast_import/"
    assert stages["publish"]["FORECASTS_TABLE"] == outputs["forecasts_table_name"]
    assert stages["publish"]["FORECAST_TOPIC_ARN"] == outputs["forecast_topic_arn"]
    assert stages["publish"]["S3_KMS_KEY_ARN"] == outputs["kms_key_arns"]["s3"]
    assert json.loads(stages["publish"]["COORDINATOR_EMAILS_JSON"])["getafe"]
    sender = stages["publish"]["REPORT_SENDER_EMAIL"]
    identities = deployment.target.client("ses").list_identities(IdentityType="EmailAddress")["Identities"]
    assert sender in identities


def test_pipeline_is_refused_in_local_mode(deployment, toolchain):
    root = deployment.root
    completed = subprocess.run(
        [
            "terraform",
            f"-chdir={toolchain.terraform_dir}",
            "plan",
            "-input=false",
            "-no-color",
            *root.variable_arguments(),
            "-var=mlops_pipeline_enabled=true",
        ],
        env=root.process_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    message = " ".join(completed.stderr.split())  # terraform wraps long messages
    assert "mlops_pipeline_enabled must be false in local mode" in message


def test_every_api_route_requires_the_cognito_jwt(deployment):
    apigateway = deployment.target.client("apigatewayv2")
    api_id = deployment.outputs["api_id"]
    routes = apigateway.get_routes(ApiId=api_id)["Items"]
    assert sorted(route["RouteKey"] for route in routes) == sorted(ROUTE_KEYS)
    assert {route["AuthorizationType"] for route in routes} == {"JWT"}
    (authorizer_id,) = {route["AuthorizerId"] for route in routes}
    # One authorizer for every route (read by id: moto does not implement GetAuthorizers).
    authorizer = apigateway.get_authorizer(ApiId=api_id, AuthorizerId=authorizer_id)
    assert authorizer["JwtConfiguration"]["Issuer"] == deployment.outputs["cognito_issuer"]
    assert authorizer["JwtConfiguration"]["Audience"] == [deployment.outputs["cognito_user_pool_client_id"]]


def test_audio_upload_lands_in_the_uploads_queue(deployment):
    """The speech bucket (language region) notifies the queue there; with the trigger off in local
    mode the message waits in the queue."""
    s3 = deployment.language.client("s3")
    sqs = deployment.language.client("sqs")
    queue_url = deployment.outputs["audio_uploads_queue_url"]
    bucket = deployment.outputs["speech_bucket_name"]
    key = f"audio/integration-{int(time.time())}/recording.webm"
    s3.put_object(Bucket=bucket, Key=key, Body=b"not really audio")
    s3.put_object(Bucket=bucket, Key="transcribe/integration.json", Body=b"{}")  # not under audio/

    keys: list[str] = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and key not in keys:
        received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for message in received.get("Messages", []):
            for record in json.loads(message["Body"]).get("Records", []):
                keys.append(unquote_plus(record["s3"]["object"]["key"]))
                assert record["awsRegion"] == deployment.outputs["language_region"]
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    assert key in keys
    assert all(received.startswith("audio/") for received in keys)
    stored = s3.head_object(Bucket=bucket, Key=key)
    assert stored["ServerSideEncryption"] == "aws:kms"
    assert stored["SSEKMSKeyId"].split("/")[-1] == deployment.outputs["speech_kms_key_arn"].split("/")[-1]


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
            f"-var-file={root.image_tags_file()}",
        ],
        env=root.process_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert "Workspace guard" in completed.stderr
    assert 'selected workspace is "local"' in completed.stderr


def test_submitted_intakes_and_uploads_reach_the_lake_pseudonymised(deployment, tmp_path):
    """The data lake on the applied workspace: an intake submitted through the intake API reaches
    raw/submissions/ through the table's stream exactly once, a coordinator's upload is validated,
    reported and deleted, and the pseudonymisation key, put on first use, is nowhere in the state."""
    outputs = deployment.outputs
    environments = {name: function_variables(outputs, name) for name in FUNCTIONS}
    s3 = deployment.target.client("s3")
    raw = outputs["s3_bucket_names"]["raw"]
    with (tmp_path / "functions.log").open("w", encoding="utf-8") as log:
        functions = LocalFunctions(environments, deployment.emulator.endpoint, log)
        lake = LakePump(
            functions,
            streams=deployment.target.client("dynamodbstreams"),
            sqs=deployment.target.client("sqs"),
            stream_arn=outputs["dynamodb_intakes_table_stream_arn"],
            uploads_queue_url=outputs["bulk_uploads_queue_url"],
            export_dlq_url=outputs["export_dlq_url"],
        )
        lake.drain()  # whatever earlier tests wrote
        claims = {"sub": "t-1", "cognito:groups": "[technician]", "custom:office": "getafe"}
        created = functions.invoke("intake_api", http_api_event("POST", "/intakes", claims=claims))
        intake_id = json.loads(created["body"])["intake_id"]
        text = "Me llamo Ana Pérez Gil, mi DNI es 12345678Z, vivo en Getafe y necesito un abogado."
        for path, body in (
            (f"/intakes/{intake_id}/segments", json.dumps({"sequence": 0, "text": text})),
            (f"/intakes/{intake_id}/submit", None),
        ):
            answer = functions.invoke("intake_api", http_api_event("POST", path, claims=claims, body=body))
            assert answer["statusCode"] == 200, answer
        first = lake.drain()
        second = lake.drain()
        assert first.exported_records == 1
        assert second.exported_records == 0
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=raw, Prefix="submissions/")["Contents"]]
        (key,) = [k for k in keys if k.endswith(f"/{intake_id}.csv")]
        row = s3.get_object(Bucket=raw, Key=key)["Body"].read().decode("utf-8")
        assert "legal" in row
        assert "getafe" in row
        for identifier in ("12345678Z", "Ana", "Pérez"):
            assert identifier not in row

        upload = (
            "intake_id,submitted_at,office,document_type,document_number,needs\n"
            "it-1,2025-05-05T10:00:00+02:00,getafe,DNI,12345678Z,food\n"
            "it-2,mañana,getafe,,,food\n"
        )
        s3.put_object(Bucket=raw, Key="uploads/integration.csv", Body=upload.encode("utf-8"))
        uploaded = lake.drain()
        assert uploaded.upload_messages == 1
        assert uploaded.upload_failures == 0
        assert s3.list_object_versions(Bucket=raw, Prefix="uploads/").get("Versions") is None
        reports = s3.list_objects_v2(Bucket=raw, Prefix="rejected/integration-")["Contents"]
        report = s3.get_object(Bucket=raw, Key=reports[0]["Key"])["Body"].read().decode("utf-8")
        assert report.splitlines()[1].startswith("3,submitted_at,")
        accepted = (
            s3.get_object(
                Bucket=raw,
                Key=next(
                    k["Key"]
                    for k in s3.list_objects_v2(Bucket=raw, Prefix="submissions/dt=2025-05-05/")["Contents"]
                ),
            )["Body"]
            .read()
            .decode("utf-8")
        )
        assert "12345678Z" not in accepted
        functions.close()

    # The same person, the same key: the export and the upload pseudonymise alike.
    assert row.strip().split("\n")[1].split(",")[10] == accepted.strip().split("\n")[1].split(",")[10]
    secret = deployment.target.client("secretsmanager").get_secret_value(
        SecretId=outputs["pseudonymisation_secret_arn"]
    )
    # The first function put a key ring of one random key (acogida.adapters.lake).
    ring = KeyRing.from_secret(secret["SecretString"])
    assert ring.version == 1
    assert len(ring.secrets[0]) == 64
    state = subprocess.run(
        ["terraform", f"-chdir={deployment.root.toolchain.terraform_dir}", "state", "pull"],
        env=deployment.root.process_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ring.secrets[0].decode() not in state


def test_retention_settings_follow_config_local(deployment, toolchain):
    """The applied workspace keeps each store as long as config/local.tfvars says (the same values
    docs/data-protection.md lists): lifecycle rules as S3 holds them, the intake functions' TTL."""
    configured = {
        name: int(value)
        for name, value in re.findall(
            r"^([a-z_]+)\s*=\s*(\d+)", (toolchain.repo_root / "config" / "local.tfvars").read_text(), re.M
        )
    }
    outputs = deployment.outputs
    s3 = deployment.target.client("s3")

    def expirations(bucket: str) -> dict[str, tuple[str, int]]:
        rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
        return {
            rule["ID"]: (rule.get("Filter", {}).get("Prefix", ""), rule["Expiration"]["Days"])
            for rule in rules
            if "Days" in rule.get("Expiration", {})
        }

    buckets = outputs["s3_bucket_names"]
    assert expirations(buckets["transcripts"]) == {
        "expire-draft-transcripts": ("drafts/", configured["transcript_retention_days"]),
        "expire-redacted-transcripts": ("redacted/", configured["submitted_intake_retention_days"]),
    }
    for lake in ("raw", "curated"):
        assert expirations(buckets[lake]) == {"expire-lake-objects": ("", configured["lake_retention_days"])}
    for name in ("intake_api", "transcription_start", "transcription_done"):
        variables = outputs["lambda_environments"][name]
        retention = configured["submitted_intake_retention_days"]
        assert variables["SUBMITTED_INTAKE_RETENTION_DAYS"] == str(retention)
        assert variables["DRAFT_TTL_DAYS"] == str(configured["draft_ttl_days"])


def test_rotating_the_key_on_the_applied_stack_keeps_one_key_per_person(deployment):
    """acogida privacy rotate-key's procedure against the applied secret, raw bucket and its key:
    rows of one person written before the rotation share the new version's key afterwards, and
    every raw object is at that version with no older version left."""
    outputs = deployment.outputs
    s3 = deployment.target.client("s3")
    secrets_manager = deployment.target.client("secretsmanager")
    raw = outputs["s3_bucket_names"]["raw"]
    kms_key_arn = outputs["s3_bucket_kms_key_arns"]["raw"]
    secret_arn = outputs["pseudonymisation_secret_arn"]
    before = read_key_ring(secrets_manager, secret_arn)
    store = ObjectStore(s3, raw)
    for intake_id in ("rotation-1", "rotation-2"):
        row = submission_row(
            intake_id=intake_id,
            submitted_at="2025-06-01T10:00:00Z",
            office="getafe",
            duration_s=60,
            values={"document_type": "DNI", "document_number": "87654321X"},
            ring=before,
        )
        store.put_encrypted_once(
            f"submissions/dt=2025-06-01/{intake_id}.csv",
            to_csv([row]),
            kms_key_arn,
            "text/csv; charset=utf-8",
            metadata=key_version_metadata(before.version),
        )
    out = io.StringIO()
    summary = run_rotate_key(
        secrets_manager=secrets_manager,
        s3=s3,
        secret_arn=secret_arn,
        bucket=raw,
        kms_key_arn=kms_key_arn,
        rotate=True,
        wait_s=0.0,
        resume_hint="-",
        out=out,
    )
    # The local runtime's functions run in this process and keep the ring they read for
    # SECRET_MAX_AGE_S; on AWS the procedure waits that out (wait_s), here the cache is expired, so
    # that the tests after this one export under the new version as warm functions would.
    parameters.clear_caches()
    after = read_key_ring(secrets_manager, secret_arn)
    assert after.version == before.version + 1
    assert summary.objects_rekeyed >= 2
    keys = set()
    for entry in s3.list_object_versions(Bucket=raw, Prefix="submissions/")["Versions"]:
        assert entry["IsLatest"], entry["Key"]  # no older version holds an old hash
        head = s3.head_object(Bucket=raw, Key=entry["Key"])
        assert head["Metadata"]["key-version"] == str(after.version)
        assert head["SSEKMSKeyId"] == kms_key_arn
        if "/rotation-" in entry["Key"]:
            body = s3.get_object(Bucket=raw, Key=entry["Key"])["Body"].read().decode("utf-8")
            keys.add(body.strip().split("\n")[1].split(",")[10])
    assert keys == {after.person_key("87654321X")}


def test_the_forecast_pipeline_publishes_what_the_forecast_api_serves(deployment, tmp_path):
    """train → gate → publish with the settings Terraform gives the stages, against the applied
    workspace's curated bucket, forecasts table, reports bucket, topic and SES sender; then
    forecast_api, with its Terraform environment, serves the rows and a working pre-signed link."""
    import urllib.request  # noqa: PLC0415

    from acogida.mlops.local import LocalPipeline  # noqa: PLC0415 - statsforecast only here
    from tests.unit.test_mlops import demand_csv  # noqa: PLC0415

    outputs = deployment.outputs
    pipeline = LocalPipeline.from_outputs(outputs, deployment.emulator.endpoint, tmp_path)
    train_env = pipeline.stage_environment["train"]
    publish_env = pipeline.stage_environment["publish"]
    s3 = deployment.target.client("s3")
    s3.put_object(
        Bucket=train_env["CURATED_BUCKET"],
        Key=f"{train_env['CURATED_DEMAND_KEY']}part-00000-integration.csv",
        Body=demand_csv(days=150).encode("utf-8"),
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=publish_env["S3_KMS_KEY_ARN"],
    )
    model_dir = tmp_path / "model"
    pipeline.train(model_dir, progress=lambda _m: None)
    assert pipeline.gate(model_dir).passed
    receipt = pipeline.publish(model_dir, "00000000-0000-4000-8000-000000000001", progress=lambda _m: None)
    assert receipt.emails_sent == 2  # local.tfvars names coordinators for getafe and madrid-centro

    environments = {"forecast_api": function_variables(outputs, "forecast_api")}
    claims = {"sub": "c-1", "cognito:groups": "[coordinator]", "custom:office": "getafe"}
    with (tmp_path / "functions.log").open("w", encoding="utf-8") as log:
        functions = LocalFunctions(environments, deployment.emulator.endpoint, log)
        first_day = sorted(
            line.split(",")[0] for line in (model_dir / "forecast.csv").read_text().splitlines()[1:]
        )[0]
        query = {"workforce_type": "lawyer", "start": first_day, "end": first_day}
        answer = functions.invoke(
            "forecast_api", http_api_event("GET", "/forecast", claims=claims, query=query)
        )
        assert answer["statusCode"] == 200, answer
        days = json.loads(answer["body"])["days"]
        assert [day["date"] for day in days] == [first_day]
        answer = functions.invoke("forecast_api", http_api_event("GET", "/reports", claims=claims))
        assert answer["statusCode"] == 200, answer
        (report,) = json.loads(answer["body"])["reports"]
        png = next(item for item in report["files"] if item["name"].endswith(".png"))
        functions.close()
    with urllib.request.urlopen(png["url"], timeout=30) as response:  # noqa: S310 - the emulator
        assert response.read().startswith(b"\x89PNG")
