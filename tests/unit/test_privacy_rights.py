"""The rights of access and erasure against moto: two people, A and B, with drafts and submitted
intakes (transcripts, audio, idempotency records), exported lake rows under two key versions, a
bulk upload mixing them and a pending upload file. After erase(A) nothing of A is left in any
table or any object version, B's data is byte for byte what it was, and the demand recomputes."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from acogida.adapters.audit_log import S3AuditLog
from acogida.adapters.privacy_stores import (
    DynamoIdempotencyTable,
    DynamoIntakeTable,
    S3VersionedBucket,
    keyring_from_secret,
)
from acogida.cli import main
from acogida.etl.run import run_etl
from acogida.etl.workforce import load_workforce_config
from acogida.export import bulk_upload
from acogida.export.submission import key_version_metadata, object_key, submission_row, to_csv
from acogida.handlers import intake_api, privacy_api
from acogida.local.events import http_api_event
from acogida.local.lambda_context import LocalLambdaContext
from acogida.privacy import commands as privacy_commands
from acogida.privacy.audit import AuditAction
from acogida.privacy.keyring import KeyRing
from acogida.privacy.rights import (
    UPLOADS_PREFIX,
    Actor,
    PersonStores,
    RightsRequestError,
    erase_person,
    export_person,
    find_person,
    requested_document,
    without_rows,
)
from tests.unit.aws_fixtures import (
    AUDIO_BUCKET,
    AUDIT_BUCKET,
    IDEMPOTENCY_TABLE,
    INTAKES_TABLE,
    JOB_PREFIX,
    LAKE_SECRET,
    RAW_BUCKET,
    REGION,
    TRANSCRIPTS_BUCKET,
)

SECOND_SECRET = "r" * 48
TECHNICIAN = {"sub": "tech-0001", "cognito:groups": "[technician]", "custom:office": "madrid-centro"}
DPO = Actor(actor="cli:arn:aws:iam::123456789012:user/dpo", source="cli")
NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)

PEOPLE = {
    "A": {
        "segments": [
            ("staff", "Buenos días. ¿Cómo se llama usted?"),
            ("person", "Me llamo Fatima Zahra El Amrani."),
            ("person", "Sí, el NIE es equis uno dos tres cuatro cinco seis siete ele."),
            ("person", "El quince de agosto del noventa y dos. Soy marroquí."),
            ("person", "Seis uno dos, tres cuatro cinco, seis siete ocho."),
            ("person", "Vivo en Getafe con mi marido y mis dos hijos, necesitamos comida y un abogado."),
        ],
        "document": "X1234567L",
        "traces": ["X1234567L", "Fatima", "Amrani", "612345678", "seis siete ocho"],
    },
    "B": {
        "segments": [
            ("person", "Me llamo Jorge Pérez Gil. Mi DNI es 12345678Z."),
            ("person", "Nací el 3 de marzo de 1980. Soy de Colombia. Mi teléfono es 699 111 222."),
            ("person", "Vivo en Leganés, somos dos, necesitamos vivienda."),
        ],
        "document": "12345678Z",
        "traces": ["12345678Z", "Jorge", "Pérez", "699111222"],
    },
}


def call(method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    event = http_api_event(
        method, path, claims=TECHNICIAN, body=None if body is None else json.dumps(body), headers=headers
    )
    response = intake_api.handler(event, LocalLambdaContext("intake_api"))
    return response["statusCode"], json.loads(response["body"])


def new_intake(person: str, key: str, *, submit: bool) -> dict[str, Any]:
    status, view = call("POST", "/intakes", headers={"Idempotency-Key": key})
    assert status == 201, view
    intake_id = view["intake_id"]
    for sequence, (speaker, text) in enumerate(PEOPLE[person]["segments"]):
        status, view = call(
            "POST", f"/intakes/{intake_id}/segments", {"sequence": sequence, "speaker": speaker, "text": text}
        )
        assert status == 200, view
    if submit:
        status, view = call("POST", f"/intakes/{intake_id}/submit")
        assert status == 200, view
    status, view = call("GET", f"/intakes/{intake_id}")
    assert status == 200
    return view


class World:
    """Both people's data in every store, and what the stores held before an erasure."""

    def __init__(self, intake_stores: Any, lake_stores: Any) -> None:
        self.s3 = intake_stores.s3
        self.audio_s3 = intake_stores.audio_s3
        self.dynamodb = intake_stores.dynamodb
        self.raw_kms = lake_stores.kms_key_arn
        self.ring_v1 = KeyRing.from_secret(LAKE_SECRET.decode())
        self.ring = self.ring_v1.rotated(SECOND_SECRET)
        secrets = boto3.client("secretsmanager", region_name=REGION)
        secrets.put_secret_value(SecretId=lake_stores.secret_arn, SecretString=self.ring.to_secret())
        # The audit bucket of the intake stores (Object Lock, governance mode).
        audit_kms = intake_stores.audit_kms_key_arn
        self.audit_kms = audit_kms
        self.stores = PersonStores(
            intakes=DynamoIntakeTable(self.dynamodb, INTAKES_TABLE),
            idempotency=DynamoIdempotencyTable(self.dynamodb, IDEMPOTENCY_TABLE),
            transcripts=S3VersionedBucket(self.s3, TRANSCRIPTS_BUCKET, intake_stores.kms_key_arn),
            audio=S3VersionedBucket(self.audio_s3, AUDIO_BUCKET, intake_stores.audio_kms_key_arn),
            raw=S3VersionedBucket(self.s3, RAW_BUCKET, self.raw_kms),
            audit=S3AuditLog(self.s3, AUDIT_BUCKET, audit_kms),
            keyring=keyring_from_secret(secrets, lake_stores.secret_arn),
            transcription_job_prefix=JOB_PREFIX,
        )
        self.views: dict[str, list[dict[str, Any]]] = {"A": [], "B": []}
        for person in ("A", "B"):
            self.views[person].append(new_intake(person, f"tablet-{person}-draft", submit=False))
            self.views[person].append(new_intake(person, f"tablet-{person}-submitted", submit=True))
        for person, views in self.views.items():
            for view in views:
                self._audio(view["intake_id"])
                if view["status"] == "submitted":
                    self._export(person, view)
        self._bulk_upload()

    def ids(self, person: str) -> list[str]:
        return [view["intake_id"] for view in self.views[person]]

    def _audio(self, intake_id: str) -> None:
        self.audio_s3.put_object(Bucket=AUDIO_BUCKET, Key=f"audio/{intake_id}/recording.webm", Body=b"RIFF")
        self.audio_s3.put_object(
            Bucket=AUDIO_BUCKET,
            Key=f"transcribe/{JOB_PREFIX}{intake_id}-0123456789abcdef.json",
            Body=json.dumps({"results": {"transcripts": [{"transcript": "texto"}]}}).encode(),
        )

    def _export(self, person: str, view: dict[str, Any]) -> None:
        """As export_submissions writes it: A's row under the current ring (version 2), B's as
        written before the rotation (version 1, not re-keyed yet)."""
        values = {name: field["value"] for name, field in view["fields"].items()}
        ring = self.ring if person == "A" else self.ring_v1
        row = submission_row(
            intake_id=view["intake_id"],
            submitted_at=view["submitted_at"],
            office=view["office"],
            duration_s=view["duration_s"],
            values=values,
            ring=ring,
        )
        key = object_key(view["intake_id"], view["submitted_at"])
        self.s3.put_object(
            Bucket=RAW_BUCKET, Key=key, Body=to_csv([row]), Metadata=key_version_metadata(ring.version)
        )

    def _bulk_upload(self) -> None:
        """An upload mixing A and B: processed into the lake (key version 1), and the same file
        still pending under uploads/ (not processed yet)."""
        upload = (
            "intake_id,submitted_at,office,document_type,document_number,birth_date,nationality,"
            "municipality,household_size,needs\n"
            "h-001,2025-03-02T09:30:00Z,madrid-centro,NIE,x-1234567-l,1992-08-15,MA,Getafe,4,food|legal\n"
            "h-002,2025-03-02T10:30:00Z,madrid-centro,DNI,12345678Z,1980-03-03,CO,Leganés,2,housing\n"
            "h-003,2025-03-03T10:30:00Z,madrid-centro,DNI,12345678Z,1980-03-03,CO,Leganés,2,housing\n"
            "h-004,2025-03-03T11:30:00Z,madrid-centro,NIE,X1234567L,1992-08-15,MA,Getafe,4,food\n"
            "h-005,2025-03-04T11:30:00Z,madrid-centro,NIE,X1234567L,1992-08-15,MA,Getafe,4,food\n"
        ).encode()
        result = bulk_upload.validate_upload(upload, ring=self.ring_v1, now=NOW)
        assert len(result.accepted) == 5, result.errors
        for key, body in bulk_upload.accepted_objects(result).items():
            self.s3.put_object(Bucket=RAW_BUCKET, Key=key, Body=body, Metadata=key_version_metadata(1))
        self.s3.put_object(Bucket=RAW_BUCKET, Key=f"{UPLOADS_PREFIX}historico-2025.csv", Body=upload)
        self.s3.put_object(
            Bucket=RAW_BUCKET,
            Key="rejected/historico-2025-0000.report.csv",
            Body=b"line,column,reason\n7,birth_date,is after submitted_at\n",
        )

    def every_version(self) -> dict[tuple[str, str], bytes]:
        """(bucket, key@version) → body of every version in every bucket; delete markers as b""."""
        held: dict[tuple[str, str], bytes] = {}
        for client, bucket in (
            (self.s3, TRANSCRIPTS_BUCKET),
            (self.audio_s3, AUDIO_BUCKET),
            (self.s3, RAW_BUCKET),
            (self.s3, AUDIT_BUCKET),
        ):
            listing = client.list_object_versions(Bucket=bucket)
            for version in listing.get("Versions", []):
                body = client.get_object(Bucket=bucket, Key=version["Key"], VersionId=version["VersionId"])
                held[(bucket, f"{version['Key']}@{version['VersionId']}")] = body["Body"].read()
            for marker in listing.get("DeleteMarkers", []):
                held[(bucket, f"{marker['Key']}@{marker['VersionId']}")] = b""
        return held

    def current_lake(self) -> dict[str, str]:
        listing = self.s3.list_objects_v2(Bucket=RAW_BUCKET, Prefix="submissions/").get("Contents", [])
        return {
            o["Key"]: self.s3.get_object(Bucket=RAW_BUCKET, Key=o["Key"])["Body"].read().decode()
            for o in listing
        }

    def table_items(self) -> str:
        items = []
        for table in (INTAKES_TABLE, IDEMPOTENCY_TABLE):
            items += self.dynamodb.scan(TableName=table)["Items"]
        return json.dumps(items, ensure_ascii=False)

    def traces(self, person: str, *, with_ids: bool = True) -> list[str]:
        document = PEOPLE[person]["document"]
        traces = [*PEOPLE[person]["traces"], *self.ring.person_keys(document).values()]
        return traces + (self.ids(person) if with_ids else [])


