#!/usr/bin/env python3
"""Reliability of the local stack, measured: load, faults and bad input (``make bench-reliability``).

    python scripts/bench_reliability.py [--intakes 2000] [--concurrency 16] [--restart-intakes 300]
                                        [--reuse] [--json build/bench-reliability.json]

1. A fresh emulator on MOTO_PORT (a temporary state directory) and a local apply of the root
   module; ``--reuse`` takes the emulator of this checkout with its applied local workspace instead.
2. The local runtime (API on LOCAL_API_PORT, pumps), users of the ``reliability`` office.
3. Load: ``--intakes`` intakes (create, three segments, submit) at ``--concurrency`` clients; the
   lake audit: one object, one version, the expected bytes for each submitted intake.
4. Faults: the stream records of the load's intakes redelivered three times, shuffled; a poison
   record among ten submissions; a load of ``--restart-intakes`` with the emulator stopped (state
   saved) and started again (state loaded) a third of the way through.
5. Bad input: every malformed request of acogida.local.bad_input, and ten malformed uploads.

Prints the figures (requests, failures by status, losses, duplicates, time, throughput, latency
percentiles) and writes them as JSON. The local API runs the function in this process, one
invocation at a time (one execution environment): the concurrency is the clients'.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from acogida.adapters.aws import AwsTarget
from acogida.adapters.object_store import ensure_bucket
from acogida.infra.deploy import apply_environment, environment_images
from acogida.infra.terraform import TerraformRoot
from acogida.infra.toolchain import Toolchain, load_toolchain
from acogida.local.demo import backend_setting
from acogida.local.load import LoadResult
from acogida.local.reliability import (
    ReliabilityStack,
    bad_input_scenario,
    load_scenario,
    poison_scenario,
    replay_scenario,
    restart_scenario,
)
from acogida.local.runtime import local_runtime
from acogida.local.stack import LocalEmulator, endpoint_answers

ROOT = Path(__file__).resolve().parent.parent


def emit(message: str) -> None:
    print(message, flush=True)


def stop_on_sigterm(signum: int, _frame: object) -> None:
    """A background run (where SIGINT is ignored) stops cleanly on SIGTERM: the emulator included."""
    raise KeyboardInterrupt(signal.Signals(signum).name)


@contextlib.contextmanager
def applied_workspace(toolchain: Toolchain, reuse: bool) -> Iterator[tuple[LocalEmulator, dict[str, Any]]]:
    if reuse:
        emulator = LocalEmulator(toolchain.local_state_dir, toolchain.moto_port)
        if not emulator.status().running:
            raise SystemExit("--reuse: the emulator of this checkout is not running (make up, then apply)")
        root = TerraformRoot(toolchain, "local", emulator_endpoint=emulator.endpoint, echo=False)
        root.init()
        root.select_workspace()
        yield emulator, root.outputs()
        return
    with tempfile.TemporaryDirectory(prefix="bench-reliability-") as workdir:
        emulator = LocalEmulator(Path(workdir) / "emulator", toolchain.moto_port)
        if endpoint_answers(toolchain.moto_port):
            raise SystemExit(f"port {toolchain.moto_port} is busy: stop that emulator or set MOTO_PORT")
        emulator.up()
        try:
            region = backend_setting(toolchain, "region")
            ensure_bucket(
                AwsTarget(region, emulator.endpoint).client("s3"),
                backend_setting(toolchain, "bucket"),
                region,
            )
            root = TerraformRoot(
                toolchain,
                "local",
                data_dir=Path(workdir) / "tfdata",
                emulator_endpoint=emulator.endpoint,
                echo=False,
            )
            started = time.monotonic()
            emit(f"==> local apply on a fresh emulator ({emulator.endpoint})")
            root.init()
            root.select_workspace()
            apply_environment(environment_images(root, emit=lambda _line: None), auto_approve=True)
            emit(f"    applied in {time.monotonic() - started:.0f} s")
            yield emulator, root.outputs()
        finally:
            emulator.down()


def emulator_rss_mb(emulator: LocalEmulator) -> int | None:
    """The emulator's resident memory (moto holds everything in memory)."""
    pid = emulator.status().pid
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    kilobytes = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return kilobytes // 1024


