// Nueva acogida: the live transcript (microphone or typed), the form filling as fields arrive with
// the words they came from, the technician's corrections, and the submission.

import { Draft } from "./draft.js";
import { h, notice, show } from "./dom.js";
import {
  CORRECTABLE_FIELDS,
  DOCUMENT_TYPES,
  FIELD_LABELS,
  NEED_LABELS,
  correctionValue,
  displayValue,
  highlightPieces,
  needsReview,
  segmentsFromTyped,
  sourceWords,
} from "./fields.js";
import { Recorder } from "./recorder.js";

const INPUT_TYPES = { birth_date: "date", phone: "tel", household_size: "number" };

export function intakeView(context) {
  const { api, auth, config, user } = context;
  const draft = new Draft(api, sessionStorage, user.sub);
  let partial = "";
  let recorder = null;

  const message = h("div", { id: "intake-message", class: "messages" });
  const say = (kind, text) => show(message, notice(kind, text));

  // --- transcript ---------------------------------------------------------------------------
  const transcript = h("div", {
    id: "transcript",
    class: "transcript",
    tabindex: "0",
    role: "log",
    "aria-live": "polite",
    "aria-label": "Transcripción de la conversación",
  });
  const recordStatus = h("span", { id: "record-status", class: "record-status", role: "status" }, "Micrófono apagado");
  const recordButton = h("button", { id: "record-toggle", type: "button", class: "primary", "aria-pressed": "false" }, "Empezar a grabar");
  const retry = h(
    "button",
    { type: "button", id: "segment-retry", hidden: true, onclick: () => guard(() => draft.flush()).then(render) },
    "Reintentar envío",
  );
  const typed = h("textarea", {
    id: "segment-text",
    rows: "3",
    placeholder: "Persona: Me llamo …",
    "aria-describedby": "segment-help",
  });
  const speaker = h(
    "select",
    { id: "segment-speaker" },
    h("option", { value: "person" }, "Persona atendida"),
    h("option", { value: "staff" }, "Técnico/a"),
    h("option", { value: "" }, "Sin indicar"),
  );
  const addButton = h("button", { id: "segment-add", type: "submit" }, "Añadir a la transcripción");
  const typedForm = h(
    "form",
    { class: "typed", "aria-labelledby": "typed-title" },
    h("h3", { id: "typed-title" }, "Escribir o pegar la conversación"),
    h("label", { for: "segment-text" }, "Texto (una intervención por línea)"),
    typed,
    h(
      "p",
      { id: "segment-help", class: "help" },
      "Una línea que empieza por «Técnico:» o «Persona:» indica quién habla; si no, se usa el hablante elegido.",
    ),
    h("div", { class: "row" }, h("label", { for: "segment-speaker" }, "Hablante"), speaker, addButton),
  );

  function renderTranscript() {
    const text = draft.transcript;
    const fields = draft.state.intake?.fields ?? {};
    const pieces = highlightPieces(text, fields);
    const nodes = pieces.map((piece) =>
      piece.fields.length
        ? h(
            "mark",
            { dataset: { fields: piece.fields.join(" ") }, title: piece.fields.map((name) => FIELD_LABELS[name]).join(", ") },
            piece.text,
          )
        : piece.text,
    );
    show(
      transcript,
      text ? nodes : h("span", { class: "placeholder" }, "La transcripción aparecerá aquí."),
      partial ? h("span", { class: "partial" }, (text ? "\n" : "") + partial) : null,
    );
    transcript.scrollTop = transcript.scrollHeight;
  }

  // --- form ------------------------------------------------------------------------------------
  const inputs = {};
  const fieldBoxes = {};
  const sources = {};
  const fieldErrors = {};

  function fieldControl(name) {
    const id = `field-${name}`;
    if (name === "needs") {
      const boxes = Object.entries(NEED_LABELS).map(([code, label]) =>
        h("label", { class: "check" }, h("input", { type: "checkbox", id: `need-${code}`, value: code, name: "needs" }), label),
      );
      const fieldset = h("fieldset", { id, class: "needs" }, h("legend", {}, FIELD_LABELS.needs), boxes);
      return fieldset;
    }
    if (name === "document_type") {
      return h(
        "select",
        { id, name },
        h("option", { value: "" }, "—"),
        Object.entries(DOCUMENT_TYPES).map(([value, label]) => h("option", { value }, label)),
      );
    }
    const attributes = { id, name, type: INPUT_TYPES[name] ?? "text", autocomplete: "off" };
    if (name === "household_size") Object.assign(attributes, { min: "1", max: "99", inputmode: "numeric" });
    if (name === "nationality") Object.assign(attributes, { maxlength: "2" });
    return h("input", attributes);
  }

  const formFields = CORRECTABLE_FIELDS.map((name) => {
    const control = fieldControl(name);
    inputs[name] = control;
    sources[name] = h("p", { id: `source-${name}`, class: "source" });
    fieldErrors[name] = h("p", { id: `error-${name}`, class: "field-error", role: "alert" });
    if (control.tagName !== "FIELDSET") control.setAttribute("aria-describedby", `source-${name} error-${name}`);
    const box = h(
      "div",
      { class: "field", dataset: { field: name } },
      name === "needs" ? null : h("label", { for: `field-${name}` }, FIELD_LABELS[name]),
      control,
      sources[name],
      fieldErrors[name],
    );
    fieldBoxes[name] = box;
    control.addEventListener("change", () => correct(name));
    control.addEventListener("focusin", () => highlightField(name, true));
    control.addEventListener("focusout", () => highlightField(name, false));
    return box;
  });

  const documentStatus = h("p", { id: "document-status", class: "document-status", role: "status" });
  const confirmInvalid = h("input", { type: "checkbox", id: "confirm-invalid" });
  const confirmRow = h(
    "label",
    { class: "check confirm", hidden: true },
    confirmInvalid,
    "He comprobado el documento con la persona y lo registro aunque no sea válido",
  );
  const submitButton = h("button", { id: "submit-intake", type: "submit", class: "primary" }, "Registrar acogida");
  const result = h("div", { id: "intake-result", role: "status" });
  const form = h(
    "form",
    { id: "intake-form", class: "intake-form", "aria-labelledby": "form-title", novalidate: true },
    h("h2", { id: "form-title" }, "Datos de la acogida"),
    h("p", { class: "legend" }, h("span", { class: "badge review" }, "Revisar"), " confianza baja o dato dudoso · ", h("span", { class: "badge technician" }, "Corregido"), " escrito por el técnico"),
    formFields.slice(0, 4),
    documentStatus,
    formFields.slice(4),
    confirmRow,
    h("div", { class: "row" }, submitButton),
    result,
  );

  function highlightField(name, on) {
    for (const mark of transcript.querySelectorAll("mark")) {
      mark.classList.toggle("focused", on && mark.dataset.fields.split(" ").includes(name));
    }
  }

  function renderForm() {
    const intake = draft.state.intake;
    const fields = intake?.fields ?? {};
    const text = draft.transcript;
    for (const name of CORRECTABLE_FIELDS) {
      const field = fields[name];
      const control = inputs[name];
      const value = displayValue(name, field);
      if (name === "needs") {
        for (const box of control.querySelectorAll("input")) {
          if (document.activeElement !== box) box.checked = value.includes(box.value);
        }
      } else if (document.activeElement !== control) {
        control.value = value;
      }
      const box = fieldBoxes[name];
      const review = needsReview(name, field);
      box.classList.toggle("low-confidence", review);
      box.classList.toggle("from-technician", field?.source === "technician");
      box.classList.toggle("filled", Boolean(field));
      const words = sourceWords(field, text);
      const badges = [];
      if (review) badges.push(h("span", { class: "badge review" }, "Revisar"));
      if (field?.source === "technician") badges.push(h("span", { class: "badge technician" }, "Corregido"));
      show(sources[name], badges, words ? ` «${words}»` : "");
      if (control.tagName !== "FIELDSET") control.setAttribute("aria-invalid", review ? "true" : "false");
    }
    const valid = fields.document_valid?.value;
    const invalid = valid === false;
    show(
      documentStatus,
      valid === true ? "Documento válido (letra de control correcta)." : invalid ? "Documento NO válido: la letra de control no coincide. Compruébelo con la persona." : "",
    );
    documentStatus.classList.toggle("invalid", invalid);
    fieldBoxes.document_number.classList.toggle("invalid", invalid);
    confirmRow.hidden = !invalid;
    if (!invalid) confirmInvalid.checked = false;
    submitButton.disabled = !intake;
  }

  function render() {
    renderTranscript();
    renderForm();
    const pending = draft.pending;
    retry.hidden = pending === 0 || Boolean(draft.sending);
    if (!retry.hidden) say("error", `${pending} fragmento(s) sin enviar. Pulse «Reintentar envío».`);
  }
  draft.onChange(() => render());

  async function guard(work) {
    try {
      await work();
      message.replaceChildren();
    } catch (error) {
      if (error.code === "SessionExpired" || error.status === 401) return context.signOut(error.message);
      say("error", error.message);
    }
  }

  async function sendSegments(segments) {
    if (!segments.length) return;
    result.replaceChildren();
    await guard(() => draft.add(segments));
    render();
  }

  async function correct(name) {
    const control = inputs[name];
    const raw = name === "needs" ? [...control.querySelectorAll("input:checked")].map((box) => box.value) : control.value;
    const { value, error } = correctionValue(name, raw);
    fieldErrors[name].textContent = error ?? "";
    if (error) return;
    const current = draft.state.intake?.fields?.[name]?.value ?? null;
    if (JSON.stringify(current) === JSON.stringify(value)) return;
    try {
      await draft.correct({ [name]: value });
      fieldErrors[name].textContent = "";
    } catch (failure) {
      if (failure.status === 401) return context.signOut(failure.message);
      fieldErrors[name].textContent = failure.message;
    }
  }

  typedForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const segments = segmentsFromTyped(typed.value, speaker.value || null);
    if (!segments.length) {
      say("error", "Escriba algo de la conversación antes de añadirlo.");
      return;
    }
    addButton.disabled = true;
    await sendSegments(segments);
    addButton.disabled = false;
    if (!draft.pending) typed.value = "";
    typed.focus();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submitButton.disabled = true;
    try {
      const intake = await draft.submit(confirmInvalid.checked);
      partial = "";
      show(
        result,
        notice("ok", `Acogida registrada. Identificador: ${intake.intake_id}.`),
        h("button", { type: "button", id: "next-intake", onclick: () => startNew() }, "Empezar otra acogida"),
      );
      result.querySelector("button").focus();
    } catch (error) {
      if (error.status === 401) return context.signOut(error.message);
      const problems = error.details?.problems;
      say("error", Array.isArray(problems) && problems.length ? `No se puede registrar: ${problems.map((p) => `${FIELD_LABELS[p.field] ?? p.field}: ${p.reason}`).join("; ")}` : error.message);
      submitButton.disabled = false;
    }
  });

  function startNew() {
    recorder?.stop();
    draft.discard();
    partial = "";
    result.replaceChildren();
    message.replaceChildren();
    for (const control of Object.values(inputs)) {
      if (control.tagName === "FIELDSET") control.querySelectorAll("input").forEach((box) => (box.checked = false));
      else control.value = "";
    }
    render();
    typed.focus();
  }

  recordButton.addEventListener("click", async () => {
    if (recorder?.recording) {
      recorder.stop();
      recordButton.textContent = "Empezar a grabar";
      recordButton.setAttribute("aria-pressed", "false");
      recordStatus.textContent = "Micrófono apagado";
      partial = "";
      renderTranscript();
      return;
    }
    recorder = new Recorder(config, () => auth.idToken(), {
      onPartial: (text) => {
        partial = text;
        renderTranscript();
      },
      onFinal: (text) => {
        partial = "";
        sendSegments([{ text, speaker: null }]);
      },
      onError: (error) => {
        recordButton.textContent = "Empezar a grabar";
        recordButton.setAttribute("aria-pressed", "false");
        recordStatus.textContent = "Micrófono apagado";
        say("error", `La transcripción en directo se ha detenido: ${error.message}. Puede seguir escribiendo la conversación.`);
      },
    });
    recordButton.disabled = true;
    recordStatus.textContent = "Conectando…";
    try {
      await recorder.start();
      recordButton.textContent = "Detener grabación";
      recordButton.setAttribute("aria-pressed", "true");
      recordStatus.textContent = "Grabando: la transcripción llega en directo";
    } catch (error) {
      recordStatus.textContent = "Micrófono apagado";
      say("error", `No se puede grabar (${error.name === "NotAllowedError" ? "permiso del micrófono denegado" : error.message}). Puede escribir o pegar la conversación.`);
    } finally {
      recordButton.disabled = false;
    }
  });

  const page = h(
    "section",
    { class: "intake", "aria-labelledby": "intake-title" },
    h(
      "div",
      { class: "toolbar" },
      h("h1", { id: "intake-title" }, "Nueva acogida"),
      h("div", { class: "row" }, recordButton, recordStatus, retry, h("button", { type: "button", id: "new-intake", onclick: () => startNew() }, "Descartar y empezar de nuevo")),
    ),
    message,
    h(
      "div",
      { class: "columns" },
      h("div", { class: "column" }, h("h2", {}, "Conversación"), transcript, typedForm),
      h("div", { class: "column" }, form),
    ),
  );

  render();
  // A reload resumes the draft: its form from the API, unsent segments sent now.
  if (draft.state.intakeId) {
    guard(async () => {
      await draft.resume();
      if (draft.pending) await draft.flush();
      render();
    });
  }
  return { element: page, leave: () => recorder?.stop() };
}