@pytest.fixture
def world(intake_stores, lake_stores) -> World:
    return World(intake_stores, lake_stores)


def call_privacy(route: str, body: Any, claims: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    event = http_api_event(
        "POST",
        f"/privacy/{route}",
        claims=claims or {"sub": "dpo-0001", "cognito:groups": "[dpo]"},
        body=body if isinstance(body, str) else json.dumps(body),
    )
    response = privacy_api.handler(event, LocalLambdaContext("privacy_api"))
    return response["statusCode"], json.loads(response["body"])


@pytest.fixture
def privacy_env(world, monkeypatch) -> World:
    monkeypatch.setenv("AUDIT_BUCKET", AUDIT_BUCKET)
    monkeypatch.setenv("AUDIT_KMS_KEY_ARN", world.audit_kms)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "privacy_api")
    return world


def test_the_api_answers_the_dpo_only(privacy_env, caplog):
    body = {"document_number": "x1234567l", "reason": "art. 17.1.b"}
    for claims in (TECHNICIAN, {"sub": "coord", "cognito:groups": "[coordinator]", "custom:office": "m"}):
        status, answer = call_privacy("erasure", body, claims)
        assert (status, answer["error"]) == (403, "forbidden")
        status, answer = call_privacy("access", body, claims)
        assert status == 403
    status, export = call_privacy("access", {"document_number": "X1234567L"})
    assert status == 200
    assert export["intakes"] == sorted(privacy_env.views["A"], key=lambda view: view["intake_id"])
    status, refused = call_privacy("erasure", {"document_number": "X1234567L"})
    assert (status, refused["field"]) == (422, "reason")
    status, refused = call_privacy("erasure", {"document_number": "X12", "reason": "art. 17"})
    assert (status, refused["field"]) == (422, "document_number")
    status, refused = call_privacy("erasure", {"document": "X1234567L", "reason": "art. 17"})
    assert status == 422
    assert "X1234567L" not in json.dumps(refused)
    status, receipt = call_privacy("erasure", body)
    assert status == 200
    assert sorted(receipt["intakes"]["deleted"]) == sorted(privacy_env.ids("A"))
    status, again = call_privacy("erasure", body)
    assert (status, again["found"]) == (200, False)
    logged = caplog.text
    for trace in ("X1234567L", "x1234567l", "Fatima", "art. 17.1.b"):
        assert trace not in logged


