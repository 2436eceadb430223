/**
 * The start page: upload a document or an archive of them as a batch (drag and drop or choose), every
 * job and batch with its progress, and the stored documents.
 */
import { getProfiles, isArchive, upload } from "./api.js";
import { documentsTable } from "./documents-table.js";
import { h } from "./dom.js";
import { t } from "./i18n/index.js";
import { jobsTable } from "./jobs-table.js";

export function showHome(main: HTMLElement, signal: AbortSignal): void {
  const file = h("input", { type: "file", id: "file", name: "file", required: true });
  const profile = h("select", { id: "profile", name: "profile" });
  const language = h("input", {
    id: "language",
    name: "language",
    pattern: "[a-z]{2,3}",
    placeholder: t("upload.detected"),
    size: "6",
    "aria-describedby": "language-hint",
  });
  const progress = h("progress", { max: "1", value: "0", id: "upload-progress", hidden: true });
  const status = h("p", { role: "status", "aria-live": "polite", class: "status" });
  const drop = h("div", { class: "drop" }, h("label", { for: "file" }, t("upload.file")), file);
  const form = h(
    "form",
    { class: "upload", "aria-labelledby": "upload-title" },
    h("h2", { id: "upload-title" }, t("upload.title")),
    drop,
    h("label", { for: "profile" }, t("upload.profile")),
    profile,
    h("label", { for: "language" }, t("upload.language")),
    language,
    h("small", { id: "language-hint" }, t("upload.languageHint")),
    h("button", { type: "submit" }, t("upload.submit")),
    progress,
    status,
  );
  const documents = documentsTable(signal);
  const jobs = jobsTable(signal, (message) => {
    status.textContent = message;
    documents.refresh();
  });
  main.append(h("h1", {}, t("home.title")), form, jobs.element, documents.element);

  getProfiles()
    .then(({ default: preferred, profiles }) => {
      for (const p of profiles) {
        profile.append(h("option", { value: p.name, selected: p.name === preferred }, p.title ?? p.name));
      }
    })
    .catch((error: Error) => {
      status.textContent = error.message;
    });

  // The drop zone hands a dropped file to the input, so the form has one path for both.
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    const dropped = event.dataTransfer?.files;
    if (!dropped?.length) return;
    file.files = dropped;
    status.textContent = t("upload.ready", { name: dropped[0]?.name ?? "" });
  });
  // A file dropped beside the zone would make the browser leave the page to show it.
  for (const type of ["dragover", "drop"])
    window.addEventListener(type, (event) => event.preventDefault(), { signal });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    const body = new FormData();
    body.append("profile", profile.value);
    if (language.value) body.append("language", language.value);
    body.append("file", chosen, chosen.name);
    progress.hidden = false;
    progress.value = 0;
    status.textContent = t("upload.uploading", { name: chosen.name });
    upload(body, isArchive(chosen), (fraction) => {
      progress.value = fraction;
    })
      .then((job) => {
        progress.value = 1;
        status.textContent = t(job.kind === "batch" ? "upload.queuedBatch" : "upload.queuedJob", {
          name: chosen.name,
          id: job.id,
        });
        jobs.watch(job.id);
        form.reset();
      })
      .catch((error: Error) => {
        status.textContent = error.message;
      });
  });
}
