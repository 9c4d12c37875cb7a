import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  FIELD_NAMES,
  correctionValue,
  highlightPieces,
  needsReview,
  segmentsFromTyped,
  sourceWords,
  transcriptText,
} from "../src/fields.js";

const here = new URL(".", import.meta.url);
const python = (path) => readFileSync(new URL(`../../acogida/${path}`, here), "utf8");

test("the form's fields and speaker labels are the API's", () => {
  const extract = python("intake/extract.py");
  const names = /FIELD_NAMES = \(([^)]*)\)/s.exec(extract)[1].match(/"([a-z_]+)"/g).map((s) => s.slice(1, -1));
  assert.deepEqual(FIELD_NAMES, names);
  assert.match(python("intake/record.py"), /SPEAKER_LABELS = \{"staff": "Técnico", "person": "Persona"\}/);
});

test("the transcript joins segments as the API does, and offsets point into it", () => {
  const segments = [
    { sequence: 0, text: "¿Cómo se llama?", speaker: "staff" },
    { sequence: 1, text: "Me llamo Amina Benali.", speaker: "person" },
    { sequence: 2, text: "vivo en Getafe", speaker: null },
  ];
  const text = transcriptText(segments);
  assert.equal(text, "Técnico: ¿Cómo se llama?\nPersona: Me llamo Amina Benali.\nvivo en Getafe");
  const start = text.indexOf("Amina");
  const field = { value: "Amina", confidence: 0.95, source: "transcript", start, end: start + 5 };
  assert.equal(sourceWords(field, text), "Amina");
  assert.equal(sourceWords({ ...field, source: "technician" }, text), null);
  assert.equal(sourceWords({ ...field, end: text.length + 1 }, text), null);
});

test("highlight pieces cover the text once, overlapping spans share a piece", () => {
  const text = "mi NIE es X1234567L y vivo en Getafe";
  const at = (word) => [text.indexOf(word), text.indexOf(word) + word.length];
  const [ns, ne] = at("X1234567L");
  const [ms, me] = at("Getafe");
  const pieces = highlightPieces(text, {
    document_type: { value: "NIE", source: "transcript", start: ns, end: ne, confidence: 0.97 },
    document_number: { value: "X1234567L", source: "transcript", start: ns, end: ne, confidence: 0.97 },
    municipality: { value: "Getafe", source: "transcript", start: ms, end: me, confidence: 0.9 },
    phone: { value: "+34600000000", source: "technician", confidence: 1 },
  });
  assert.equal(pieces.map((p) => p.text).join(""), text);
  assert.deepEqual(
    pieces.filter((p) => p.fields.length).map((p) => [p.text, p.fields]),
    [
      ["X1234567L", ["document_type", "document_number"]],
      ["Getafe", ["municipality"]],
    ],
  );
  assert.deepEqual(highlightPieces("", {}), []);
});

test("low confidence and an invalid document ask for review; corrections do not", () => {
  assert.equal(needsReview("phone", { value: "+34600", confidence: 0.6, source: "transcript" }), true);
  assert.equal(needsReview("phone", { value: "+34600", confidence: 0.95, source: "transcript" }), false);
  assert.equal(needsReview("phone", { value: "+34600", confidence: 1, source: "technician" }), false);
  assert.equal(needsReview("document_valid", { value: false, source: "transcript" }), true);
  assert.equal(needsReview("document_valid", { value: true, source: "transcript" }), false);
  assert.equal(needsReview("phone", undefined), false);
});

test("typed corrections become the API's values or a reason", () => {
  assert.deepEqual(correctionValue("household_size", " 4 "), { value: 4 });
  assert.ok(correctionValue("household_size", "cuatro").error);
  assert.ok(correctionValue("household_size", "0").error);
  assert.deepEqual(correctionValue("given_name", "  "), { value: null });
  assert.deepEqual(correctionValue("document_number", "x1234567l"), { value: "X1234567L" });
  assert.deepEqual(correctionValue("nationality", "ma"), { value: "MA" });
  assert.ok(correctionValue("nationality", "Marruecos").error);
  assert.ok(correctionValue("birth_date", "3/4/1990").error);
  assert.deepEqual(correctionValue("birth_date", "1990-04-03"), { value: "1990-04-03" });
  assert.deepEqual(correctionValue("needs", ["food", "legal"]), { value: ["food", "legal"] });
  assert.deepEqual(correctionValue("needs", []), { value: null });
});

test("typed lines become segments, with the speaker a line names", () => {
  const typed = "Técnica: Buenos días\n\n  persona:  Hola, soy Amina  \nvivo en Getafe\nPersona:";
  assert.deepEqual(segmentsFromTyped(typed, "person"), [
    { speaker: "staff", text: "Buenos días" },
    { speaker: "person", text: "Hola, soy Amina" },
    { speaker: "person", text: "vivo en Getafe" },
    { speaker: "person", text: "Persona:" },
  ]);
  assert.deepEqual(segmentsFromTyped("hola", null), [{ speaker: null, text: "hola" }]);
});