def test_the_document_number_is_checked_and_normalised():
    assert requested_document(" x-1234567-l ") == "X1234567L"
    for bad in ("", "   ", "X12", "ABCDEFGH", "X1234567L; DROP", None, 1234567):
        with pytest.raises(RightsRequestError) as refused:
            requested_document(bad)
        assert refused.value.field == "document_number"


def test_the_uploads_prefix_is_the_bulk_uploads():
    assert UPLOADS_PREFIX == bulk_upload.UPLOADS_PREFIX


def test_rows_are_removed_byte_for_byte():
    content = b'intake_id,person_key,needs\r\na,k1,"food|\nlegal"\r\nb,k2,x\r\nc,k1,y'
    kept, count, dropped = without_rows(content, lambda row: row["person_key"] == "k1")
    assert kept == b"intake_id,person_key,needs\r\nb,k2,x\r\n"
    assert (count, dropped) == (1, 2)


def test_find_reaches_every_store(world):
    found = find_person(world.stores, requested_document("x1234567l"))
    assert sorted(found.intake_ids) == sorted(world.ids("A"))
    assert len(found.idempotency_ids) == 3  # two creates and a submit with their answers
    assert {v.key.split("/")[0] for v in found.transcript_versions} == {"drafts", "redacted"}
    assert len([v for v in found.audio_versions if not v.is_delete_marker]) == 4
    # A's exported intake (key version 2) and three rows of the shared upload objects (version 1).
    assert sum(len(match.matched_rows) for match in found.lake) == 4
    assert [match.version.key for match in found.uploads] == ["uploads/historico-2025.csv"]
    assert len(found.uploads[0].matched_rows) == 3


