"""Malformed requests against every route of the local HTTP API, and what must come back: a 4xx
with a JSON reason (``{"message": ...}``, from the gateway or the handler), never a 5xx, never a
request that hangs or drops the connection.

``probes`` builds the set: broken JSON, wrong types, missing and extra fields, huge bodies (over
the handler's 64 KiB and over API Gateway's 10 MB), invalid dates and timezone tricks, unicode edge
cases (lone surrogates, RTL overrides, zero-width and combining characters, NUL, overlong UTF-8,
emoji), formula-injection strings, path tricks in ids, wrong methods, bad idempotency keys and
authentication edge cases. ``send`` puts each on the wire byte for byte (``http.client``, so that
invalid bytes and headers go as written). The bulk-upload path (CSV files under ``uploads/``)
has its own set, ``upload_probes``: files that must be refused whole or row by row.

No probe is valid: whatever one of them got past validation would show as a write (the caller
compares the tables and buckets before and after).
"""

from __future__ import annotations

import base64
import http.client
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from acogida.handlers.intake_api import MAX_BODY_BYTES
from acogida.intake.record import MAX_SEGMENT_CHARS
from acogida.local.api import MAX_REQUEST_BYTES

FORMULAS = ("=cmd|' /C calc'!A0", "+SUM(A1:A9)", "-2+3+cmd|' /C calc'!A0", "@SUM(1,1)", '=HYPERLINK("x")')
UNICODE_TRICKS = {
    "lone surrogate": "\\ud800",  # JSON escapes: the string holds an unpaired surrogate
    "reversed surrogates": "\\udc00\\ud800",
    "RTL override": "Ana\u202eZ87654321",
    "zero-width space": "\u200b",
    "zero-width joiner only": "\u200d\u200d",
    "combining marks only": "\u0301\u0301\u0301",
    "NUL": "Ana\\u0000Pérez",
    "emoji": "🙂🙂",
    "BOM": "\ufeff",
    "private use": "\ue000\ue001",
    "line separator": "\u2028",
}
INVALID_DATES = (
    "2026-02-30",
    "2025-02-29",
    "99999-01-01",
    "0000-01-01",
    "1899-12-31",
    "2999-01-01",
    "1990-13-01",
    "1990-1-1",
    "01/02/1990",
    "1990-01-01T00:00:00+25:00",
    "1990-01-01Z",
    "",
    "\u0661\u0669\u0669\u0660-\u0660\u0661-\u0660\u0661",  # 1990-01-01 in Arabic-Indic digits
)
BAD_TIMESTAMPS = (
    "2026-02-30T00:00:00Z",
    "2026-01-01T24:00:01Z",
    "2026-01-01T00:00:00+24:00",
    "2026-01-01T00:00:00-99:00",
    "99999-01-01T00:00:00Z",
    "yesterday",
    "2026-01-01T00:00:00Z\u0000",
)


@dataclass(frozen=True)
class Probe:
    category: str
    description: str
    method: str
    path: str  # as it goes on the wire (already percent-encoded where that is the trick)
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    identity: str = "technician"  # whose token: technician, coordinator, or none (headers say)


@dataclass(frozen=True)
class ProbeTargets:
    """Intakes the probes aim at: a draft of the technician's office (so that a probe gets past
    "no such intake" to the validation it means to test) and a submitted one."""

    draft_id: str
    submitted_id: str


@dataclass
class ProbeOutcome:
    probe: Probe
    status: int  # 0: no answer (connection dropped or timed out)
    reason: str  # the answer's "message" ("" when it had none)
    error: str = ""  # the answer's "error" code, when the handler gave one

    @property
    def acceptable(self) -> bool:
        return 400 <= self.status < 500 and bool(self.reason.strip())


