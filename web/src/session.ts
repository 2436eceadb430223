/**
 * Signing in: the page asks GET /v1/session who it works for. When the API asks for keys and nobody is
 * signed in (401, at start or later when the session ends), it shows a sign-in form for an API key;
 * the key goes to POST /v1/session, which sets an HttpOnly cookie, and the page forgets it. In open mode
 * a banner says that anyone who reaches the service can read and delete everything.
 */
import { getSession, type Session, SIGN_IN_NEEDED, SignInNeeded, signIn, signOut } from "./api.js";
import { h } from "./dom.js";
import { type MessageKey, t } from "./i18n/index.js";

interface Views {
  /** Shows the view the address asks for. */
  start(): void;
  /** Stops the view shown (its requests and timers). */
  stop(): void;
}

export function startSession(views: Views): void {
  const main = document.getElementById("main");
  if (!main) return;
  const signedIn = (session: Session) => {
    showIdentity(session, main);
    views.start();
  };
  window.addEventListener(SIGN_IN_NEEDED, () => {
    if (main.querySelector("#sign-in")) return;
    views.stop();
    showSignIn(main, signedIn);
  });
  getSession()
    .then(signedIn)
    .catch((error: Error) => {
      // SignInNeeded has shown the form already (through SIGN_IN_NEEDED).
      if (!(error instanceof SignInNeeded)) main.replaceChildren(h("p", { role: "alert" }, error.message));
    });
}

const ROLES: Record<Session["role"], MessageKey> = {
  reader: "role.reader",
  submitter: "role.submitter",
  admin: "role.admin",
};

function showSignIn(main: HTMLElement, signedIn: (session: Session) => void): void {
  document.getElementById("identity")?.remove();
  const key = h("input", {
    id: "api-key",
    name: "key",
    type: "password",
    autocomplete: "off",
    required: true,
    spellcheck: "false",
  });
  const status = h("p", { role: "status", "aria-live": "polite", class: "status" });
  const form = h(
    "form",
    { id: "sign-in", class: "sign-in", "aria-labelledby": "sign-in-title" },
    h("h1", { id: "sign-in-title" }, t("signIn.title")),
    h("p", {}, t("signIn.explain")),
    h("label", { for: "api-key" }, t("signIn.key")),
    key,
    h("button", { type: "submit" }, t("signIn.submit")),
    status,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    status.textContent = t("signIn.signingIn");
    signIn(key.value)
      .then((session) => {
        main.replaceChildren();
        signedIn(session);
      })
      .catch((error: Error) => {
        status.textContent = error.message;
        key.select();
      });
  });
  main.replaceChildren(form);
  key.focus();
}

/** The tenant and role in the header with a Sign out button, or the open-mode banner. */
function showIdentity(session: Session, main: HTMLElement): void {
  const header = document.querySelector("header.site");
  if (!header) return;
  document.getElementById("identity")?.remove();
  if (session.mode === "open") {
    if (!document.getElementById("open-mode"))
      header.after(h("p", { id: "open-mode", class: "banner", role: "note" }, t("signIn.openMode")));
    return;
  }
  const out = h("button", { type: "button" }, t("signIn.signOut"));
  out.addEventListener("click", () => {
    signOut()
      .catch(() => {})
      .finally(() => {
        window.dispatchEvent(new Event(SIGN_IN_NEEDED));
        main.focus();
      });
  });
  header.append(
    h("p", { id: "identity", class: "identity" }, `${session.tenant} · ${t(ROLES[session.role])} `, out),
  );
}