def test_export_returns_what_the_intake_api_returns(world):
    export = export_person(world.stores, requested_document("X1234567L"), DPO, NOW)
    api_views = sorted(world.views["A"], key=lambda view: view["intake_id"])
    assert export["intakes"] == api_views
    submitted = next(view for view in api_views if view["status"] == "submitted")
    draft = next(view for view in api_views if view["status"] == "draft")
    assert export["transcripts"][submitted["intake_id"]]["kind"] == "redacted"
    assert "Fatima" not in export["transcripts"][submitted["intake_id"]]["text"]
    assert export["transcripts"][draft["intake_id"]]["kind"] == "draft"
    assert len(export["transcripts"][draft["intake_id"]]["segments"]) == len(PEOPLE["A"]["segments"])
    assert sorted(export["audio_objects"]) == sorted(world.ids("A"))
    assert len(export["lake_rows"]) == 4
    assert all(
        row["row"]["person_key"] in world.ring.person_keys("X1234567L").values()
        for row in export["lake_rows"]
    )
    assert len(export["pending_upload_rows"]) == 3
    for person in ("B",):
        assert not any(trace in json.dumps(export, ensure_ascii=False) for trace in world.traces(person))
    events = [e for e in world.stores.audit.history("none") if e.action == AuditAction.ACCESS_REQUEST]
    assert len(events) == 1
    recorded = json.dumps(events[0].to_json())
    assert "X1234567L" not in recorded
    assert sorted(events[0].details["intake_ids"]) == sorted(world.ids("A"))


