// The intake form's fields as the intake API returns them ({value, confidence, source, start, end}),
// their Spanish labels, and the transcript text the extractor's offsets point into.

/** The API's field names in form order (acogida.intake.extract.FIELD_NAMES). */
export const FIELD_NAMES = [
  "given_name",
  "surnames",
  "document_type",
  "document_number",
  "document_valid",
  "birth_date",
  "nationality",
  "municipality",
  "phone",
  "household_size",
  "needs",
];

export const FIELD_LABELS = {
  given_name: "Nombre",
  surnames: "Apellidos",
  document_type: "Tipo de documento",
  document_number: "Número de documento",
  document_valid: "Documento válido",
  birth_date: "Fecha de nacimiento",
  nationality: "Nacionalidad (código ISO de 2 letras)",
  municipality: "Municipio",
  phone: "Teléfono",
  household_size: "Personas en el hogar",
  needs: "Necesidades",
};

export const DOCUMENT_TYPES = { DNI: "DNI", NIE: "NIE", PASSPORT: "Pasaporte" };

export const NEED_LABELS = {
  food: "Alimentación",
  housing: "Vivienda",
  employment: "Empleo",
  health: "Salud",
  legal: "Asesoría jurídica",
  financial: "Ayuda económica",
  psychological: "Apoyo psicológico",
  education: "Educación",
};

/** Speaker labels the API writes before each segment (acogida.intake.record.SPEAKER_LABELS). */
export const SPEAKER_LABELS = { staff: "Técnico", person: "Persona" };

/** Below this the extractor was unsure: the form marks the field for the technician to check. */
export const LOW_CONFIDENCE = 0.8;

/** Fields the technician can correct (document_valid follows from the document). */
export const CORRECTABLE_FIELDS = FIELD_NAMES.filter((name) => name !== "document_valid");

/** One segment as a transcript line, speaker-labelled when known (as the API joins them). */
export function segmentLine(segment) {
  const label = SPEAKER_LABELS[segment.speaker ?? ""];
  return label ? `${label}: ${segment.text}` : segment.text;
}

/** The draft transcript the extractor read: one line per segment. Field offsets index into it. */
export function transcriptText(segments) {
  return segments.map(segmentLine).join("\n");
}

/** Whether a field needs the technician's eye: extracted with low confidence, or an invalid document. */
export function needsReview(name, field) {
  if (!field) return false;
  if (name === "document_valid") return field.value === false;
  return field.source === "transcript" && typeof field.confidence === "number" && field.confidence < LOW_CONFIDENCE;
}

/** The transcript words a field came from, or null (corrections and fields without offsets). */
export function sourceWords(field, text) {
  if (!field || field.source !== "transcript") return null;
  const { start, end } = field;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > text.length || start >= end) {
    return null;
  }
  return text.slice(start, end);
}

/**
 * The transcript cut into plain and highlighted pieces: [{text, fields: [names]}], in order,
 * covering the whole text. Overlapping spans (type and number of one document) share a piece.
 */
export function highlightPieces(text, fields) {
  const cuts = new Set([0, text.length]);
  const spans = [];
  for (const [name, field] of Object.entries(fields ?? {})) {
    if (sourceWords(field, text) === null) continue;
    spans.push({ name, start: field.start, end: field.end });
    cuts.add(field.start);
    cuts.add(field.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [from, to] = [points[i], points[i + 1]];
    const names = spans.filter((span) => span.start <= from && to <= span.end).map((span) => span.name);
    const last = pieces[pieces.length - 1];
    if (last && last.fields.join() === names.join()) {
      last.text += text.slice(from, to);
    } else {
      pieces.push({ text: text.slice(from, to), fields: names });
    }
  }
  return pieces;
}

/** A field's value as the form's input shows it. */
export function displayValue(name, field) {
  if (!field || field.value === null || field.value === undefined) return name === "needs" ? [] : "";
  if (name === "needs") return Array.isArray(field.value) ? field.value : [];
  return String(field.value);
}

/**
 * What the technician typed, as the corrections API takes it: null clears the field; the household
 * size is a number; needs are a list. Returns {value} or {error} (a Spanish reason for the form).
 */
export function correctionValue(name, raw) {
  if (name === "needs") return { value: raw.length ? [...raw] : null };
  const text = String(raw ?? "").trim();
  if (text === "") return { value: null };
  if (name === "household_size") {
    if (!/^\d{1,2}$/.test(text) || Number(text) < 1) return { error: "Escriba un número de personas de 1 a 99." };
    return { value: Number(text) };
  }
  if (name === "birth_date" && !/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return { error: "Escriba la fecha como AAAA-MM-DD." };
  }
  if (name === "nationality" && !/^[A-Za-z]{2}$/.test(text)) {
    return { error: "Escriba el código de país de 2 letras (ES, MA, VE…)." };
  }
  return { value: name === "document_number" || name === "nationality" ? text.toUpperCase() : text };
}

/**
 * Lines typed or pasted into the transcript box as segments. A line that starts with
 * "Técnico:"/"Técnica:" or "Persona:" names its speaker; empty lines are skipped.
 */
export function segmentsFromTyped(text, defaultSpeaker = null) {
  const segments = [];
  for (const rawLine of String(text).split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line) continue;
    const match = /^(t[ée]cnic[oa]|persona)\s*:\s*(.*)$/i.exec(line);
    if (match && match[2].trim()) {
      const speaker = match[1].toLowerCase() === "persona" ? "person" : "staff";
      segments.push({ speaker, text: match[2].trim() });
    } else {
      segments.push({ speaker: defaultSpeaker, text: line });
    }
  }
  return segments;
}
