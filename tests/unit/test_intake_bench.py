from __future__ import annotations

import importlib.util
import json
import re
import sys
import types
from datetime import date
from pathlib import Path

import pytest

from acogida.intake_bench import (
    FIELDS,
    format_report,
    percentile,
    run_benchmark,
    score,
    streaming_extract,
)

ROOT = Path(__file__).resolve().parents[2]
LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
ORIGIN_CODES = {"ES", "MA", "CO", "VE", "PE", "EC", "HN", "BO", "PY", "DO", "SN", "ML", "GM", "UA", "RO"}
NEEDS = {"food", "housing", "employment", "health", "legal", "financial", "psychological", "education"}
NAME_WORD = re.compile(r"(?:de|del|la|las|los|y|[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+)")
CORRECTION_MARKERS = (
    "perdona",
    "perdón",
    "espera",
    "me he equivocado",
    "mejor dicho",
    "no no",
    "digo",
    "bueno no",
    "corrijo",
    "uy no",
    "ay no",
    "al revés",
    "no primero",
)


def _load_script(name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve their annotations through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator() -> types.ModuleType:
    return _load_script("make_intake_devset")


@pytest.fixture(scope="module")
def devset_path(generator, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("devset") / "dev.jsonl"
    assert generator.main(["--count", "150", "--seed", "7", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def records(devset_path) -> list[dict]:
    return [json.loads(line) for line in devset_path.read_text(encoding="utf-8").splitlines()]


def check_letter_ok(doc_type: str, number: str) -> bool:
    """Written here again, on purpose, instead of imported from the generator."""
    digits = str("XYZ".index(number[0])) + number[1:8] if doc_type == "NIE" else number[:8]
    return LETTERS[int(digits) % 23] == number[8]


# --- score ----------------------------------------------------------------------------------------


def test_check_letter_reference_values():
    assert check_letter_ok("DNI", "12345678Z")
    assert not check_letter_ok("DNI", "12345678A")
    assert check_letter_ok("NIE", "X1234567L")
    assert check_letter_ok("NIE", "Y1234567X")
    assert check_letter_ok("NIE", "Z1234567R")


def test_exact_matches_score_one():
    gold = [
        {"given_name": "María del Carmen", "household_size": 4, "needs": ["food", "housing"]},
        {"phone": "+34612345678", "document_valid": False},
    ]
    result = score(gold, [dict(g) for g in gold])
    assert result["exact_conversations"] == 2
    assert result["fields"]["given_name"] == {
        "support": 1,
        "predicted": 1,
        "tp": 1,
        "fp": 0,
        "fn": 0,
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
    }
    assert result["micro"]["all"]["tp"] == 6  # 2 needs count as 2 items
    assert result["micro"]["all"]["f1"] == 1.0


def test_missing_and_spurious_fields():
    result = score(
        [{"given_name": "Fatou", "surnames": "Ndiaye"}], [{"given_name": "Fatou", "phone": "+34600000000"}]
    )
    assert result["fields"]["given_name"]["tp"] == 1
    assert result["fields"]["surnames"]["fn"] == 1
    assert result["fields"]["phone"]["fp"] == 1
    assert result["fields"]["phone"]["support"] == 0
    total = result["micro"]["all"]
    assert (total["tp"], total["fp"], total["fn"]) == (1, 1, 1)
    assert total["precision"] == pytest.approx(0.5)
    assert total["recall"] == pytest.approx(0.5)
    assert result["exact_conversations"] == 0


def test_wrong_value_is_a_false_positive_and_a_false_negative():
    result = score([{"phone": "+34612345678"}], [{"phone": "+34612345679"}])
    phone = result["fields"]["phone"]
    assert (phone["tp"], phone["fp"], phone["fn"]) == (0, 1, 1)


def test_values_must_be_exactly_equal():
    gold = [{"household_size": 1, "document_valid": True, "document_number": "12345678Z"}]
    predicted = [{"household_size": True, "document_valid": 1, "document_number": "12345678z"}]
    result = score(gold, predicted)
    for name in ("household_size", "document_valid", "document_number"):
        assert result["fields"][name]["tp"] == 0, name
        assert result["fields"][name]["fp"] == 1, name


def test_document_valid_is_its_own_field():
    gold = [{"document_type": "DNI", "document_number": "12345678A", "document_valid": False}]
    predicted = [{"document_type": "DNI", "document_number": "12345678A", "document_valid": True}]
    result = score(gold, predicted)
    assert result["fields"]["document_number"]["tp"] == 1
    assert result["fields"]["document_valid"]["fp"] == 1
    assert result["fields"]["document_valid"]["fn"] == 1


def test_needs_are_scored_per_item():
    result = score([{"needs": ["food", "housing", "legal"]}], [{"needs": ["employment", "food"]}])
    needs = result["fields"]["needs"]
    assert (needs["support"], needs["tp"], needs["fp"], needs["fn"]) == (3, 1, 1, 2)
    assert needs["precision"] == pytest.approx(0.5)
    assert needs["recall"] == pytest.approx(1 / 3)
    assert needs["f1"] == pytest.approx(0.4)


def test_micro_totals_and_groups():
    gold = [
        {
            "given_name": "Mamadou",
            "surnames": "Diop",
            "document_number": "X1234567L",
            "phone": "+221771234567",
            "birth_date": "1990-01-02",
            "municipality": "Getafe",
        }
    ]
    predicted = [
        {
            "given_name": "Mamadou",
            "surnames": "Diop Fall",  # wrong
            "document_number": "X1234567L",
            "phone": "+221771234567",
            # birth_date missing
            "municipality": "Madrid",  # wrong
            "household_size": 3,  # spurious
        }
    ]
    result = score(gold, predicted)
    names, ids, total = result["micro"]["names"], result["micro"]["identifiers"], result["micro"]["all"]
    assert (names["tp"], names["fp"], names["fn"]) == (1, 1, 1)
    assert (ids["tp"], ids["fp"], ids["fn"]) == (2, 0, 1)
    assert ids["precision"] == 1.0
    assert ids["recall"] == pytest.approx(2 / 3)
    assert (total["tp"], total["fp"], total["fn"]) == (3, 3, 3)
    per_field = result["fields"]
    for key in ("tp", "fp", "fn"):
        assert total[key] == sum(per_field[name][key] for name in FIELDS)


def test_extractor_entries_none_and_unknown_fields():
    predicted = [
        {
            "given_name": {"value": "Olena", "confidence": 0.9, "start": 10, "end": 15},
            "surnames": {"value": None, "confidence": 0.1, "start": 0, "end": 0},
            "street": {"value": "calle Mayor 23", "confidence": 0.5, "start": 0, "end": 1},
        }
    ]
    result = score([{"given_name": "Olena"}], predicted)
    assert result["fields"]["given_name"]["tp"] == 1
    assert result["fields"]["surnames"]["fp"] == 0
    assert "street" not in result["fields"]
    assert result["exact_conversations"] == 1


def test_empty_input_and_length_mismatch():
    result = score([], [])
    assert result["micro"]["all"]["f1"] == 0.0
    with pytest.raises(ValueError, match="1 gold conversations but 0 predictions"):
        score([{"given_name": "Ana"}], [])


def test_percentile():
    assert percentile([], 50) is None
    assert percentile([7.0], 95) == 7.0
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == pytest.approx(2.5)
    assert percentile([1.0, 2.0, 3.0, 4.0], 95) == pytest.approx(3.85)
    assert percentile([1.0, 2.0, 3.0, 4.0], 100) == 4.0


# --- run_benchmark with fake extractors -----------------------------------------------------------


def test_run_benchmark_with_a_perfect_fake_extractor(records, devset_path):
    gold_by_transcript = {r["transcript"]: r["fields"] for r in records}

    def oracle(segments):
        fields = {
            name: {"value": value, "confidence": 1.0}
            for name, value in gold_by_transcript[" ".join(segments)].items()
        }
        return fields, [0.5] * len(segments)

    report = run_benchmark(devset_path, oracle)
    assert report["conversations"] == len(records)
    assert report["exact_conversations"] == len(records)
    assert report["micro"]["all"]["f1"] == 1.0
    assert report["errors"] == []
    assert report["mismatches"] == []
    assert report["latency_ms"]["segments"] == sum(len(r["segments"]) for r in records)
    assert report["latency_ms"]["p50"] == 0.5
    assert set(report["by_difficulty"]) == {"easy", "medium", "hard"}
    table = format_report(report)
    for text in (
        "given_name",
        "needs",
        "micro: all",
        "micro: identifiers",
        "micro: names",
        "p50 0.50 ms",
        "p95",
    ):
        assert text in table


def test_run_benchmark_records_errors_and_mismatches(tmp_path):
    devset = tmp_path / "tiny.jsonl"
    lines = [
        {
            "id": "a",
            "segments": ["Me llamo Ana."],
            "transcript": "Me llamo Ana.",
            "fields": {"given_name": "Ana"},
        },
        {"id": "b", "segments": ["boom"], "transcript": "boom", "fields": {"phone": "+34612345678"}},
        {"id": "c", "segments": ["x", "y"], "transcript": "x y", "fields": {"needs": ["food"]}},
    ]
    devset.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    latencies = iter([[1.0], [2.0, 10.0]])

    def fake(segments):
        if segments == ["boom"]:
            raise RuntimeError("extractor crashed")
        if segments == ["Me llamo Ana."]:
            return {"given_name": {"value": "Ana"}}, next(latencies)
        return {"needs": {"value": ["food", "health"]}}, next(latencies)

    report = run_benchmark(devset, fake)
    assert [error["id"] for error in report["errors"]] == ["b"]
    assert report["errors"][0]["error"].startswith("RuntimeError: extractor crashed (test_intake_bench.py:")
    assert report["fields"]["phone"]["fn"] == 1
    assert report["fields"]["needs"]["fp"] == 1
    assert report["mismatches"] == [
        {"id": "b", "field": "phone", "gold": "+34612345678", "predicted": None},
        {"id": "c", "field": "needs", "gold": ["food"], "predicted": ["food", "health"]},
    ]
    assert report["latency_ms"]["segments"] == 3
    assert report["latency_ms"]["p50"] == 2.0
    assert report["latency_ms"]["max"] == 10.0
    assert "extractor crashed" in format_report(report)


@pytest.fixture
def fake_intake(monkeypatch):
    """A stand-in acogida.intake whose extractor finds 'me llamo <Name>'."""

    class StreamingExtractor:
        def __init__(self) -> None:
            self.text = ""

        def add_segment(self, text: str) -> dict:
            self.text = f"{self.text} {text}".strip()
            found = re.search(r"[Mm]e llamo (\w+)", self.text)
            if not found:
                return {}
            return {
                "given_name": {
                    "value": found.group(1),
                    "confidence": 0.8,
                    "start": found.start(1),
                    "end": found.end(1),
                }
            }

    module = types.ModuleType("acogida.intake")
    module.StreamingExtractor = StreamingExtractor  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "acogida.intake", module)
    return module


def test_streaming_extract_feeds_segments_one_by_one(fake_intake):
    fields, latencies = streaming_extract(["Hola.", "Me llamo", "Fatou, Fatou Diop."])
    assert fields == {"given_name": "Fatou"}
    assert len(latencies) == 3
    assert all(ms >= 0 for ms in latencies)


def test_bench_cli(fake_intake, devset_path, tmp_path, capsys):
    cli = _load_script("bench_extract")
    out = tmp_path / "report.json"
    assert cli.main(["--devset", str(devset_path), "--json", str(out), "--mismatches", "3"]) == 0
    printed = capsys.readouterr().out
    assert "micro: all" in printed
    assert "first 3 of" in printed
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["conversations"] == 150
    assert 0 < report["fields"]["given_name"]["tp"] < report["fields"]["given_name"]["support"]
    assert cli.main(["--devset", str(tmp_path / "missing.jsonl")]) == 1


# --- the generator --------------------------------------------------------------------------------


def test_generator_is_reproducible(generator):
    first = generator.generate(25, seed=11)
    assert first == generator.generate(25, seed=11)
    assert first != generator.generate(25, seed=12)


def test_ids_unique_and_transcript_is_the_joined_segments(records):
    assert len(records) == 150
    assert len({r["id"] for r in records}) == len(records)
    for r in records:
        assert re.fullmatch(r"dev-\d{4}", r["id"])
        assert r["segments"]
        assert all(s and s == s.strip() for s in r["segments"])
        assert r["transcript"] == " ".join(r["segments"])
        assert r["difficulty"] in ("easy", "medium", "hard")


def test_document_valid_agrees_with_the_check_letter(records):
    documents = [r["fields"] for r in records if "document_number" in r["fields"]]
    assert len(documents) > 50
    for fields in documents:
        assert {"document_type", "document_number", "document_valid"} <= fields.keys()
        doc_type, number = fields["document_type"], fields["document_number"]
        if doc_type in ("DNI", "NIE"):
            assert fields["document_valid"] is check_letter_ok(doc_type, number), fields
        else:
            assert fields["document_valid"] is True
    assert any(not f["document_valid"] for f in documents), "no DNI/NIE with a wrong letter"
    assert {f["document_type"] for f in documents} == {"DNI", "NIE", "PASSPORT"}


def test_gold_values_follow_the_contract(records, generator):
    seen: set[str] = set()
    for r in records:
        f = r["fields"]
        seen |= f.keys()
        assert list(f) == [name for name in FIELDS if name in f], "fields in contract order"
        transcript = r["transcript"].lower()
        for key in ("given_name", "surnames"):
            if key in f:
                words = f[key].split(" ")
                assert words[0][:1].isupper(), f[key]  # "De la Fuente Ruiz" standing alone (RAE)
                assert all(NAME_WORD.fullmatch(w) for w in words[1:]), f[key]
                assert words[-1] not in ("de", "del", "la", "las", "los", "y")
                # said as is (the second surname may come later: "... y el segundo apellido es X")
                spoken = [f[key]] if key == "given_name" else words
                assert all(part.lower() in transcript for part in spoken), (r["id"], f[key])
        if "document_type" in f:
            pattern = {"DNI": r"\d{8}[A-Z]", "NIE": r"[XYZ]\d{7}[A-Z]", "PASSPORT": r"[A-Z0-9]{6,9}"}
            assert re.fullmatch(pattern[f["document_type"]], f["document_number"]), f
        if "birth_date" in f:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", f["birth_date"])
            born = date.fromisoformat(f["birth_date"])
            assert date(1940, 1, 1) < born < date(2010, 1, 1)
        if "nationality" in f:
            assert f["nationality"] in ORIGIN_CODES
        if "municipality" in f:
            assert f["municipality"] in generator.MUNICIPALITY_NAMES
            assert "/" not in f["municipality"]
            assert f["municipality"] != "València"
            spoken = [f["municipality"], *dict(generator.MUNICIPALITIES)[f["municipality"]]]
            assert any(name.lower() in transcript for name in spoken), (r["id"], f["municipality"])
        if "phone" in f:
            assert re.fullmatch(r"\+[1-9]\d{7,14}", f["phone"]), f["phone"]
            if f["phone"].startswith("+34"):
                assert re.fullmatch(r"\+34[6789]\d{8}", f["phone"]), f["phone"]
        if "household_size" in f:
            assert type(f["household_size"]) is int
            assert 1 <= f["household_size"] <= 10
        if "needs" in f:
            assert f["needs"]
            assert f["needs"] == sorted(set(f["needs"]))
            assert set(f["needs"]) <= NEEDS
    assert seen == set(FIELDS)


def test_corrections_and_distractors_are_present(records):
    corrected = [r for r in records if any(t.startswith("correction:") for t in r["tags"])]
    assert len(corrected) >= 15
    for r in corrected:
        plain = re.sub(r"[,.;:¡!¿?]", "", r["transcript"].lower())
        assert any(marker in plain for marker in CORRECTION_MARKERS), r["id"]
    with_distractors = [r for r in records if any(t.startswith("distractor:") for t in r["tags"])]
    assert len(with_distractors) >= 0.6 * len(records)
    kinds = {t for r in records for t in r["tags"] if t.startswith("distractor:")}
    for kind in (
        "office_phone",
        "appointment_date",
        "street_number",
        "staff_name",
        "family_name",
        "age_only",
    ):
        assert f"distractor:{kind}" in kinds
    for r in records:
        if "distractor:age_only" in r["tags"]:
            assert "birth_date" not in r["fields"]
            assert re.search(r"\baños\b|\bcumplo\b", r["transcript"].lower()), r["id"]


def test_styles_and_partial_conversations(records):
    styles = {t for r in records for t in r["tags"] if t.startswith("style:")}
    assert styles == {"style:labelled", "style:plain", "style:asr"}
    for r in records:
        labelled = re.match(r"(Técnica|Técnico|Usuaria|Usuario): ", r["segments"][0]) is not None
        assert labelled == ("style:labelled" in r["tags"]), r["id"]
        if "style:asr" in r["tags"]:
            assert r["transcript"] == r["transcript"].lower()
            assert not re.search(r"[¿?¡!,;]", r["transcript"])
    assert sum("partial" in r["tags"] for r in records) >= 10
    assert any(len(r["fields"]) <= 3 for r in records)


def test_committed_devset_is_the_generator_output(generator):
    committed = ROOT / "bench" / "intake_dev.jsonl"
    lines = committed.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 400
    expected = generator.generate(generator.DEFAULT_COUNT, generator.DEFAULT_SEED)
    assert [json.loads(line) for line in lines] == expected, "run scripts/make_intake_devset.py again"
