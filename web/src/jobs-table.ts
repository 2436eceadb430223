/**
 * All jobs and batches, newest first, from GET /v1/jobs: polled every second while one is running
 * (one request for the whole table, where an event stream per job would soon use up the browser's
 * connections to the server), every few seconds otherwise.
 */
import { FINISHED, type JobView, listJobs } from "./api.js";
import { h, placeChildren, rowCache } from "./dom.js";
import { formatDate, t } from "./i18n/index.js";
import { cancelButton, deleteJobButton, describeJob, jobFraction, jobKind, jobLabel } from "./job-status.js";
import { documentHref, jobHref } from "./routes.js";

const ACTIVE_POLL_MS = 1000;
const IDLE_POLL_MS = 5000;

function documentLink(job: JobView): string | undefined {
  if (job.state !== "done" || !job.document) return undefined;
  return documentHref(job.document, job.profile, { job: job.id });
}

/**
 * `announce` is told when a job seen running (or watched) ends, so that a screen reader hears it without
 * watching the table.
 */
export function jobsTable(
  signal: AbortSignal,
  announce: (message: string) => void,
): { element: HTMLElement; watch(id: string): void } {
  const body = h("tbody");
  const status = h("p", { class: "status", role: "status" });
  const more = h("button", { type: "button", hidden: true }, t("jobs.more"));
  // Takes the focus when the row that had it is deleted, so keyboard users keep their place.
  const title = h("h2", { id: "jobs-title", tabindex: "-1" }, t("jobs.title"));
  const element = h(
    "section",
    { "aria-labelledby": "jobs-title" },
    title,
    h(
      "table",
      { class: "jobs" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...[
            t("jobs.name"),
            t("jobs.kind"),
            t("jobs.profile"),
            t("jobs.started"),
            t("jobs.state"),
            t("jobs.progress"),
            "",
          ].map((title) => h("th", { scope: "col" }, title)),
        ),
      ),
      body,
    ),
    status,
    more,
  );
  /** Jobs last seen not finished. */
  const running = new Set<string>();
  /** How many pages of the listing are shown: the refresh re-reads them all. */
  let pages = 1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  signal.addEventListener("abort", () => clearTimeout(timer));

  const row = rowCache<JobView>(
    (job) => job.id,
    (job) => job.state,
    (job) => drawRow(job),
    (drawn, job) => {
      const [state, bar] = [drawn.querySelector(".state"), drawn.querySelector("progress")];
      if (state) state.textContent = describeJob(job);
      if (bar) bar.value = jobFraction(job);
    },
  );

  function drawRow(job: JobView): HTMLTableRowElement {
    const label = jobLabel(job);
    const bar = h("progress", { max: "1", "aria-label": t("jobs.progressOf", { name: label }) });
    bar.value = jobFraction(job);
    const link = documentLink(job);
    const actions = h("td", { class: "actions" });
    if (link) actions.append(h("a", { href: link }, t("jobs.open", { name: label })));
    if (job.kind !== "document")
      actions.append(h("a", { href: jobHref(job.id) }, t("jobs.details", { name: label })));
    const report = (error: Error) => {
      status.textContent = error.message;
    };
    actions.append(
      FINISHED.has(job.state)
        ? deleteJobButton(
            job,
            () => {
              status.textContent = t("jobs.deleted", { name: label });
              title.focus();
              refresh();
            },
            report,
          )
        : cancelButton(job, refresh, report),
    );
    return h(
      "tr",
      { "data-job": job.id },
      h("td", { dir: "auto" }, label),
      h("td", {}, jobKind(job)),
      h("td", {}, job.profile),
      h("td", {}, h("time", { datetime: job.createdAt }, formatDate(job.createdAt))),
      h("td", { class: "state" }, describeJob(job)),
      h("td", {}, bar),
      actions,
    );
  }

  async function load(): Promise<boolean> {
    const jobs: JobView[] = [];
    let next: string | undefined;
    for (let page = 0; page < pages; page++) {
      const answer = await listJobs(next);
      jobs.push(...answer.jobs);
      next = answer.next;
      if (!next) break;
    }
    if (signal.aborted) return false;
    for (const job of jobs) {
      if (running.has(job.id) && FINISHED.has(job.state))
        announce(
          `${jobLabel(job)}: ${describeJob(job)}.${documentLink(job) ? ` ${t("jobs.openFromTable")}` : ""}`,
        );
      if (FINISHED.has(job.state)) running.delete(job.id);
      else running.add(job.id);
    }
    placeChildren(body, jobs.map(row));
    more.hidden = !next;
    status.textContent = jobs.length ? "" : t("jobs.none");
    return jobs.some((job) => !FINISHED.has(job.state));
  }

  function refresh(): void {
    clearTimeout(timer);
    load()
      .catch((error: Error) => {
        status.textContent = error.message;
        return true;
      })
      .then((active) => {
        // A tab in the background is polled at the idle pace.
        const delay = active && !document.hidden ? ACTIVE_POLL_MS : IDLE_POLL_MS;
        if (!signal.aborted) timer = setTimeout(refresh, delay);
      });
  }

  more.addEventListener("click", () => {
    pages++;
    refresh();
  });
  refresh();
  return {
    element,
    /** A job just submitted from this page: listed at once, and announced when it ends. */
    watch(id) {
      running.add(id);
      refresh();
    },
  };
}