def _json(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _raw_json(text: str) -> bytes:
    """A JSON text with escapes kept as written (lone surrogates cannot be encoded otherwise)."""
    return text.encode("utf-8")


def probes(targets: ProbeTargets) -> list[Probe]:  # noqa: PLR0912, PLR0915 - one list, grouped by category
    draft, submitted = targets.draft_id, targets.submitted_id
    segments, fields, submit = (
        f"/intakes/{draft}/segments",
        f"/intakes/{draft}/fields",
        f"/intakes/{draft}/submit",
    )
    found: list[Probe] = []

    def add(
        category: str, description: str, method: str, path: str, body: bytes | None = None, **kw: object
    ) -> None:
        found.append(Probe(category, description, method, path, body, **kw))  # type: ignore[arg-type]

    # Broken JSON on every route that takes a body.
    broken = {
        "unclosed object": b"{",
        "truncated": b'{"sequence": 0, "text": ',
        "array": b"[1, 2]",
        "string": b'"text"',
        "number": b"123",
        "two objects": b'{"a": 1}{"b": 2}',
        "single quotes": b"{'sequence': 0}",
        "NaN": b'{"sequence": NaN, "text": "x"}',
        "trailing comma": b'{"sequence": 0, "text": "x",}',
        "UTF-8 BOM": b'\xef\xbb\xbf{"sequence": 0, "text": "x"}',
        "UTF-16": '{"sequence": 0, "text": "x"}'.encode("utf-16"),
        "invalid UTF-8": b'{"sequence": 0, "text": "\xff\xfe\xfd"}',
        "overlong UTF-8 slash": b'{"sequence": 0, "text": "\xc0\xaf"}',
        "UTF-8 encoded surrogate": b'{"sequence": 0, "text": "\xed\xa0\x80"}',
        "NUL byte": b'{"sequence": 0,\x00 "text": "x"}',
        "comment": b'{"sequence": 0, /* x */ "text": "x"}',
    }
    for route, path in (
        ("create", "/intakes"),
        ("segment", segments),
        ("fields", fields),
        ("submit", submit),
    ):
        method = "PATCH" if route == "fields" else "POST"
        for description, body in broken.items():
            add("broken JSON", f"{route}: {description}", method, path, body)
    add("broken JSON", "segment: null", "POST", segments, b"null")
    add("broken JSON", "fields: null", "PATCH", fields, b"null")

    # Wrong types, missing and extra fields: a segment.
    segment_bodies = {
        "sequence as string": {"sequence": "0", "text": "hola"},
        "sequence fractional": {"sequence": 0.5, "text": "hola"},
        "sequence negative": {"sequence": -1, "text": "hola"},
        "sequence boolean": {"sequence": True, "text": "hola"},
        "sequence null": {"sequence": None, "text": "hola"},
        "sequence huge": {"sequence": 2**70, "text": "hola"},
        "text number": {"sequence": 0, "text": 123},
        "text list": {"sequence": 0, "text": ["hola"]},
        "text object": {"sequence": 0, "text": {"es": "hola"}},
        "text empty": {"sequence": 0, "text": ""},
        "text too long": {"sequence": 0, "text": "a" * (MAX_SEGMENT_CHARS + 1)},
        "speaker unknown": {"sequence": 0, "text": "hola", "speaker": "robot"},
        "speaker number": {"sequence": 0, "text": "hola", "speaker": 1},
        "extra field": {"sequence": 0, "text": "hola", "office": "otra"},
        "missing text": {"sequence": 0},
        "missing sequence": {"text": "hola"},
        "empty object": {},
        "sequence skips ahead": {"sequence": 7, "text": "hola"},
    }
    for description, document in segment_bodies.items():
        add("wrong types", f"segment: {description}", "POST", segments, _json(document))
    add("wrong types", "segment: sequence 1e309", "POST", segments, b'{"sequence": 1e309, "text": "x"}')
    # Unicode edge cases in a segment's text (the transcript) and in corrections.
    for description, text in UNICODE_TRICKS.items():
        if description in ("emoji", "private use"):
            continue  # text a person may say; valid in a transcript, refused in a name below
        add(
            "unicode",
            f"segment text: {description}",
            "POST",
            segments,
            _raw_json(f'{{"sequence": 0, "text": "{text}"}}'),
        )
    for description, text in UNICODE_TRICKS.items():
        for name in ("given_name", "surnames", "document_number"):
            add(
                "unicode",
                f"{name}: {description}",
                "PATCH",
                fields,
                _raw_json(f'{{"fields": {{"{name}": "{text}"}}}}'),
            )
        add(
            "unicode",
            f"municipality: {description}",
            "PATCH",
            fields,
            _raw_json(f'{{"fields": {{"municipality": "Getafe{text}x"}}}}'),
        )

    # Corrections: wrong types, invalid dates, formula injection.
    correction_bodies = {
        "fields empty": {"fields": {}},
        "fields a list": {"fields": ["nationality"]},
        "fields a string": {"fields": "nationality=ES"},
        "too many fields": {"fields": {f"field_{n}": "x" for n in range(17)}},
        "unknown field": {"fields": {"religion": "x"}},
        "document_valid is computed": {"fields": {"document_valid": True}},
        "household_size as string": {"fields": {"household_size": "3"}},
        "household_size zero": {"fields": {"household_size": 0}},
        "household_size 31": {"fields": {"household_size": 31}},
        "household_size fractional": {"fields": {"household_size": 2.5}},
        "household_size boolean": {"fields": {"household_size": True}},
        "needs as string": {"fields": {"needs": "legal"}},
        "needs unknown": {"fields": {"needs": ["weapons"]}},
        "needs nested": {"fields": {"needs": [["legal"]]}},
        "nationality unknown": {"fields": {"nationality": "XX"}},
        "nationality number": {"fields": {"nationality": 34}},
        "document_type unknown": {"fields": {"document_type": "CARNET"}},
        "phone letters": {"fields": {"phone": "six one two"}},
        "phone too long": {"fields": {"phone": "+3461234567890123"}},
        "name with digits": {"fields": {"given_name": "Ana2"}},
        "name too long": {"fields": {"given_name": "A" * 121}},
        "name empty": {"fields": {"given_name": "   "}},
        "extra top-level field": {"fields": {"nationality": "ES"}, "office": "otra"},
        "missing fields": {"corrections": {"nationality": "ES"}},
    }
    for description, document in correction_bodies.items():
        add("wrong types", f"fields: {description}", "PATCH", fields, _json(document))
    for date in INVALID_DATES:
        add("invalid dates", f"birth_date {date!r}", "PATCH", fields, _json({"fields": {"birth_date": date}}))
    for formula in FORMULAS:
        for name in ("given_name", "surnames", "municipality", "nationality", "document_number", "phone"):
            add(
                "formula injection",
                f"{name} {formula!r}",
                "PATCH",
                fields,
                _json({"fields": {name: formula}}),
            )
        add(
            "formula injection",
            f"needs [{formula!r}]",
            "PATCH",
            fields,
            _json({"fields": {"needs": [formula]}}),
        )

    # Submit: wrong types (a valid body would submit the draft).
    for description, document in {
        "confirm as string": {"confirm_invalid_document": "true"},
        "confirm as number": {"confirm_invalid_document": 1},
        "extra field": {"confirm_invalid_document": False, "submitted_by": "otro"},
    }.items():
        add("wrong types", f"submit: {description}", "POST", submit, _json(document))
    add("wrong types", "create: extra field", "POST", "/intakes", _json({"office": "otra"}))
    add("wrong types", "create: formula", "POST", "/intakes", _json({"name": FORMULAS[0]}))

    # Huge bodies: over the handler's limit, and over API Gateway's.
    over_handler = _json({"sequence": 0, "text": "a" * MAX_BODY_BYTES})
    add("huge bodies", "segment over the handler's 64 KiB", "POST", segments, over_handler)
    add(
        "huge bodies",
        "fields over the handler's 64 KiB",
        "PATCH",
        fields,
        _json({"fields": {"given_name": "a" * MAX_BODY_BYTES}}),
    )
    add("huge bodies", "create over the handler's 64 KiB", "POST", "/intakes", b" " * (MAX_BODY_BYTES + 1))
    add("huge bodies", "segment of 1 MiB", "POST", segments, _json({"sequence": 0, "text": "ñ" * (1 << 19)}))
    add("huge bodies", "segment over API Gateway's 10 MB", "POST", segments, b"a" * (MAX_REQUEST_BYTES + 1))
    nested = 25_000  # under the 64 KiB limit, far over what a recursive parser takes
    add(
        "huge bodies",
        "deeply nested JSON",
        "PATCH",
        fields,
        b'{"fields": ' + b"[" * nested + b"]" * nested + b"}",
    )

    # Path tricks in ids.
    ids = {
        "dot-dot": "..",
        "encoded dot-dot": "%2e%2e",
        "encoded slash": f"{draft[:16]}%2f{draft[16:]}",
        "traversal": "..%2f..%2fetc%2fpasswd",
        "upper-case hex": draft.upper(),
        "31 characters": draft[:31],
        "33 characters": draft + "0",
        "NUL": f"{draft[:31]}%00",
        "unicode digits": quote("\u0660" * 32),
        "very long": "a" * 4096,
        "not hex": "g" * 32,
        "another office's id shape": "0" * 32,
    }
    for description, intake_id in ids.items():
        add("path tricks", f"read {description}", "GET", f"/intakes/{intake_id}")
        add(
            "path tricks",
            f"segment {description}",
            "POST",
            f"/intakes/{intake_id}/segments",
            _json({"sequence": 0, "text": "hola"}),
        )
        add(
            "path tricks",
            f"fields {description}",
            "PATCH",
            f"/intakes/{intake_id}/fields",
            _json({"fields": {"nationality": "ES"}}),
        )
        add("path tricks", f"submit {description}", "POST", f"/intakes/{intake_id}/submit")
    add("path tricks", "run id traversal", "GET", "/mlops/runs/..%2f..%2fsecrets", identity="coordinator")
    add("path tricks", "run id not a uuid", "GET", "/mlops/runs/not-a-run", identity="coordinator")
    add("path tricks", "trailing segments", "GET", f"/intakes/{draft}/segments/0")

    # The submitted intake is final.
    add(
        "state",
        "segment on a submitted intake",
        "POST",
        f"/intakes/{submitted}/segments",
        _json({"sequence": 3, "text": "hola"}),
    )
    add(
        "state",
        "correction on a submitted intake",
        "PATCH",
        f"/intakes/{submitted}/fields",
        _json({"fields": {"nationality": "ES"}}),
    )

    # Queries: invalid dates and timezone tricks, limits, cursors.
    for date in INVALID_DATES:
        if date and date not in ("1899-12-31", "2999-01-01"):  # real days: a list of them is empty
            add("invalid dates", f"list date={date!r}", "GET", f"/intakes?date={quote(date)}")
    for stamp in BAD_TIMESTAMPS:
        add(
            "invalid dates",
            f"list from={stamp!r}",
            "GET",
            f"/intakes?from={quote(stamp)}&to=2026-01-02T00:00:00Z",
        )
    for description, query in {
        "from without to": "from=2026-01-01T00:00:00Z",
        "to before from": "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
        "range over 31 days": "from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z",
        "date and range": "date=2026-01-01&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z",
        "limit 0": "limit=0",
        "limit negative": "limit=-1",
        "limit 101": "limit=101",
        "limit words": "limit=ten",
        "limit exponent": "limit=1e3",
        "cursor garbage": "cursor=%%%",
        "cursor not JSON": "cursor=" + base64.urlsafe_b64encode(b"hola").decode(),
        "cursor of another office": "cursor="
        + base64.urlsafe_b64encode(
            json.dumps(
                {"intake_id": "0" * 32, "office": "otra-oficina", "created_at": "2026-01-01T00:00:00.000Z"}
            ).encode()
        ).decode(),
    }.items():
        add("queries", f"list {description}", "GET", f"/intakes?{query}")
    forecast = "/forecast?workforce_type=lawyer&start=2026-01-01&end=2026-01-07"
    for description, query in {
        "no workforce type": "start=2026-01-01&end=2026-01-07",
        "unknown workforce type": "workforce_type=astronaut&start=2026-01-01&end=2026-01-07",
        "formula workforce type": f"workforce_type={quote(FORMULAS[0])}&start=2026-01-01&end=2026-01-07",
        "start 2026-02-30": "workforce_type=lawyer&start=2026-02-30&end=2026-03-07",
        "start 99999-01-01": "workforce_type=lawyer&start=99999-01-01&end=99999-01-07",
        "start not padded": "workforce_type=lawyer&start=2026-1-1&end=2026-01-07",
        "end before start": "workforce_type=lawyer&start=2026-01-07&end=2026-01-01",
        "range too long": "workforce_type=lawyer&start=2026-01-01&end=2027-01-01",
        "history_days negative": "workforce_type=lawyer&start=2026-01-01&end=2026-01-07&history_days=-1",
        "history_days too many": "workforce_type=lawyer&start=2026-01-01&end=2026-01-07&history_days=999",
        "another office": "workforce_type=lawyer&start=2026-01-01&end=2026-01-07&location=otra-oficina",
        "traversal location": "workforce_type=lawyer&start=2026-01-01&end=2026-01-07&location=..%2F..",
    }.items():
        add("queries", f"forecast {description}", "GET", f"/forecast?{query}")

    # Wrong methods and routes.
    for method, path in (
        ("PUT", "/intakes"),
        ("DELETE", f"/intakes/{draft}"),
        ("PATCH", "/intakes"),
        ("GET", f"/intakes/{draft}/submit"),
        ("GET", f"/intakes/{draft}/segments"),
        ("POST", f"/intakes/{draft}"),
        ("DELETE", "/forecast"),
        ("POST", "/forecast"),
        ("PUT", "/mlops/runs"),
        ("GET", "/admin"),
        ("GET", "/"),
    ):
        add("wrong methods", f"{method} {path.replace(draft, '{id}')}", method, path)

    # Groups: each route refuses the group it does not serve.
    add("authorisation", "coordinator creates an intake", "POST", "/intakes", identity="coordinator")
    add(
        "authorisation",
        "coordinator appends a segment",
        "POST",
        segments,
        _json({"sequence": 0, "text": "hola"}),
        identity="coordinator",
    )
    add("authorisation", "technician reads reports", "GET", "/reports")
    add("authorisation", "technician starts a pipeline run", "POST", "/mlops/runs")
    add(
        "authorisation",
        "technician reads a pipeline run",
        "GET",
        "/mlops/runs/00000000-0000-4000-8000-000000000000",
    )

    # Idempotency keys.
    for description, key in {
        "too short": "abc",
        "129 characters": "k" * 129,
        "control character": "clave-\x01-0001",
        "non-ASCII": "clave-ñandú-0001",
        "empty": "",
        "only spaces": "        ",
        "tab inside": "clave\t-0001",
    }.items():
        add("idempotency keys", description, "POST", "/intakes", headers=(("Idempotency-Key", key),))

    # Authentication: the gateway's authorizer answers before any function runs.
    for description, authorization in {
        "no header": None,
        "empty bearer": "Bearer ",
        "basic scheme": "Basic dGVjbmljYTpjbGF2ZQ==",
        "garbage token": "Bearer not-a-jwt",
        "alg none": "Bearer "
        + base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').decode().rstrip("=")
        + "."
        + base64.urlsafe_b64encode(b'{"sub":"x","custom:office":"otra","cognito:groups":["technician"]}')
        .decode()
        .rstrip("=")
        + ".",
        "lower-case scheme and junk": "bearer a.b.c",
        "token twice": "Bearer a.b.c, Bearer d.e.f",
    }.items():
        headers = (("Authorization", authorization),) if authorization is not None else ()
        for method, path in (("GET", "/intakes"), ("POST", "/intakes"), ("GET", forecast)):
            add(
                "authentication",
                f"{description}: {method} {path.split('?')[0]}",
                method,
                path,
                identity="none",
                headers=headers,
            )
    add("authentication", "tampered signature", "GET", "/intakes", identity="tampered")
    add("authentication", "tampered claims", "GET", "/intakes", identity="forged-office")

    # Framing: what reaches the gateway is not a request it can take.
    # (headers only: a body the server cannot delimit would be left unread and reset the answer)
    add("framing", "Content-Length not a number", "POST", segments, headers=(("Content-Length", "ten"),))
    add("framing", "Content-Length negative", "POST", segments, headers=(("Content-Length", "-5"),))
    add(
        "unicode",
        "unknown field named with a lone surrogate",
        "PATCH",
        fields,
        _raw_json('{"fields": {"x\\ud800": "y"}}'),
    )
    add(
        "formula injection",
        "unknown field named as a formula",
        "PATCH",
        fields,
        _json({"fields": {FORMULAS[0]: "y"}}),
    )
    return found


# --------------------------------------------------------------------------------------------------
# Sending
# --------------------------------------------------------------------------------------------------


def tamper(token: str, *, claims: bool) -> str:
    """The token with its signature broken, or with its claims changed under the old signature."""
    header, payload, signature = token.split(".")
    if claims:
        document = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        document["custom:office"] = "otra-oficina"
        payload = base64.urlsafe_b64encode(json.dumps(document).encode()).decode().rstrip("=")
        return f"{header}.{payload}.{signature}"
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return f"{header}.{payload}.{flipped}"


def send(api_url: str, probe: Probe, tokens: dict[str, str], timeout_s: float = 60.0) -> ProbeOutcome:
    """Put the probe on the wire as written; the answer's status and reason."""
    parts = urlsplit(api_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout_s)
    headers = dict(probe.headers)
    if probe.identity == "tampered":
        headers["Authorization"] = f"Bearer {tamper(tokens['technician'], claims=False)}"
    elif probe.identity == "forged-office":
        headers["Authorization"] = f"Bearer {tamper(tokens['technician'], claims=True)}"
    elif probe.identity != "none":
        headers.setdefault("Authorization", f"Bearer {tokens[probe.identity]}")
    try:
        connection.putrequest(probe.method, probe.path, skip_accept_encoding=True)
        if probe.body is not None:
            headers.setdefault("Content-Type", "application/json")
        if "Content-Length" not in headers:
            headers["Content-Length"] = str(len(probe.body or b""))
        for name, value in headers.items():
            connection.putheader(
                name, value.encode("latin-1", errors="strict") if not value.isascii() else value
            )
        connection.endheaders(probe.body)
        response = connection.getresponse()
        status, payload = response.status, response.read()
    except (OSError, http.client.HTTPException) as error:
        return ProbeOutcome(probe, 0, f"no answer: {type(error).__name__}")
    finally:
        connection.close()
    try:
        document = json.loads(payload or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        document = None
    if not isinstance(document, dict):
        return ProbeOutcome(probe, status, "")
    return ProbeOutcome(probe, status, str(document.get("message") or ""), str(document.get("error") or ""))


@dataclass
class ProbeReport:
    outcomes: list[ProbeOutcome] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def failures(self) -> list[ProbeOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.acceptable]

    def by_status(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        return dict(sorted(counts.items()))


def run_probes(
    api_url: str, tokens: dict[str, str], selected: list[Probe], emit: Callable[[str], None] = print
) -> ProbeReport:
    report = ProbeReport()
    started = time.monotonic()
    for number, probe in enumerate(selected, start=1):
        report.outcomes.append(send(api_url, probe, tokens))
        if number % 100 == 0 or number == len(selected):
            emit(
                f"    {number:>4}/{len(selected)} malformed requests, "
                f"{len(report.failures)} not answered 4xx with a reason"
            )
    report.elapsed_s = time.monotonic() - started
    return report
