"""The one change local mode makes to moto: bucket-policy statements with conditions are not evaluated."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.athena.responses import AthenaResponse
from moto.awslambda.models import LambdaBackend, LambdaFunction
from moto.dynamodb.models import dynamodb_backends
from moto.s3.models import FakeBucket
from moto.sqs.models import Queue

from acogida.local.emulator import (
    drop_conditional_statements,
    install_athena_delete_named_query_patch,
    install_bucket_policy_patch,
    install_disabled_stream_mapping_patch,
    install_lambda_logging_config_patch,
    install_object_lock_configuration_patch,
    install_sqs_redrive_policy_patch,
    require_lambda_images_in_ecr,
)

TLS_ONLY = {
    "Sid": "DenyRequestsWithoutTls",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
DENY_PUT = {
    "Sid": "DenyAllWrites",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:PutObject",
    "Resource": "arn:aws:s3:::bucket/*",
}


def test_conditional_statements_are_dropped_and_others_kept():
    policy = json.dumps({"Version": "2012-10-17", "Statement": [TLS_ONLY, DENY_PUT]})
    assert json.loads(drop_conditional_statements(policy))["Statement"] == [DENY_PUT]


def test_single_statement_object_is_handled():
    policy = json.dumps({"Version": "2012-10-17", "Statement": TLS_ONLY})
    assert json.loads(drop_conditional_statements(policy))["Statement"] == []


@pytest.fixture
def patched_s3(monkeypatch):
    # monkeypatch restores moto's own method after the test.
    monkeypatch.setattr(FakeBucket, "get_permission", FakeBucket.get_permission)
    install_bucket_policy_patch()
    with mock_aws():
        client = boto3.client("s3", region_name="eu-south-2")
        client.create_bucket(Bucket="bucket", CreateBucketConfiguration={"LocationConstraint": "eu-south-2"})
        yield client


def test_tls_only_policy_does_not_block_the_emulator(patched_s3):
    patched_s3.put_bucket_policy(
        Bucket="bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": [TLS_ONLY]})
    )
    patched_s3.put_object(Bucket="bucket", Key="k", Body=b"v")
    assert patched_s3.get_object(Bucket="bucket", Key="k")["Body"].read() == b"v"


def test_unconditional_deny_is_still_enforced(patched_s3):
    patched_s3.put_bucket_policy(
        Bucket="bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": [TLS_ONLY, DENY_PUT]})
    )
    with pytest.raises(ClientError) as raised:
        patched_s3.put_object(Bucket="bucket", Key="k", Body=b"v")
    assert raised.value.response["Error"]["Code"] in ("403", "AccessDenied")


@pytest.fixture
def patched_lambda_and_sqs(monkeypatch):
    # monkeypatch restores moto's own methods after the test.
    for name in ("__init__", "update_configuration", "get_configuration"):
        monkeypatch.setattr(LambdaFunction, name, getattr(LambdaFunction, name))
    monkeypatch.setattr(Queue, "attributes", Queue.attributes)
    install_lambda_logging_config_patch()
    install_sqs_redrive_policy_patch()
    with mock_aws():
        yield


def test_lambda_functions_return_their_logging_config_like_aws(patched_lambda_and_sqs):
    iam = boto3.client("iam", region_name="eu-south-2")
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam = boto3.client("lambda", region_name="eu-south-2")
    common = {
        "Role": role,
        "PackageType": "Image",
        "Code": {"ImageUri": "123456789012.dkr.ecr.eu-south-2.amazonaws.com/r:t"},
    }
    json_logs = {
        "LogFormat": "JSON",
        "LogGroup": "/acogida/f",
        "ApplicationLogLevel": "INFO",
        "SystemLogLevel": "WARN",
    }
    lam.create_function(FunctionName="f", LoggingConfig=json_logs, **common)
    assert lam.get_function(FunctionName="f")["Configuration"]["LoggingConfig"] == json_logs
    lam.update_function_configuration(FunctionName="f", LoggingConfig={"LogFormat": "Text", "LogGroup": "/x"})
    assert lam.get_function_configuration(FunctionName="f")["LoggingConfig"] == {
        "LogFormat": "Text",
        "LogGroup": "/x",
    }
    lam.create_function(FunctionName="g", **common)
    assert lam.get_function(FunctionName="g")["Configuration"]["LoggingConfig"] == {
        "LogFormat": "Text",
        "LogGroup": "/aws/lambda/g",
    }


def test_sqs_redrive_policy_comes_back_compact_like_aws(patched_lambda_and_sqs):
    sqs = boto3.client("sqs", region_name="eu-south-2")
    dlq_arn = sqs.get_queue_attributes(
        QueueUrl=sqs.create_queue(QueueName="dlq")["QueueUrl"], AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}, separators=(",", ":"))
    url = sqs.create_queue(QueueName="q", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    assert (
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])["Attributes"][
            "RedrivePolicy"
        ]
        == policy
    )


@pytest.fixture
def patched_stream_mapping(monkeypatch):
    monkeypatch.setattr(LambdaBackend, "send_dynamodb_items", LambdaBackend.send_dynamodb_items)
    install_disabled_stream_mapping_patch()
    with mock_aws():
        yield


def test_a_disabled_stream_mapping_invokes_nothing_and_the_records_stay_readable(patched_stream_mapping):
    region = "eu-south-2"
    dynamodb = boto3.client("dynamodb", region_name=region)
    stream_arn = dynamodb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]
    role = boto3.client("iam", region_name=region).create_role(RoleName="r", AssumeRolePolicyDocument="{}")
    lam = boto3.client("lambda", region_name=region)
    lam.create_function(
        FunctionName="export",
        Role=role["Role"]["Arn"],
        PackageType="Image",
        Code={"ImageUri": "123456789012.dkr.ecr.eu-south-2.amazonaws.com/export:t"},
    )
    lam.create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName="export", StartingPosition="TRIM_HORIZON", Enabled=False
    )
    # Without the patch moto tries to run the image function here and the write fails.
    dynamodb.put_item(TableName="t", Item={"id": {"S": "1"}})
    # moto's in-process mock serves no DescribeStream: read the shard the server's GetRecords reads.
    shard = dynamodb_backends["123456789012"][region].get_table("t").stream_shard
    records = [record.to_json() for record in shard.items]
    assert [record["eventName"] for record in records] == ["INSERT"]


def test_athena_named_queries_can_be_deleted_like_on_aws(monkeypatch):
    monkeypatch.delattr(AthenaResponse, "delete_named_query", raising=False)
    install_athena_delete_named_query_patch()
    with mock_aws():
        athena = boto3.client("athena", region_name="eu-south-2")
        athena.create_work_group(Name="wg")
        query_id = athena.create_named_query(Name="q", Database="db", QueryString="SELECT 1", WorkGroup="wg")[
            "NamedQueryId"
        ]
        athena.delete_named_query(NamedQueryId=query_id)
        assert athena.list_named_queries(WorkGroup="wg")["NamedQueryIds"] == []


def test_lambda_refuses_an_image_that_is_not_in_ecr_like_aws(monkeypatch):
    monkeypatch.setenv("MOTO_LAMBDA_STUB_ECR", "true")  # restored after the test
    require_lambda_images_in_ecr()
    with mock_aws():
        region = "eu-south-2"
        role = boto3.client("iam", region_name=region).create_role(
            RoleName="r", AssumeRolePolicyDocument="{}"
        )
        ecr = boto3.client("ecr", region_name=region)
        url = ecr.create_repository(repositoryName="fn")["repository"]["repositoryUri"]
        lam = boto3.client("lambda", region_name=region)
        common = {"Role": role["Role"]["Arn"], "PackageType": "Image"}
        with pytest.raises(ClientError, match=r"ImageNotFoundException"):
            lam.create_function(FunctionName="f", Code={"ImageUri": f"{url}@sha256:{'0' * 64}"}, **common)
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {
                    "mediaType": "application/vnd.docker.container.image.v1+json",
                    "size": 2,
                    "digest": "sha256:" + "1" * 64,
                },
                "layers": [],
            }
        )
        digest = ecr.put_image(repositoryName="fn", imageManifest=manifest, imageTag="t")["image"]["imageId"][
            "imageDigest"
        ]
        lam.create_function(FunctionName="f", Code={"ImageUri": f"{url}@{digest}"}, **common)
        assert lam.get_function(FunctionName="f")["Code"]["ImageUri"] == f"{url}@{digest}"


def test_the_emulator_keeps_no_list_of_every_model_ever_created():
    """Moto tracks every model instance for its dashboard and never lets go (about 4 MB per intake
    of the reliability load); the emulator's patch stops that. In a subprocess: the patch is global."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    script = """
