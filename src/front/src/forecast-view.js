// Previsión: the published forecast of one workforce type for the user's office: chart (observed
// recent days, p50, p10–p90 band), table and CSV download.

import { h, notice, show, svg } from "./dom.js";
import {
  WORKFORCE_LABELS,
  chartGeometry,
  defaultPeriod,
  forecastCsv,
  hours,
  periodProblem,
} from "./forecast.js";

export function forecastView({ api, user, signOut }) {
  const period = defaultPeriod();
  const type = h(
    "select",
    { id: "forecast-type", name: "workforce_type" },
    Object.entries(WORKFORCE_LABELS).map(([value, label]) => h("option", { value }, label)),
  );
  // The API serves only the user's own office; the choice is shown, not offered.
  const office = h("select", { id: "forecast-office", name: "location" }, h("option", { value: user.office }, user.office));
  const start = h("input", { id: "forecast-start", type: "date", value: period.start, required: true });
  const end = h("input", { id: "forecast-end", type: "date", value: period.end, required: true });
  const message = h("div", { id: "forecast-message", class: "messages" });
  const chart = h("figure", { id: "forecast-chart", class: "chart" });
  const table = h("div", { id: "forecast-table", class: "table-wrap" });
  const download = h("p", { class: "downloads" });
  let objectUrl = null;

  const form = h(
    "form",
    { class: "filters", "aria-label": "Consulta de la previsión" },
    h("div", { class: "field" }, h("label", { for: "forecast-type" }, "Perfil profesional"), type),
    h("div", { class: "field" }, h("label", { for: "forecast-office" }, "Oficina"), office),
    h("div", { class: "field" }, h("label", { for: "forecast-start" }, "Desde"), start),
    h("div", { class: "field" }, h("label", { for: "forecast-end" }, "Hasta"), end),
    h("button", { id: "forecast-show", type: "submit", class: "primary" }, "Ver previsión"),
  );

  async function load() {
    const problem = periodProblem(start.value, end.value);
    if (problem) {
      show(message, notice("error", problem));
      return;
    }
    show(message, notice("info", "Cargando…"));
    try {
      const forecast = await api.forecast({ workforce_type: type.value, start: start.value, end: end.value, location: office.value });
      render(forecast);
      message.replaceChildren();
      if (!forecast.days.length) show(message, notice("info", "No hay previsión publicada para estas fechas. Un coordinador puede reentrenar el modelo."));
    } catch (error) {
      if (error.status === 401) return signOut(error.message);
      show(message, notice("error", error.message));
    }
  }

  function render(forecast) {
    const label = WORKFORCE_LABELS[forecast.workforce_type] ?? forecast.workforce_type;
    const geometry = chartGeometry(forecast);
    if (!geometry) {
      chart.replaceChildren();
      table.replaceChildren();
      download.replaceChildren();
      return;
    }
    const title = `Horas de personal de ${label}, oficina ${forecast.location}`;
    const { plot } = geometry;
    show(
      chart,
      svg(
        "svg",
        { viewBox: `0 0 ${geometry.width} ${geometry.height}`, role: "img", "aria-labelledby": "chart-title chart-desc", class: "forecast-svg" },
        svg("title", { id: "chart-title" }, title),
        svg("desc", { id: "chart-desc" }, `${forecast.history.length} días observados y ${forecast.days.length} días de previsión: mediana (p50) y banda del 10 al 90 %.`),
        geometry.ticks.map((tick) => [
          svg("line", { x1: plot.left, x2: plot.right, y1: tick.y, y2: tick.y, class: "grid" }),
          svg("text", { x: plot.left - 8, y: tick.y + 4, class: "tick", "text-anchor": "end" }, hours(tick.value)),
        ]),
        geometry.dateTicks.map((tick) => svg("text", { x: tick.x, y: plot.bottom + 18, class: "tick", "text-anchor": "middle" }, tick.date.slice(5))),
        geometry.band ? svg("polygon", { points: geometry.band, class: "band" }) : null,
        geometry.observed ? svg("polyline", { points: geometry.observed, class: "observed" }) : null,
        geometry.median ? svg("polyline", { points: geometry.median, class: "median" }) : null,
        geometry.forecastStartX !== null ? svg("line", { x1: geometry.forecastStartX, x2: geometry.forecastStartX, y1: plot.top, y2: plot.bottom, class: "today" }) : null,
      ),
      h(
        "figcaption",
        {},
        h("span", { class: "key key-observed" }, "Observado"),
        h("span", { class: "key key-median" }, "Previsión (p50)"),
        h("span", { class: "key key-band" }, "Banda p10–p90"),
        forecast.run_id ? ` · publicada ${forecast.published_at ?? ""} (ejecución ${forecast.run_id})` : "",
      ),
    );
    show(
      table,
      h(
        "table",
        { class: "data" },
        h("caption", {}, `${title} (horas de personal por día)`),
        h("thead", {}, h("tr", {}, ["Fecha", "Mínimo probable (p10)", "Previsto (p50)", "Máximo probable (p90)"].map((name) => h("th", { scope: "col" }, name)))),
        h(
          "tbody",
          {},
          forecast.days.map((day) => h("tr", {}, h("th", { scope: "row" }, day.date), h("td", {}, hours(day.p10)), h("td", {}, hours(day.p50)), h("td", {}, hours(day.p90)))),
        ),
      ),
    );
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = URL.createObjectURL(new Blob([forecastCsv(forecast)], { type: "text/csv;charset=utf-8" }));
    show(
      download,
      h("a", { id: "forecast-csv", href: objectUrl, download: `prevision-${forecast.location}-${forecast.workforce_type}-${forecast.start}.csv` }, "Descargar CSV"),
    );
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });

  const page = h(
    "section",
    { class: "forecast", "aria-labelledby": "forecast-title" },
    h("h1", { id: "forecast-title" }, "Previsión de personal"),
    form,
    message,
    chart,
    download,
    table,
  );
  load();
  return { element: page, leave: () => objectUrl && URL.revokeObjectURL(objectUrl) };
}