def test_erase_leaves_nothing_of_a_and_everything_of_b(world, tmp_path: Path):
    before = world.every_version()
    lake_before = world.current_lake()
    b_versions = {
        where: body
        for where, body in before.items()
        if any(trace.encode() in body for trace in world.traces("B"))
        and not any(trace.encode() in body for trace in world.traces("A"))
    }
    receipt = erase_person(world.stores, "X1234567L", "Art. 17.1.b: consent withdrawn (case 42)", DPO, NOW)
    assert receipt["found"] is True
    assert sorted(receipt["intakes"]["deleted"]) == sorted(world.ids("A"))
    assert receipt["lake"]["rows_removed"] == 4
    assert receipt["uploads"]["rows_removed"] == 3
    text = json.dumps(receipt, ensure_ascii=False)
    assert not any(trace in text for trace in world.traces("A", with_ids=False))
    assert "case 42" not in text

    after = world.every_version()
    tables = world.table_items()
    for trace in world.traces("A"):
        assert trace not in tables, trace
        for (bucket, where), body in after.items():
            if bucket == AUDIT_BUCKET and trace in world.ids("A"):
                continue  # the audit trail keeps the intake ids (never personal data) by design
            assert trace not in where, (bucket, where, trace)
            assert trace.encode() not in body, (bucket, where, trace)
    assert all(trace in tables for trace in ("12345678Z", "Jorge"))
    for where, body in b_versions.items():
        assert after[where] == body, where
    # B's rows are still in every shared lake object, byte for byte.
    lake_after = world.current_lake()
    for key, body in lake_before.items():
        b_lines = [line for line in body.splitlines() if not any(t in line for t in world.traces("A"))]
        if len(b_lines) > 1:
            assert lake_after[key].splitlines() == b_lines, key
        else:
            assert key not in lake_after
    upload = world.s3.get_object(Bucket=RAW_BUCKET, Key="uploads/historico-2025.csv")["Body"].read().decode()
    assert [line[:5] for line in upload.splitlines()] == ["intak", "h-002", "h-003"]
    # A rewritten object keeps the key version its rows were written under (key rotation reads it).
    for key in receipt["lake"]["objects_rewritten"]:
        assert world.s3.head_object(Bucket=RAW_BUCKET, Key=key)["Metadata"] == key_version_metadata(1)
    assert receipt["lake"]["objects_rewritten"]
    # Old versions of rewritten objects are gone: each remaining key has exactly one version.
    raw_keys = [where.split("@")[0] for bucket, where in after if bucket == RAW_BUCKET]
    assert len(raw_keys) == len(set(raw_keys))

    # The demand series recompute from what remains.
    lake_dir = tmp_path / "raw"
    for key, body in lake_after.items():
        (lake_dir / key).parent.mkdir(parents=True, exist_ok=True)
        (lake_dir / key).write_text(body, encoding="utf-8")
    summary = run_etl(
        lake_dir,
        tmp_path / "out",
        load_workforce_config(),
        engine="pandas",
        plot=False,
        progress=lambda _: None,
    )
    assert summary.intakes == 3  # B's submitted intake and B's two uploaded rows
    assert summary.series > 0

    # Audit: one ERASURE per intake and one for the request, without the person's data.
    events = [e for e in _all_events(world) if e.action == AuditAction.ERASURE]
    assert sorted(e.intake_id for e in events if e.intake_id) == sorted(world.ids("A"))
    assert len([e for e in events if e.intake_id is None]) == 1
    assert not any(
        trace in json.dumps([e.to_json() for e in events]) for trace in world.traces("A", with_ids=False)
    )


