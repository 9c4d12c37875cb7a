import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { downsample, readTranscriptEvent, toPcm16 } from "../src/audio.js";
import { WORKFORCE_LABELS, addDays, chartGeometry, defaultPeriod, forecastCsv, periodProblem, runFinished } from "../src/forecast.js";

test("every workforce type the ETL knows has a Spanish name", () => {
  const config = JSON.parse(readFileSync(new URL("../../acogida/etl/data/workforce.json", import.meta.url), "utf8"));
  const types = new Set([...Object.keys(config.every_intake), ...Object.values(config.needs).flatMap((minutes) => Object.keys(minutes))]);
  assert.deepEqual(Object.keys(WORKFORCE_LABELS).sort(), [...types].sort());
});

test("periods: four weeks by default, checked as the API checks them", () => {
  assert.deepEqual(defaultPeriod(new Date("2026-11-23T10:00:00Z")), { start: "2026-11-23", end: "2026-12-20" });
  assert.equal(addDays("2026-12-31", 1), "2027-01-01");
  assert.equal(periodProblem("2026-12-01", "2026-12-01"), null);
  assert.match(periodProblem("2026-12-02", "2026-12-01"), /anterior/);
  assert.match(periodProblem("2026-12-01", "2027-03-01"), /90 días/);
  assert.equal(periodProblem("2026-12-01", "2027-02-28"), null);
  assert.match(periodProblem("", "2026-12-01"), /Elija/);
});

test("the chart puts history before the forecast, the band around the median, all inside the plot", () => {
  const forecast = {
    history: [
      { date: "2026-11-29", demand: 10 },
      { date: "2026-11-30", demand: 12 },
    ],
    days: [
      { date: "2026-12-01", p10: 8, p50: 11, p90: 15 },
      { date: "2026-12-02", p10: 9, p50: 12, p90: 17 },
    ],
  };
  const g = chartGeometry(forecast, { width: 400, height: 200, margin: { top: 10, right: 10, bottom: 30, left: 40 } });
  const pairs = (points) => points.split(" ").map((p) => p.split(",").map(Number));
  const observed = pairs(g.observed);
  const median = pairs(g.median);
  assert.equal(observed.length, 2);
  assert.equal(median.length, 2);
  assert.ok(observed[1][0] < median[0][0], "history left of the forecast");
  assert.equal(g.forecastStartX, median[0][0]);
  const band = pairs(g.band);
  assert.equal(band.length, 4);
  for (const [i, [x, y]] of median.entries()) {
    assert.equal(band[i][0], x);
    assert.ok(band[i][1] <= y && y <= band[band.length - 1 - i][1], "p90 above p50 above p10 (SVG y grows down)");
  }
  for (const [x, y] of [...observed, ...median, ...band]) {
    assert.ok(x >= 40 && x <= 390 && y >= 10 && y <= 170);
  }
  assert.equal(g.top, 20);
  assert.deepEqual(g.ticks.map((t) => t.value), [0, 5, 10, 15, 20]);
  assert.equal(chartGeometry({ history: [], days: [] }), null);
  assert.ok(chartGeometry({ history: [], days: [{ date: "2026-12-01", p10: 0, p50: 0, p90: 0 }] }));
});

test("the CSV lists observed then forecast days and defuses formula-like cells", () => {
  const csv = forecastCsv({
    location: "=cmd|' /C calc'!A0",
    workforce_type: "lawyer",
    history: [{ date: "2026-11-30", demand: 3.5 }],
    days: [{ date: "2026-12-01", p10: 1, p50: 2.25, p90: 4 }],
  });
  const lines = csv.trimEnd().split("\r\n");
  assert.equal(lines[0], "fecha,oficina,perfil,tipo,observado,p10,p50,p90");
  assert.equal(lines[1], "2026-11-30,'=cmd|' /C calc'!A0,lawyer,observado,3.5,,,");
  assert.equal(lines[2], "2026-12-01,'=cmd|' /C calc'!A0,lawyer,previsión,,1,2.25,4");
});

test("a run is followed until it ends", () => {
  assert.equal(runFinished({ status: "in_progress" }), false);
  assert.equal(runFinished({ status: "succeeded" }), true);
  assert.equal(runFinished({ status: "failed" }), true);
});

test("microphone audio becomes 16 kHz 16-bit PCM", () => {
  const samples = Float32Array.from({ length: 48 }, (_, i) => (i % 3) - 1); // -1, 0, 1 repeating
  const out = downsample(samples, 48000);
  assert.equal(out.length, 16);
  assert.ok(out.every((value) => Math.abs(value) < 1e-9));
  assert.equal(downsample(Float32Array.of(0.5, 0.25), 16000).length, 2);
  assert.throws(() => downsample(Float32Array.of(0), 8000), RangeError);
  const pcm = toPcm16(Float32Array.of(1, -1, 0, 2));
  const view = new DataView(pcm.buffer);
  assert.deepEqual([0, 1, 2, 3].map((i) => view.getInt16(i * 2, true)), [32767, -32768, 0, 32767]);
});

test("Transcribe's final results become segments; partials are only shown", () => {
  const event = {
    Transcript: {
      Results: [
        { IsPartial: false, Alternatives: [{ Transcript: " Me llamo Amina. " }] },
        { IsPartial: true, Alternatives: [{ Transcript: "vivo en" }] },
        { IsPartial: false, Alternatives: [{ Transcript: "  " }] },
      ],
    },
  };
  assert.deepEqual(readTranscriptEvent(event), { finals: ["Me llamo Amina."], partial: "vivo en" });
  assert.deepEqual(readTranscriptEvent({}), { finals: [], partial: "" });
});
