/** Hash routes: #/ (upload and jobs) and #/documents/:id?profile=&job= (the document view). */
import { showDocument } from "./document-view.js";
import { showHome } from "./home.js";

function route(): void {
  const main = document.getElementById("main");
  if (!main) return;
  const [path = "", query = ""] = location.hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query);
  const documentId = /^\/documents\/([^/]+)$/.exec(path)?.[1];
  main.replaceChildren();
  if (documentId) void showDocument(main, decodeURIComponent(documentId), params);
  else showHome(main);
}

window.addEventListener("hashchange", route);
route();