def load_figures(load: LoadResult) -> dict[str, Any]:
    return {
        "intakes": load.intakes,
        "concurrency": load.concurrency,
        "submitted": len(load.submitted),
        "not_submitted": len(load.failed),
        "requests": load.stats.requests,
        "failed_attempts_by_status": dict(sorted(load.stats.failures().items())),
        "elapsed_s": round(load.elapsed_s, 1),
        "intakes_per_s": round(load.throughput, 2),
        "requests_per_s": round(load.stats.requests / load.elapsed_s, 1) if load.elapsed_s else 0.0,
        "latency_ms": load.stats.latency_summary(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--intakes", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--restart-intakes", type=int, default=300)
    parser.add_argument("--reuse", action="store_true", help="the running emulator's applied local workspace")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "bench-reliability.json")
    args = parser.parse_args(argv)

    signal.signal(signal.SIGTERM, stop_on_sigterm)
    toolchain = load_toolchain()
    figures: dict[str, Any] = {"command": " ".join(["scripts/bench_reliability.py", *(argv or sys.argv[1:])])}
    started = time.monotonic()
    with (
        applied_workspace(toolchain, args.reuse) as (emulator, outputs),
        tempfile.TemporaryDirectory(prefix="bench-reliability-runtime-") as runtime_dir,
        local_runtime(
            outputs, emulator.endpoint, toolchain.local_api_port, Path(runtime_dir) / "runtime.jsonl"
        ) as runtime,
    ):
        stack = ReliabilityStack(runtime, outputs, emulator)

        emit(f"==> load: {args.intakes} intakes, {args.concurrency} concurrent clients ({runtime.api.url})")
        load = load_scenario(stack, intakes=args.intakes, concurrency=args.concurrency, emit=emit)
        figures["load"] = {
            **load_figures(load.load),
            "emulator_rss_mb_after": emulator_rss_mb(emulator),
            "export_wait_after_last_submit_s": round(load.export_wait_s, 1),
            "lake": audit_figures(load.audit),
        }

        emit("==> faults: duplicate and reordered stream records")
        replay = replay_scenario(stack, load)
        figures["replay"] = {
            "stream_records": replay.records,
            "deliveries": replay.delivered,
            "reported_failures": replay.reported_failures,
            "new_versions": replay.versions_after - replay.versions_before,
            "lake": audit_figures(replay.audit),
        }

        emit("==> faults: a poison record among ten submissions")
        poison = poison_scenario(stack, emit=emit)
        figures["poison"] = {
            "submitted": poison.submitted,
            "dlq_messages": len(poison.dead_letters),
            "dlq_holds_only_the_poison": poison.only_the_poison_in_the_dlq,
            "lake": audit_figures(poison.audit),
        }

        emit(f"==> faults: emulator restarted during a load of {args.restart_intakes} intakes")
        restart = restart_scenario(
            stack, intakes=args.restart_intakes, concurrency=args.concurrency, emit=emit
        )
        figures["restart"] = {
            **load_figures(restart.load.load),
            "stopped_after_intakes": restart.stopped_after,
            "stop_and_save_s": round(restart.stop_s, 1),
            "outage_s": restart.outage_s,
            "start_and_load_s": round(restart.start_s, 1),
            "snapshot_bytes": restart.snapshot_bytes,
            "lake": audit_figures(restart.load.audit),
        }

        emit("==> bad input")
        bad = bad_input_scenario(stack, emit=emit)
        figures["bad_input"] = {
            "requests": len(bad.report.outcomes),
            "by_status": {str(status): n for status, n in bad.report.by_status().items()},
            "not_4xx_with_reason": [
                f"{o.probe.category}: {o.probe.description} -> {o.status}" for o in bad.report.failures
            ],
            "stores_before": bad.before.as_dict(),
            "stores_after": bad.after.as_dict(),
            "partial_writes": not bad.no_partial_write,
            "uploads": bad.uploads,
            "upload_reports": bad.upload_reports,
            "upload_rows_accepted": bad.upload_rows_in_submissions,
            "uploads_left_in_uploads": bad.uploads_left,
            "reports_holding_a_rejected_value": bad.report_leaks,
            "elapsed_s": round(bad.report.elapsed_s, 1),
        }
    figures["total_s"] = round(time.monotonic() - started, 1)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_table(figures)
    emit(f"\nfigures written to {args.json}")
    return 0 if healthy(figures) else 1


