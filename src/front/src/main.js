// The app shell: configuration, sign-in, and the screens each group may use
// (technician: Nueva acogida, Previsión; coordinator: Previsión, Reentrenar, Informes).

import { Api } from "./api.js";
import { CognitoAuth } from "./auth.js";
import { loadConfig } from "./config.js";
import { h, notice, show } from "./dom.js";
import { forecastView } from "./forecast-view.js";
import { intakeView } from "./intake-view.js";
import { reportsView } from "./reports-view.js";
import { retrainView } from "./retrain-view.js";
import { signInView } from "./signin-view.js";

export const SCREENS = [
  { route: "acogida", label: "Nueva acogida", groups: ["technician"], view: intakeView },
  { route: "prevision", label: "Previsión", groups: ["technician", "coordinator"], view: forecastView },
  { route: "reentrenar", label: "Reentrenar", groups: ["coordinator"], view: retrainView },
  { route: "informes", label: "Informes", groups: ["coordinator"], view: reportsView },
];

export function screensFor(groups) {
  return SCREENS.filter((screen) => screen.groups.some((group) => groups.includes(group)));
}

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const account = document.getElementById("account");
let current = null;

function routeOf(hash) {
  return hash.replace(/^#\/?/, "");
}

async function start() {
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    show(main, notice("error", `La aplicación no está configurada: ${error.message}`));
    return;
  }
  const auth = new CognitoAuth(config);
  const api = new Api(config.apiUrl, () => auth.idToken());

  const signOut = async (reason) => {
    current?.leave();
    current = null;
    for (const key of Object.keys(sessionStorage)) {
      if (key.startsWith("acogida.")) sessionStorage.removeItem(key);
    }
    await auth.signOut();
    renderSignIn(reason);
  };

  function renderSignIn(reason) {
    nav.replaceChildren();
    account.replaceChildren();
    show(main, signInView(auth, () => renderApp(), reason));
    main.querySelector("input")?.focus();
  }

  function renderApp() {
    const user = auth.user();
    if (!user) return renderSignIn();
    const screens = screensFor(user.groups);
    if (!screens.length || !user.office) {
      show(main, notice("error", "Su usuario no tiene grupo u oficina asignados. Pida acceso a la persona administradora."));
      show(account, h("button", { type: "button", id: "sign-out", onclick: () => signOut() }, "Salir"));
      return;
    }
    show(
      account,
      h("span", { class: "who" }, `${user.email} · ${user.office}`),
      h("button", { type: "button", id: "sign-out", onclick: () => signOut() }, "Salir"),
    );
    const route = screens.some((screen) => screen.route === routeOf(location.hash)) ? routeOf(location.hash) : screens[0].route;
    show(
      nav,
      h(
        "ul",
        {},
        screens.map((screen) =>
          h("li", {}, h("a", { href: `#/${screen.route}`, "aria-current": screen.route === route ? "page" : null, dataset: { route: screen.route } }, screen.label)),
        ),
      ),
    );
    const screen = screens.find((item) => item.route === route);
    current?.leave();
    current = screen.view({ api, auth, config, user, signOut });
    show(main, current.element);
    document.title = `${screen.label} · Acogida`;
  }

  window.addEventListener("hashchange", () => auth.user() && renderApp());
  if (auth.user()) renderApp();
  else renderSignIn();
}

start();
