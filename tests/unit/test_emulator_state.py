"""The emulator's state saved and loaded (acogida.local.emulator_state) in-process: what moto
holds that pickle cannot carry as is (SQS's locks, KMS's private keys, Lambda's weak index, S3's
spooled object bodies) comes back working."""

from __future__ import annotations

import boto3
from moto import mock_aws

from acogida.local.emulator_state import load_state, loaded_services, save_state

REGION = "eu-south-2"


def clients() -> dict[str, object]:
    return {name: boto3.client(name, region_name=REGION) for name in ("s3", "sqs", "kms", "dynamodb")}


def test_a_saved_state_is_the_same_state_after_loading(tmp_path, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    snapshot = tmp_path / "moto.state"
    with mock_aws():
        aws = clients()
        s3, sqs, kms, dynamodb = aws["s3"], aws["sqs"], aws["kms"], aws["dynamodb"]
        s3.create_bucket(Bucket="raw", CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_versioning(Bucket="raw", VersioningConfiguration={"Status": "Enabled"})
        s3.put_object(Bucket="raw", Key="a.csv", Body=b"one")
        s3.put_object(Bucket="raw", Key="a.csv", Body=b"two")
        queue = sqs.create_queue(QueueName="uploads")["QueueUrl"]
        sqs.send_message(QueueUrl=queue, MessageBody="hola")
        signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
        signature = kms.sign(KeyId=signing, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
        dynamodb.create_table(
            TableName="intakes",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        dynamodb.put_item(TableName="intakes", Item={"id": {"S": "1"}})
        assert {"s3", "sqs", "kms", "dynamodb"} <= set(loaded_services())
        assert save_state(snapshot) == snapshot.stat().st_size

    with mock_aws():  # a new process's empty moto
        aws = clients()
        assert aws["dynamodb"].list_tables()["TableNames"] == []
        assert sorted(load_state(snapshot)) == sorted(set(loaded_services()))
        s3, sqs, kms, dynamodb = aws["s3"], aws["sqs"], aws["kms"], aws["dynamodb"]
        assert s3.get_object(Bucket="raw", Key="a.csv")["Body"].read() == b"two"
        assert len(s3.list_object_versions(Bucket="raw")["Versions"]) == 2
        queue = sqs.get_queue_url(QueueName="uploads")["QueueUrl"]
        (message,) = sqs.receive_message(QueueUrl=queue)["Messages"]  # the queue's lock works again
        assert message["Body"] == "hola"
        assert kms.verify(
            KeyId=signing, Message=b"m", Signature=signature, SigningAlgorithm="RSASSA_PSS_SHA_256"
        )["SignatureValid"]
        kms.sign(KeyId=signing, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")  # the private key too
        assert dynamodb.get_item(TableName="intakes", Key={"id": {"S": "1"}})["Item"] == {"id": {"S": "1"}}
        s3.put_object(Bucket="raw", Key="b.csv", Body=b"new")  # and it keeps working
        assert dynamodb.describe_table(TableName="intakes")["Table"]["StreamSpecification"]["StreamEnabled"]


def test_a_snapshot_of_another_moto_version_is_refused_before_anything_loads(tmp_path, monkeypatch):
    import pickle  # noqa: PLC0415

    import pytest  # noqa: PLC0415

    from acogida.local import emulator_state  # noqa: PLC0415

    snapshot = tmp_path / "moto.state"
    with snapshot.open("wb") as handle:
        pickle.dump({"format": emulator_state.SNAPSHOT_FORMAT, "moto": "0.0.1"}, handle)
        handle.write(b"not a pickle: never read")
    with pytest.raises(emulator_state.SnapshotError, match=r"0\.0\.1"):
        load_state(snapshot)
    snapshot.write_bytes(b"garbage")
    with pytest.raises(emulator_state.SnapshotError, match="is not an emulator snapshot"):
        load_state(snapshot)


def test_an_unreadable_snapshot_is_set_aside_and_the_emulator_starts_empty(tmp_path, capsys):
    from acogida.local.emulator import restore_state  # noqa: PLC0415

    snapshot = tmp_path / "moto-5000.state"
    snapshot.write_bytes(b"damaged")

    def failing_load(path):
        raise ModuleNotFoundError("moto.some_renamed_module")

    restore_state(snapshot, failing_load)
    assert not snapshot.exists()
    assert (tmp_path / "moto-5000.state.unreadable").read_bytes() == b"damaged"
    assert "NOT loaded (ModuleNotFoundError" in capsys.readouterr().out
