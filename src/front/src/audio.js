// Microphone samples to what Transcribe streaming takes: 16 kHz, mono, 16-bit little-endian PCM.

export const TRANSCRIBE_SAMPLE_RATE = 16000;

/** Averages the input samples that fall in each output sample (a box filter: enough for speech). */
export function downsample(samples, fromRate, toRate = TRANSCRIBE_SAMPLE_RATE) {
  if (fromRate === toRate) return Float32Array.from(samples);
  if (fromRate < toRate) throw new RangeError(`cannot upsample from ${fromRate} Hz to ${toRate} Hz`);
  const ratio = fromRate / toRate;
  const length = Math.floor(samples.length / ratio);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 1) {
    const start = Math.floor(i * ratio);
    const end = Math.min(samples.length, Math.floor((i + 1) * ratio));
    let sum = 0;
    for (let j = start; j < end; j += 1) sum += samples[j];
    out[i] = end > start ? sum / (end - start) : 0;
  }
  return out;
}

/** Float samples in [-1, 1] (clipped) as 16-bit little-endian PCM bytes. */
export function toPcm16(samples) {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i += 1) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    view.setInt16(i * 2, s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff), true);
  }
  return bytes;
}

/**
 * What one Transcribe TranscriptEvent means for the screen: the final texts (each becomes a segment
 * sent to the intake API) and the current partial text (shown, not sent).
 */
export function readTranscriptEvent(event) {
  const finals = [];
  let partial = "";
  for (const result of event?.Transcript?.Results ?? []) {
    const text = (result.Alternatives?.[0]?.Transcript ?? "").trim();
    if (!text) continue;
    if (result.IsPartial) partial = text;
    else finals.push(text);
  }
  return { finals, partial };
}
