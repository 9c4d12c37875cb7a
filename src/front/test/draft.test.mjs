import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiError } from "../src/api.js";
import { Draft, splitLongText } from "../src/draft.js";

class MemoryStorage {
  constructor() {
    this.items = new Map();
  }
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.items.delete(key);
  }
}

/** The intake API's draft behaviour: sequences in order, replays answered with the current draft. */
class FakeApi {
  constructor() {
    this.segments = [];
    this.creates = new Map();
    this.failNext = 0;
    this.calls = [];
    this.status = "draft";
  }
  view() {
    return { intake_id: "i-1", status: this.status, next_sequence: this.segments.length, fields: {} };
  }
  async createIntake(key) {
    this.calls.push(["create", key]);
    this.creates.set(key, "i-1");
    return this.view();
  }
  async readIntake(id) {
    this.calls.push(["read", id]);
    return this.view();
  }
  async appendSegment(id, segment) {
    this.calls.push(["segment", segment.sequence]);
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new ApiError(0, "network", "sin conexión");
    }
    if (segment.sequence > this.segments.length) {
      throw new ApiError(409, "segment_out_of_order", "out of order", { expected_sequence: this.segments.length });
    }
    if (segment.sequence === this.segments.length) this.segments.push(segment);
    return this.view();
  }
  async submitIntake(id, confirm) {
    this.calls.push(["submit", confirm]);
    this.status = "submitted";
    return this.view();
  }
}

test("segments go in order, once each, and a failed send is retried from where it stopped", async () => {
  const api = new FakeApi();
  const storage = new MemoryStorage();
  const draft = new Draft(api, storage, "user-1", () => "key-12345678");
  await draft.add([{ text: "Hola", speaker: "staff" }, { text: "Soy Amina", speaker: "person" }]);
  assert.deepEqual(api.segments.map((s) => [s.sequence, s.text, s.speaker]), [
    [0, "Hola", "staff"],
    [1, "Soy Amina", "person"],
  ]);
  api.failNext = 1;
  await assert.rejects(draft.add([{ text: "vivo en Getafe" }]), /sin conexión/);
  assert.equal(draft.pending, 1);
  await draft.flush();
  assert.equal(draft.pending, 0);
  assert.equal(api.segments.length, 3);
  assert.deepEqual(api.segments[2], { sequence: 2, text: "vivo en Getafe" });
  assert.equal(api.calls.filter((c) => c[0] === "create").length, 1);
});

test("a reload resumes the draft, and a lost reply does not double a segment", async () => {
  const api = new FakeApi();
  const storage = new MemoryStorage();
  const first = new Draft(api, storage, "user-1", () => "key-12345678");
  await first.add([{ text: "Hola" }]);
  // The API applied segment 1 but the page never heard back, then the page reloaded.
  first.state.segments.push({ sequence: 1, text: "Soy Amina", speaker: null });
  api.segments.push({ sequence: 1, text: "Soy Amina" });
  storage.setItem("acogida.draft.user-1", JSON.stringify(first.state));

  const second = new Draft(api, storage, "user-1");
  assert.equal(second.state.intakeId, "i-1");
  await second.resume();
  assert.equal(second.pending, 0);
  await second.add([{ text: "vivo en Getafe" }]);
  assert.deepEqual(api.segments.map((s) => s.text), ["Hola", "Soy Amina", "vivo en Getafe"]);
  assert.equal(second.transcript, "Hola\nSoy Amina\nvivo en Getafe");
  // Another user's draft is separate.
  assert.equal(new Draft(api, storage, "user-2").state.intakeId, null);
});

test("an out-of-order answer re-synchronises on the API's expected sequence", async () => {
  const api = new FakeApi();
  const storage = new MemoryStorage();
  const draft = new Draft(api, storage, "user-1", () => "key-12345678");
  await draft.add([{ text: "uno" }]);
  draft.state.acknowledged = 0; // believes nothing was sent
  draft.state.segments.push({ sequence: 1, text: "dos", speaker: null });
  await draft.flush();
  assert.deepEqual(api.segments.map((s) => s.text), ["uno", "dos"]);
});

test("submit sends what is pending first, then forgets the draft; a closed draft is forgotten on resume", async () => {
  const api = new FakeApi();
  const storage = new MemoryStorage();
  const draft = new Draft(api, storage, "user-1", () => "key-12345678");
  await draft.add([{ text: "Hola" }]);
  const submitted = await draft.submit(true);
  assert.equal(submitted.status, "submitted");
  assert.deepEqual(api.calls.at(-1), ["submit", true]);
  assert.equal(storage.getItem("acogida.draft.user-1"), null);

  storage.setItem("acogida.draft.user-1", JSON.stringify({ intakeId: "i-1", idempotencyKey: "k", segments: [], acknowledged: 0, intake: null }));
  const stale = new Draft(api, storage, "user-1");
  assert.equal(await stale.resume(), null);
  assert.equal(stale.state.intakeId, null);
});

test("long texts are split at spaces under the API's segment limit", () => {
  assert.deepEqual(splitLongText("uno dos tres", 7), ["uno dos", "tres"]);
  assert.deepEqual(splitLongText("abcdefghij", 4), ["abcd", "efgh", "ij"]);
  assert.deepEqual(splitLongText("  corto  "), ["corto"]);
  const long = "palabra ".repeat(2000);
  assert.ok(splitLongText(long).every((piece) => piece.length <= 5000));
  assert.equal(splitLongText(long).join(" "), long.trim());
});
