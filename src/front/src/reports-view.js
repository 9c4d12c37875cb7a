// Informes: the office's published reports (chart and table per run) with their download links.

import { h, notice, show } from "./dom.js";

function size(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function reportsView({ api, signOut }) {
  const list = h("div", { id: "reports-list" });
  const message = h("div", { id: "reports-message", class: "messages" }, notice("info", "Cargando…"));

  api
    .reports()
    .then((answer) => {
      message.replaceChildren();
      if (!answer.reports.length) {
        show(message, notice("info", "Aún no hay informes publicados para esta oficina."));
        return;
      }
      const minutes = Math.round(answer.link_expires_in_s / 60);
      show(
        list,
        h("p", { class: "help" }, `Oficina ${answer.office}. Los enlaces caducan en ${minutes} minutos; vuelva a abrir esta pantalla para renovarlos.`),
        h(
          "ul",
          { class: "reports" },
          answer.reports.map((report) =>
            h(
              "li",
              { dataset: { run: report.run_id } },
              h("h2", {}, `Publicado ${report.published_at}`),
              h("p", { class: "help" }, `Ejecución ${report.run_id}`),
              h(
                "ul",
                {},
                report.files.map((file) =>
                  h("li", {}, h("a", { href: file.url, rel: "noopener noreferrer", target: "_blank" }, file.name), ` (${size(file.size)})`),
                ),
              ),
            ),
          ),
        ),
      );
    })
    .catch((error) => {
      if (error.status === 401) return signOut(error.message);
      show(message, notice("error", error.message));
    });

  return {
    element: h("section", { class: "reports-page", "aria-labelledby": "reports-title" }, h("h1", { id: "reports-title" }, "Informes de la oficina"), message, list),
    leave: () => {},
  };
}
