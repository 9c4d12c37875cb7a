// Reentrenar: starts the forecast pipeline and follows each stage until it publishes or fails.

import { h, notice, show } from "./dom.js";
import { RUN_STATUS_LABELS, STAGE_LABELS, runFinished } from "./forecast.js";

const RUN_KEY = "acogida.run";
const POLL_MS = 2000;

export function retrainView({ api, signOut }) {
  const button = h("button", { id: "retrain-start", type: "button", class: "primary" }, "Reentrenar y publicar la previsión");
  const status = h("div", { id: "run-status", role: "status", "aria-live": "polite" });
  const stages = h("ol", { id: "run-stages", class: "stages" });
  const message = h("div", { id: "retrain-message", class: "messages" });
  let timer = null;
  let left = false;

  function render(run) {
    const label = RUN_STATUS_LABELS[run.status] ?? run.status;
    show(status, h("p", { class: `run run-${run.status}` }, `Ejecución ${run.run_id}: ${label}`), run.message ? h("p", { class: "reason" }, run.message) : null);
    show(
      stages,
      run.stages.map((stage) =>
        h(
          "li",
          { class: `stage stage-${stage.status}`, dataset: { stage: stage.name, status: stage.status } },
          h("span", { class: "stage-name" }, STAGE_LABELS[stage.name] ?? stage.name),
          h("span", { class: "stage-status" }, RUN_STATUS_LABELS[stage.status] ?? stage.status),
          stage.message ? h("span", { class: "stage-message" }, stage.message) : null,
        ),
      ),
    );
  }

  async function follow(runId) {
    if (left) return;
    try {
      const run = await api.run(runId);
      render(run);
      if (runFinished(run)) {
        sessionStorage.removeItem(RUN_KEY);
        button.disabled = false;
        show(message, notice(run.status === "succeeded" ? "ok" : "error", run.status === "succeeded" ? "Previsión publicada: ya puede verla en Previsión e Informes." : `La ejecución no terminó: ${run.message ?? RUN_STATUS_LABELS[run.status] ?? run.status}.`));
        return;
      }
      timer = setTimeout(() => follow(runId), POLL_MS);
    } catch (error) {
      if (error.status === 401) return signOut(error.message);
      if (error.status === 404) sessionStorage.removeItem(RUN_KEY);
      button.disabled = false;
      show(message, notice("error", error.message));
    }
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    message.replaceChildren();
    try {
      const { run_id: runId } = await api.startRun();
      sessionStorage.setItem(RUN_KEY, runId);
      show(status, h("p", { class: "run" }, `Ejecución ${runId}: en curso`));
      follow(runId);
    } catch (error) {
      if (error.status === 401) return signOut(error.message);
      button.disabled = false;
      show(message, notice("error", error.status === 409 ? `Ya hay una ejecución en curso: ${error.message}` : error.message));
    }
  });

  const page = h(
    "section",
    { class: "retrain", "aria-labelledby": "retrain-title" },
    h("h1", { id: "retrain-title" }, "Reentrenar la previsión"),
    h(
      "p",
      {},
      "Prepara la demanda con las acogidas registradas, entrena el modelo, lo compara con la referencia estacional y, si la mejora, publica la previsión y los informes de cada oficina.",
    ),
    button,
    message,
    status,
    stages,
  );
  const running = sessionStorage.getItem(RUN_KEY);
  if (running) {
    button.disabled = true;
    follow(running);
  }
  return {
    element: page,
    leave: () => {
      left = true;
      clearTimeout(timer);
    },
  };
}