from acogida.local.emulator import install_untracked_models_patch
from moto.s3.models import FakeKey
from moto.sqs.models import Message
install_untracked_models_patch()
key = FakeKey("k", b"v", account_id="123456789012", region_name="eu-south-2")
message = Message("id", "body")
assert key.value == b"v" and message.body == "body"
print(len(FakeKey.instances_tracked), len(Message.instances_tracked))
"""
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert completed.stdout.split() == ["0", "0"]


def test_the_object_lock_configuration_of_a_bucket_with_objects_changes_like_on_aws(monkeypatch):
    """Destroying the local workspace removes the audit bucket's default retention while events
    are still in it: AWS allows that (versioning is the only requirement), stock moto does not."""
    from moto.s3.models import S3Backend  # noqa: PLC0415

    monkeypatch.setattr(S3Backend, "put_object_lock_configuration", S3Backend.put_object_lock_configuration)
    install_object_lock_configuration_patch()
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-south-2")
        s3.create_bucket(
            Bucket="audit",
            CreateBucketConfiguration={"LocationConstraint": "eu-south-2"},
            ObjectLockEnabledForBucket=True,
        )
        governance = {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}
        s3.put_object_lock_configuration(
            Bucket="audit", ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": governance}
        )
        s3.put_object(Bucket="audit", Key="events/e.json", Body=b"{}")
        s3.put_object_lock_configuration(
            Bucket="audit", ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"}
        )
        assert "Rule" not in s3.get_object_lock_configuration(Bucket="audit")["ObjectLockConfiguration"]
        # The object written under the rule keeps its retention.
        assert s3.head_object(Bucket="audit", Key="events/e.json")["ObjectLockMode"] == "GOVERNANCE"
        s3.create_bucket(Bucket="plain", CreateBucketConfiguration={"LocationConstraint": "eu-south-2"})
        with pytest.raises(ClientError):  # still refused without versioning, as on AWS
            s3.put_object_lock_configuration(
                Bucket="plain", ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": governance}
            )
