// Sign-in with the Cognito user pool, and the new password Cognito asks of a first-time user.

import { h, notice, show } from "./dom.js";

export function signInView(auth, onSignedIn, reason) {
  const error = h("div", { id: "signin-error", class: "messages" }, reason ? notice("error", reason) : null);
  const email = h("input", { id: "signin-email", type: "email", autocomplete: "username", required: true });
  const password = h("input", { id: "signin-password", type: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { id: "signin-submit", type: "submit", class: "primary" }, "Entrar");
  const form = h(
    "form",
    { id: "signin-form", class: "signin", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, "Entrar en Acogida"),
    h("div", { class: "field" }, h("label", { for: "signin-email" }, "Correo electrónico"), email),
    h("div", { class: "field" }, h("label", { for: "signin-password" }, "Contraseña"), password),
    submit,
    error,
  );

  async function attempt(work) {
    submit.disabled = true;
    try {
      const answer = await work();
      if (answer.challenge) return askNewPassword(answer);
      onSignedIn();
    } catch (failure) {
      show(error, notice("error", failure.message));
    } finally {
      submit.disabled = false;
    }
  }

  function askNewPassword(challenge) {
    const fresh = h("input", { id: "new-password", type: "password", autocomplete: "new-password", required: true, minlength: "12" });
    const repeat = h("input", { id: "new-password-repeat", type: "password", autocomplete: "new-password", required: true });
    show(
      form,
      h("h1", { id: "signin-title" }, "Elija su contraseña"),
      h("p", {}, "Es su primer acceso: elija una contraseña de al menos 12 caracteres con mayúsculas, minúsculas, números y símbolos."),
      h("div", { class: "field" }, h("label", { for: "new-password" }, "Nueva contraseña"), fresh),
      h("div", { class: "field" }, h("label", { for: "new-password-repeat" }, "Repita la contraseña"), repeat),
      submit,
      error,
    );
    error.replaceChildren();
    fresh.focus();
    form.onsubmit = (event) => {
      event.preventDefault();
      if (fresh.value !== repeat.value) {
        show(error, notice("error", "Las contraseñas no coinciden."));
        return;
      }
      attempt(() => auth.completeNewPassword(challenge, fresh.value));
    };
  }

  form.onsubmit = (event) => {
    event.preventDefault();
    attempt(() => auth.signIn(email.value.trim(), password.value));
  };
  return form;
}
