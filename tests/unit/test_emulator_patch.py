"""The one change local mode makes to moto: bucket-policy statements with conditions are not evaluated."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.s3.models import FakeBucket

from acogida.local.emulator import drop_conditional_statements, install_bucket_policy_patch

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