def audit_figures(audit: Any) -> dict[str, Any]:  # noqa: ANN401 - a LakeAudit
    return {
        "expected": audit.expected,
        "exported": audit.exported,
        "losses": len(audit.losses),
        "duplicates": audit.duplicates,
        "unexpected": len(audit.unexpected),
        "content_mismatches": len(audit.content_mismatches),
        "privacy_leaks": len(audit.privacy_leaks),
    }


def healthy(figures: dict[str, Any]) -> bool:
    lakes = [figures[name]["lake"] for name in ("load", "replay", "poison", "restart")]
    clean = all(
        not (lake["losses"] or lake["duplicates"] or lake["content_mismatches"] or lake["privacy_leaks"])
        for lake in lakes
    )
    bad = figures["bad_input"]
    return (
        clean
        and figures["load"]["not_submitted"] == 0
        and figures["restart"]["not_submitted"] == 0
        and figures["replay"]["new_versions"] == 0
        and figures["poison"]["dlq_holds_only_the_poison"]
        and not bad["not_4xx_with_reason"]
        and not bad["partial_writes"]
        and bad["upload_rows_accepted"] == 0
        and bad["uploads_left_in_uploads"] == 0
        and not bad["reports_holding_a_rejected_value"]
    )


def print_table(figures: dict[str, Any]) -> None:
    def row(title: str, requests: object, failed: str, *rest: object) -> None:
        losses, dups, seconds, rate = (*rest, "", "", "", "")[:4]
        emit(
            f"  {title:<36} {requests!s:>9}  {failed:<36} "
            f"{losses!s:>6} {dups!s:>5} {seconds!s:>8} {rate!s:>9}"
        )

    emit("\nReliability on the local stack (one in-process execution environment; loopback only)")
    row("scenario", "requests", "attempts not 2xx (status: n)", "losses", "dups", "time s", "intakes/s")
    emit("  " + "-" * 118)
    for name, title in (("load", "load"), ("restart", "load + emulator restart")):
        load = figures[name]
        failed = ", ".join(f"{k}: {v}" for k, v in load["failed_attempts_by_status"].items()) or "none"
        row(
            f"{title} ({load['intakes']} x {load['concurrency']})",
            load["requests"],
            failed,
            load["lake"]["losses"],
            load["lake"]["duplicates"],
            load["elapsed_s"],
            load["intakes_per_s"],
        )
    replay, poison, bad = figures["replay"], figures["poison"], figures["bad_input"]
    row(
        "stream replay x3, shuffled",
        replay["deliveries"],
        f"reported failures: {replay['reported_failures']}",
        replay["lake"]["losses"],
        replay["new_versions"],
    )
    only = "the poison only" if poison["dlq_holds_only_the_poison"] else "NOT only the poison"
    row(
        "poison record among 10",
        poison["submitted"],
        f"DLQ messages: {poison['dlq_messages']} ({only})",
        poison["lake"]["losses"],
        poison["lake"]["duplicates"],
    )
    row(
        "malformed requests",
        bad["requests"],
        f"not 4xx with a reason: {len(bad['not_4xx_with_reason'])}",
        "",
        "",
        bad["elapsed_s"],
    )
    statuses = ", ".join(f"{k}: {v}" for k, v in bad["by_status"].items())
    emit(f"    statuses: {statuses}; partial writes: {'yes' if bad['partial_writes'] else 'none'}")
    emit(
        f"    malformed uploads: {bad['uploads']}, reports {bad['upload_reports']}, rows accepted "
        f"{bad['upload_rows_accepted']}, left in uploads/ {bad['uploads_left_in_uploads']}"
    )
    emit("  latency per route (ms), load:")
    for route, summary in figures["load"]["latency_ms"].items():
        emit(
            f"    {route:<30} n={summary['count']:<6} p50 {summary['p50_ms']:>7} "
            f"p95 {summary['p95_ms']:>7} max {summary['max_ms']:>8}"
        )
    restart = figures["restart"]
    emit(
        f"  emulator restart: stopped after {restart['stopped_after_intakes']} intakes, "
        f"stop+save {restart['stop_and_save_s']} s, down {restart['outage_s']} s, "
        f"start+load {restart['start_and_load_s']} s, snapshot {restart['snapshot_bytes']:,} bytes"
    )
    emit(f"  emulator memory after the load: {figures['load']['emulator_rss_mb_after']} MB resident")
    emit(f"  total {figures['total_s']} s")


if __name__ == "__main__":
    raise SystemExit(main())