def test_a_second_erase_finds_nothing(world):
    erase_person(world.stores, "X1234567L", "art. 17", DPO, NOW)
    held = world.every_version()
    again = erase_person(world.stores, "x1234567l", "art. 17", DPO, NOW)
    assert again["found"] is False
    assert "nothing" in again["message"]
    assert {k: v for k, v in world.every_version().items() if k[0] != AUDIT_BUCKET} == {
        k: v for k, v in held.items() if k[0] != AUDIT_BUCKET
    }


def test_an_erasure_cut_short_completes_when_run_again(world, monkeypatch):
    original = world.stores.transcripts.delete_versions

    def fail(_versions):
        raise ConnectionError("network down")

    monkeypatch.setattr(world.stores.transcripts, "delete_versions", fail)
    with pytest.raises(ConnectionError):
        erase_person(world.stores, "X1234567L", "art. 17", DPO, NOW)
    assert "Fatima" in world.table_items()  # the records that find the rest are still there
    monkeypatch.setattr(world.stores.transcripts, "delete_versions", original)
    receipt = erase_person(world.stores, "X1234567L", "art. 17", DPO, NOW)
    assert receipt["found"] is True
    assert receipt["lake"]["rows_removed"] == 0  # done by the first run
    assert not any(t in world.table_items() for t in world.traces("A"))


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_erase_refuses_without_a_reason(world, reason):
    with pytest.raises(RightsRequestError) as refused:
        erase_person(world.stores, "X1234567L", reason, DPO, NOW)  # type: ignore[arg-type]
    assert refused.value.field == "reason"
    assert "Fatima" in world.table_items()


def _all_events(world: World) -> list[Any]:
    from acogida.privacy.audit import AuditEvent  # noqa: PLC0415

    listing = world.s3.list_objects_v2(Bucket=AUDIT_BUCKET).get("Contents", [])
    return [
        AuditEvent.from_json(
            json.loads(world.s3.get_object(Bucket=AUDIT_BUCKET, Key=o["Key"])["Body"].read())
        )
        for o in listing
    ]


def test_the_cli_refuses_a_missing_or_empty_reason_and_a_malformed_document(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["privacy", "erase", "--document-number", "X1234567L"])
    assert raised.value.code == 2
    assert "--reason" in capsys.readouterr().err
    assert main(["privacy", "erase", "--document-number", "X1234567L", "--reason", "  "]) == 2
    assert "--reason: required" in capsys.readouterr().err
    assert main(["privacy", "export", "--document-number", "X-12"]) == 2
    assert "--document-number: not a document number" in capsys.readouterr().err


def test_the_cli_erases_with_yes_and_asks_otherwise(world, monkeypatch, capsys):
    monkeypatch.setattr(
        privacy_commands,
        "environment_stores",
        lambda _toolchain, _env: privacy_commands.EnvironmentStores(world.stores, DPO),
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["privacy", "erase", "--document-number", "X1234567L", "--reason", "art. 17"]) == 2
    assert "confirm with --yes" in capsys.readouterr().err
    assert "Fatima" in world.table_items()
    assert main(["privacy", "export", "--document-number", "X1234567L"]) == 0
    assert len(json.loads(capsys.readouterr().out)["intakes"]) == 2
    assert main(["privacy", "erase", "--document-number", "X1234567L", "--reason", "art. 17", "--yes"]) == 0
    receipt = json.loads(capsys.readouterr().out)
    assert sorted(receipt["intakes"]["deleted"]) == sorted(world.ids("A"))
    assert "Fatima" not in world.table_items()


def test_the_cli_reads_the_audit_bucket_from_the_outputs_when_there_is_one():
    outputs: dict[str, Any] = {
        "lambda_environments": {"privacy_api": {"AUDIT_BUCKET": "from-env", "RAW_BUCKET": "r"}}
    }
    assert privacy_commands.privacy_api_environment(outputs)["AUDIT_BUCKET"] == "from-env"
    outputs["audit_bucket"] = "from-output"
    assert privacy_commands.privacy_api_environment(outputs) == {
        "AUDIT_BUCKET": "from-output",
        "RAW_BUCKET": "r",
    }
    with pytest.raises(RightsRequestError):
        privacy_commands.privacy_api_environment({"lambda_environments": {}})
