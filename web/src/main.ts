/**
 * Hash routes: #/ (upload, jobs and batches), #/jobs/:id (one job or batch with its documents) and
 * #/documents/:id?profile=&page=&mention= (the document view). A new address for the document already
 * shown moves within it rather than loading it again.
 */
import { type DocumentView, showDocument } from "./document-view.js";
import { showHome } from "./home.js";
import { showJob } from "./job-page.js";
import { startSession } from "./session.js";
import { siteHeader } from "./site-header.js";

let shown: { path: string; controller: AbortController; document?: DocumentView } | undefined;

function route(): void {
  const main = document.getElementById("main");
  if (!main) return;
  const [path = "", query = ""] = location.hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query);
  const documentId = /^\/documents\/([^/]+)$/.exec(path)?.[1];
  const jobId = /^\/jobs\/([^/]+)$/.exec(path)?.[1];
  if (shown?.path === path && shown.document?.shows(params.get("profile"))) {
    shown.document.update(params);
    return;
  }
  shown?.controller.abort();
  const controller = new AbortController();
  shown = { path, controller };
  main.replaceChildren();
  if (documentId)
    shown.document = showDocument(main, decodeURIComponent(documentId), params, controller.signal);
  else if (jobId) void showJob(main, decodeURIComponent(jobId), controller.signal);
  else showHome(main, controller.signal);
  // A new view: screen readers start reading from it, not from wherever the focus was.
  main.focus({ preventScroll: true });
}

/** The view shown stops (requests, timers): signing out, or a session that ended. */
function leave(): void {
  shown?.controller.abort();
  shown = undefined;
}

window.addEventListener("hashchange", route);
siteHeader();
startSession({ start: route, stop: leave });
