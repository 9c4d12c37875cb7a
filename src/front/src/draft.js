// The intake being taken: its id, the transcript segments in order, and the last form the API
// returned. Segments go to the API one at a time, in sequence; a segment whose answer was lost is
// sent again (the API answers a replayed sequence with the current draft, so nothing doubles).
// The state lives in sessionStorage, keyed by user, so a reload resumes the same draft; it holds the
// transcript because the form's highlights point into it, and is removed on submit and sign-out.

import { transcriptText } from "./fields.js";

export const MAX_SEGMENT_CHARS = 5000; // acogida.intake.record.MAX_SEGMENT_CHARS
const KEY_PREFIX = "acogida.draft.";

/** Splits a text longer than the API's segment limit at spaces (or hard, for one huge word). */
export function splitLongText(text, limit = MAX_SEGMENT_CHARS) {
  const pieces = [];
  let rest = text.trim();
  while (rest.length > limit) {
    let cut = rest.lastIndexOf(" ", limit);
    if (cut <= 0) cut = limit;
    pieces.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

export class Draft {
  /**
   * @param {import("./api.js").Api} api
   * @param {Storage} storage
   * @param {string} userKey the signed-in user's sub
   * @param {() => string} newKey makes an idempotency key
   */
  constructor(api, storage, userKey, newKey = () => crypto.randomUUID()) {
    this.api = api;
    this.storage = storage;
    this.storageKey = KEY_PREFIX + userKey;
    this.newKey = newKey;
    this.state = this.#load() ?? Draft.empty();
    this.sending = null;
    this.listeners = new Set();
  }

  static empty() {
    return { intakeId: null, idempotencyKey: null, segments: [], acknowledged: 0, intake: null };
  }

  #load() {
    try {
      const state = JSON.parse(this.storage.getItem(this.storageKey) ?? "null");
      return state && Array.isArray(state.segments) ? state : null;
    } catch {
      return null;
    }
  }

  #save() {
    this.storage.setItem(this.storageKey, JSON.stringify(this.state));
    for (const listener of this.listeners) listener(this.state);
  }

  onChange(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get transcript() {
    return transcriptText(this.state.segments);
  }

  get pending() {
    return this.state.segments.length - this.state.acknowledged;
  }

  /** Creates the draft at the API unless there is one (the idempotency key makes a retry safe). */
  async ensureCreated() {
    if (this.state.intakeId) return this.state.intake;
    if (!this.state.idempotencyKey) {
      this.state.idempotencyKey = this.newKey();
      this.#save();
    }
    const intake = await this.api.createIntake(this.state.idempotencyKey);
    this.state.intakeId = intake.intake_id;
    this.state.intake = intake;
    this.#save();
    return intake;
  }

  /** Reloads the draft from the API (after a reload of the page). Forgets it if it is gone or closed. */
  async resume() {
    if (!this.state.intakeId) return null;
    try {
      const intake = await this.api.readIntake(this.state.intakeId);
      if (intake.status !== "draft") {
        this.discard();
        return null;
      }
      this.state.intake = intake;
      // The API may have applied segments whose answer never arrived.
      this.state.acknowledged = Math.min(this.state.segments.length, Math.max(this.state.acknowledged, intake.next_sequence));
      this.#save();
      return intake;
    } catch (error) {
      if (error.status === 404) {
        this.discard();
        return null;
      }
      throw error;
    }
  }

  /** Adds segments ({text, speaker}) to the transcript and sends them. Resolves with the updated form. */
  async add(segments) {
    for (const segment of segments) {
      for (const text of splitLongText(segment.text)) {
        this.state.segments.push({ sequence: this.state.segments.length, text, speaker: segment.speaker ?? null });
      }
    }
    this.#save();
    return this.flush();
  }

  /** Sends every segment the API has not acknowledged, in order; one sender at a time. */
  flush() {
    if (!this.sending) {
      this.sending = this.#send().finally(() => {
        this.sending = null;
      });
    }
    return this.sending;
  }

  async #send() {
    await this.ensureCreated();
    while (this.state.acknowledged < this.state.segments.length) {
      const segment = this.state.segments[this.state.acknowledged];
      const body = { sequence: segment.sequence, text: segment.text };
      if (segment.speaker) body.speaker = segment.speaker;
      let intake;
      try {
        intake = await this.api.appendSegment(this.state.intakeId, body);
      } catch (error) {
        // The API holds a different count than we thought (a reply lost before a reload): resume there.
        const expected = error.details?.expected_sequence;
        if (error.code === "segment_out_of_order" && Number.isInteger(expected) && expected <= this.state.segments.length && expected !== this.state.acknowledged) {
          this.state.acknowledged = expected;
          continue;
        }
        throw error;
      }
      this.state.intake = intake;
      this.state.acknowledged = Math.max(this.state.acknowledged + 1, Math.min(intake.next_sequence, this.state.segments.length));
      this.#save();
    }
    return this.state.intake;
  }

  async correct(fields) {
    await this.ensureCreated();
    this.state.intake = await this.api.correctFields(this.state.intakeId, fields);
    this.#save();
    return this.state.intake;
  }

  /** Submits; the draft is forgotten here once the API has it. */
  async submit(confirmInvalidDocument) {
    await this.flush();
    const intake = await this.api.submitIntake(this.state.intakeId, confirmInvalidDocument);
    this.discard();
    return intake;
  }

  discard() {
    this.state = Draft.empty();
    this.storage.removeItem(this.storageKey);
    for (const listener of this.listeners) listener(this.state);
  }
}
