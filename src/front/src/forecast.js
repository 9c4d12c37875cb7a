// The forecast screen's data: workforce types, default dates, the chart's geometry (pure, so it is
// tested without a browser) and the CSV download.

/** Spanish names of the workforce types (acogida/etl/data/workforce.json). */
export const WORKFORCE_LABELS = {
  social_worker: "Trabajo social",
  employment_advisor: "Orientación laboral",
  lawyer: "Abogacía",
  psychologist: "Psicología",
  educator: "Educación",
};

export const MAX_FORECAST_DAYS = 90; // the API's MAX_FORECAST_DAYS

export function isoDate(date) {
  return date.toISOString().slice(0, 10);
}

export function addDays(iso, days) {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return isoDate(date);
}

/** Four weeks from today, the span the pipeline forecasts by default. */
export function defaultPeriod(today = new Date()) {
  const start = isoDate(today);
  return { start, end: addDays(start, 27) };
}

/** A Spanish reason when the period cannot be asked for, else null. */
export function periodProblem(start, end) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start ?? "") || !/^\d{4}-\d{2}-\d{2}$/.test(end ?? "")) {
    return "Elija la fecha de inicio y la de fin.";
  }
  if (end < start) return "La fecha de fin es anterior a la de inicio.";
  const days = (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86400000 + 1;
  if (days > MAX_FORECAST_DAYS) return `Como mucho ${MAX_FORECAST_DAYS} días por consulta.`;
  return null;
}

/** Rounds for display: staff-hours with one decimal. */
export function hours(value) {
  return Number(value).toLocaleString("es-ES", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/**
 * The chart's geometry in a width × height box: an x position per date (history, then forecast),
 * the p10–p90 band as a closed polygon, the p50 and observed lines as polylines, and value ticks.
 */
export function chartGeometry(forecast, { width = 760, height = 320, margin = { top: 16, right: 16, bottom: 40, left: 56 } } = {}) {
  const history = forecast.history ?? [];
  const days = forecast.days ?? [];
  const dates = [...new Set([...history.map((d) => d.date), ...days.map((d) => d.date)])].sort();
  if (!dates.length) return null;
  const values = [...history.map((d) => d.demand), ...days.flatMap((d) => [d.p10, d.p50, d.p90])];
  const top = niceCeiling(Math.max(1, ...values));
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const step = dates.length > 1 ? plotWidth / (dates.length - 1) : 0;
  const index = new Map(dates.map((date, i) => [date, i]));
  const x = (date) => round(margin.left + index.get(date) * step + (dates.length > 1 ? 0 : plotWidth / 2));
  const y = (value) => round(margin.top + plotHeight - (Math.max(0, value) / top) * plotHeight);
  const points = (rows, pick) => rows.map((row) => `${x(row.date)},${y(pick(row))}`).join(" ");
  const band = days.length
    ? [...days.map((d) => `${x(d.date)},${y(d.p90)}`), ...[...days].reverse().map((d) => `${x(d.date)},${y(d.p10)}`)].join(" ")
    : "";
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ value: round(top * f), y: y(top * f) }));
  const labelEvery = Math.max(1, Math.ceil(dates.length / 8));
  const dateTicks = dates.filter((_, i) => i % labelEvery === 0).map((date) => ({ date, x: x(date) }));
  return {
    width,
    height,
    plot: { left: margin.left, right: width - margin.right, top: margin.top, bottom: height - margin.bottom },
    band,
    median: points(days, (d) => d.p50),
    observed: points(history, (d) => d.demand),
    forecastStartX: days.length ? x(days[0].date) : null,
    ticks,
    dateTicks,
    top,
  };
}

function niceCeiling(value) {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 2.5, 5, 10]) {
    if (factor * magnitude >= value) return factor * magnitude;
  }
  return 10 * magnitude;
}

function round(value) {
  return Math.round(value * 10) / 10;
}

/** A cell that a spreadsheet would read as a formula gets a leading apostrophe. */
function csvCell(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The forecast as CSV: the observed days, then the forecast days (UTF-8, comma-separated). */
export function forecastCsv(forecast) {
  const rows = [["fecha", "oficina", "perfil", "tipo", "observado", "p10", "p50", "p90"]];
  for (const day of forecast.history ?? []) {
    rows.push([day.date, forecast.location, forecast.workforce_type, "observado", day.demand, "", "", ""]);
  }
  for (const day of forecast.days ?? []) {
    rows.push([day.date, forecast.location, forecast.workforce_type, "previsión", "", day.p10, day.p50, day.p90]);
  }
  return rows.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** Spanish names of the pipeline's states (the API's snake_case statuses). */
export const RUN_STATUS_LABELS = {
  pending: "Pendiente",
  in_progress: "En curso",
  succeeded: "Completada",
  failed: "Fallida",
  abandoned: "Abandonada",
  skipped: "Omitida",
  stopped: "Detenida",
  stopping: "Deteniéndose",
  superseded: "Sustituida",
  cancelled: "Cancelada",
};

export const STAGE_LABELS = {
  Source: "Código fuente",
  Prepare: "Preparar datos",
  Train: "Entrenar",
  Gate: "Control de calidad",
  Approval: "Aprobación",
  Publish: "Publicar",
};

/** Whether a run has ended (the screen stops polling). */
export function runFinished(run) {
  return !["in_progress", "stopping", "pending"].includes(run?.status);
}
