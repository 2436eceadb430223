/**
 * The jobs started from this browser (the API has no list of all jobs), kept in localStorage, each
 * followed live over the job's Server-Sent Events until it ends. A job or batch id can be added by hand.
 */
import { FINISHED, getJob, type JobView } from "./api.js";
import { h } from "./dom.js";

const KEY = "palimpsest.jobs";

interface Remembered {
  id: string;
  label: string;
}

function remembered(): Remembered[] {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? "[]") as unknown;
    return Array.isArray(value) ? (value as Remembered[]) : [];
  } catch {
    return [];
  }
}

export function rememberJob(id: string, label: string): void {
  const jobs = remembered().filter((job) => job.id !== id);
  localStorage.setItem(KEY, JSON.stringify([{ id, label }, ...jobs].slice(0, 50)));
}

function describe(job: JobView): string {
  const { done, failed, total } = job.progress.documents;
  const counts = job.kind === "document" ? "" : ` · ${done + failed} of ${total} documents`;
  const eta = job.progress.etaSeconds ? ` · about ${Math.ceil(job.progress.etaSeconds)} s left` : "";
  return `${job.state}${counts}${eta}`;
}

export function jobsList(): { element: HTMLElement; follow(id: string, label: string): void } {
  const list = h("ul", { class: "jobs" });
  const idInput = h("input", { id: "job-id", required: true, size: "30" });
  const add = h(
    "form",
    { class: "inline" },
    h("label", { for: "job-id" }, "Follow a job or batch by id"),
    idInput,
    h("button", { type: "submit" }, "Follow"),
  );
  const element = h(
    "section",
    { "aria-labelledby": "jobs-title" },
    h("h2", { id: "jobs-title" }, "Jobs and batches"),
    list,
    add,
  );

  function follow(id: string, label: string): void {
    const state = h("span", { class: "state" }, "loading…");
    const bar = h("progress", { max: "1", "aria-label": `Progress of ${label}` });
    const open = h("span", {});
    const item = h(
      "li",
      { "data-job": id },
      h("span", { dir: "auto", class: "label" }, label),
      " ",
      state,
      bar,
      open,
    );
    list.querySelector(`[data-job="${CSS.escape(id)}"]`)?.remove();
    list.prepend(item);

    const show = (job: JobView) => {
      state.textContent = describe(job);
      const { done, failed, total } = job.progress.documents;
      bar.value = FINISHED.has(job.state) ? 1 : total ? (done + failed) / total : 0;
      if (job.state === "done" && job.document && !open.firstChild) {
        const query = new URLSearchParams({ profile: job.profile, job: job.id });
        open.append(
          h("a", { href: `#/documents/${encodeURIComponent(job.document)}?${query}` }, `Open ${label}`),
        );
      }
      if (job.state === "done" && job.kind !== "document" && !open.firstChild) {
        open.append(h("a", { href: `${job.links.results}?format=csv` }, "Results (CSV)"));
      }
    };
    getJob(id)
      .then((job) => {
        show(job);
        if (FINISHED.has(job.state)) return;
        const events = new EventSource(job.links.events);
        const update = (event: MessageEvent<string>) => show(JSON.parse(event.data) as JobView);
        events.addEventListener("progress", update);
        events.addEventListener("end", (event) => {
          update(event);
          events.close();
        });
      })
      .catch((error: Error) => {
        state.textContent = error.message;
      });
  }

  add.addEventListener("submit", (event) => {
    event.preventDefault();
    const id = idInput.value.trim();
    rememberJob(id, id);
    follow(id, id);
    add.reset();
  });
  for (const job of remembered().reverse()) follow(job.id, job.label);
  return { element, follow };
}
