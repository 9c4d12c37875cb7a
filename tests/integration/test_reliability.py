"""Reliability on the applied local workspace (the session's ``deployment``), through the local
runtime as the front uses it: load, stream faults, the emulator restarted mid-run, bad input.

Sized for CI (about 100 intakes of load); ``make bench-reliability`` runs the same scenarios
(acogida.local.reliability) at 2,000. Everything happens in the ``reliability`` office with its
own users; these tests run after test_local_apply's (conftest's ordering hook), which count the
lake from empty.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from acogida.infra.terraform import unexplained_changes
from acogida.local.reliability import (
    LoadOutcome,
    ReliabilityStack,
    bad_input_scenario,
    load_scenario,
    poison_scenario,
    replay_scenario,
    restart_scenario,
)
from acogida.local.runtime import local_runtime
from tests.conftest import find_free_port

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

LOAD_INTAKES = 100
RESTART_INTAKES = 45
CONCURRENCY = 8


@pytest.fixture(scope="module")
def reliability_stack(deployment, tmp_path_factory) -> Iterator[ReliabilityStack]:
    """The local runtime (API and pumps, no front) on the deployment, and the reliability users."""
    workdir = tmp_path_factory.mktemp("reliability")
    with local_runtime(
        deployment.outputs, deployment.emulator.endpoint, find_free_port(), workdir / "runtime.jsonl"
    ) as runtime:
        yield ReliabilityStack(runtime, deployment.outputs, deployment.emulator)


@pytest.fixture(scope="module")
def loaded(reliability_stack) -> LoadOutcome:
    return load_scenario(reliability_stack, intakes=LOAD_INTAKES, concurrency=CONCURRENCY, emit=print)


def test_concurrent_intakes_are_each_exported_exactly_once(loaded):
    assert loaded.load.failed == []
    assert len(loaded.load.submitted) == LOAD_INTAKES
    assert loaded.load.stats.requests >= 5 * LOAD_INTAKES  # create, three segments, submit
    audit = loaded.audit
    assert audit.exported == LOAD_INTAKES
    assert audit.losses == []
    assert audit.duplicates == 0  # one version per intake in the versioned bucket
    assert audit.content_mismatches == []  # the row the API's answer implies, byte for byte
    assert audit.privacy_leaks == []
    # A document was given on three intakes out of four: those, and only those, have a person_key.
    with_key = sum(1 for person in loaded.load.persons.values() if person.document_number)
    assert with_key == LOAD_INTAKES - LOAD_INTAKES // 4


def test_redelivered_and_reordered_stream_records_change_nothing(reliability_stack, loaded):
    replay = replay_scenario(reliability_stack, loaded)
    assert replay.records >= LOAD_INTAKES  # each submission's record, found in the stream
    assert replay.delivered == 3 * replay.records
    assert replay.reported_failures == 0
    assert replay.versions_after == replay.versions_before
    assert replay.audit.clean


def test_a_poison_record_goes_alone_to_the_dlq_and_its_batch_proceeds(reliability_stack, loaded):
    poison = poison_scenario(reliability_stack, intakes=10)
    assert poison.submitted == 10
    assert poison.audit.clean  # the nine others... and the tenth: all exported, once
    assert poison.only_the_poison_in_the_dlq, poison.dead_letters
    letter = poison.dead_letters[0]
    assert letter["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert set(letter) == {"requestContext", "responseContext", "version", "timestamp", "DDBStreamBatchInfo"}


def test_malformed_requests_get_a_4xx_with_a_reason_and_write_nothing(reliability_stack, loaded):
    bad = bad_input_scenario(reliability_stack)
    assert len(bad.report.outcomes) >= 200
    failures = [f"{o.probe.category}: {o.probe.description} -> {o.status}" for o in bad.report.failures]
    assert failures == []
    assert bad.before == bad.after, "a malformed request wrote something"
    assert bad.draft_before == bad.draft_after
    assert bad.upload_reports == bad.uploads  # each refused file has its report under rejected/
    assert bad.upload_rows_in_submissions == 0
    assert bad.uploads_left == 0  # and is deleted (it held personal data)
    assert bad.report_leaks == []


def test_the_emulator_restarts_mid_load_and_nothing_is_lost_or_duplicated(
    reliability_stack, deployment, loaded
):
    """The emulator stops (saving its state) a third of the way through a load run and starts
    again (loading it) while the API and the pumps keep running: the clients retry what got a 503
    or no answer, every acknowledged intake is exported once, and Terraform finds its deployment
    as it left it."""
    restart = restart_scenario(
        reliability_stack, intakes=RESTART_INTAKES, concurrency=CONCURRENCY, outage_s=3
    )
    assert restart.stop_s > 0
    assert restart.start_s > 0
    load = restart.load
    outage_answers = [
        status for status in load.load.stats.failures() if status == "503" or status.startswith("error:")
    ]
    assert outage_answers, "no request met the outage: the restart happened outside the load"
    assert load.load.failed == []
    assert len(load.load.submitted) == RESTART_INTAKES
    assert load.audit.clean, load.audit
    # The earlier load's objects survived the restart too, one version each.
    assert replay_scenario(reliability_stack, loaded, limit=20).audit.clean
    assert unexplained_changes(deployment.root.plan_json(), {}) == []
