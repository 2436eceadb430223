/**
 * One job or batch: its progress live (the job's event stream), Cancel, its results, the entries of
 * the archive that were skipped, and its documents page by page, each with its state and a link to
 * open it, so a batch can be checked before its results are trusted.
 */
import { FINISHED, getBatch, getJob, type JobDocument, type JobView, listJobDocuments } from "./api.js";
import { h, placeChildren, rowCache } from "./dom.js";
import { formatNumber, type MessageKey, t } from "./i18n/index.js";
import { cancelButton, describeJob, jobFraction, jobKind, jobLabel } from "./job-status.js";
import { DOCUMENT_STATES, describeDocuments, describeProgress } from "./review-progress.js";
import { documentHref } from "./routes.js";

const PAGE_SIZE = 100;

/** The states a job's document can be in, as the filter offers them ("all" first). */
const TASK_STATES: Record<string, MessageKey> = {
  all: "task.all",
  queued: "task.queued",
  running: "task.running",
  retrying: "task.retrying",
  done: "task.done",
  failed: "task.failed",
  cancelled: "task.cancelled",
};

const taskState = (state: string) => (TASK_STATES[state] ? t(TASK_STATES[state]) : state);
/** The documents shown are read again at most this often while the job runs. */
const DOCUMENTS_REFRESH_MS = 2000;

export async function showJob(main: HTMLElement, id: string, signal: AbortSignal): Promise<void> {
  main.append(h("p", { role: "status" }, t("job.loading")));
  let job: JobView;
  try {
    job = await getJob(id);
  } catch (error) {
    main.replaceChildren(h("h1", {}, t("job.title")), h("p", { role: "alert" }, (error as Error).message));
    return;
  }
  const title = h("h1", { dir: "auto" }, jobLabel(job));
  const state = h("p", { class: "state", role: "status" });
  const bar = h("progress", { max: "1", "aria-label": t("job.progress") });
  const actions = h("p", { class: "actions" });
  const documents = documentsTable(id, job.profile, signal);
  const skipped = h("section", { "aria-labelledby": "skipped-title" });

  /** The archive's skipped entries, read again as unpacking finds more. */
  const loadSkipped = async () => {
    if (job.kind !== "batch") return;
    const batch = await getBatch(id);
    if (signal.aborted || !batch.skipped.length) return;
    skipped.replaceChildren(
      h("h2", { id: "skipped-title" }, t("job.skipped", { count: batch.progress.skipped })),
      h(
        "ul",
        {},
        ...batch.skipped.map((entry) =>
          h("li", {}, h("code", { dir: "auto" }, entry.path), ` ${entry.reason}: ${entry.message}`),
        ),
      ),
    );
  };
  let drawnState = "";
  const show = (view: JobView) => {
    state.textContent = describeJob(view);
    bar.value = jobFraction(view);
    // Redrawn only when the state changes, so that the focus stays on Cancel while progress moves.
    if (view.state === drawnState) return;
    drawnState = view.state;
    loadSkipped().catch((error: Error) => {
      skipped.textContent = error.message;
    });
    actions.replaceChildren(
      h(
        "a",
        { href: `${view.links.results}?format=jsonl`, download: `${view.id}.jsonl` },
        t("job.resultsJsonl"),
      ),
      h("a", { href: `${view.links.results}?format=csv`, download: `${view.id}.csv` }, t("job.resultsCsv")),
      FINISHED.has(view.state)
        ? ""
        : cancelButton(view, show, (error) => {
            state.textContent = error.message;
          }),
    );
  };
  show(job);
  main.replaceChildren(
    title,
    h(
      "p",
      { class: "meta" },
      t("job.meta", {
        kind: jobKind(job),
        profile: job.profile,
        started: new Date(job.createdAt),
        id: job.id,
      }),
    ),
    state,
    bar,
    documents.review,
    actions,
    documents.element,
    skipped,
  );

  if (FINISHED.has(job.state)) return;
  const events = new EventSource(job.links.events);
  signal.addEventListener("abort", () => events.close());
  const update = (event: MessageEvent<string>) => {
    show(JSON.parse(event.data) as JobView);
    documents.refreshSoon();
  };
  events.addEventListener("progress", update);
  events.addEventListener("end", (event) => {
    update(event);
    events.close();
  });
}

function documentsTable(jobId: string, profile: string, signal: AbortSignal) {
  const body = h("tbody");
  const status = h("p", { class: "status", role: "status" });
  const more = h("button", { type: "button", hidden: true }, t("documents.more"));
  const filter = h(
    "select",
    { id: "document-state" },
    ...Object.entries(TASK_STATES).map(([value, key]) => h("option", { value }, t(key))),
  );
  const review = h("p", { class: "review-progress", role: "status" });
  const element = h(
    "section",
    { "aria-labelledby": "documents-title" },
    h("h2", { id: "documents-title" }, t("documents.title")),
    h("p", { class: "inline" }, h("label", { for: "document-state" }, t("job.showState")), filter),
    h(
      "table",
      { class: "documents" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...[
            t("job.entry"),
            t("job.stateColumn"),
            t("documents.pages"),
            t("job.tries"),
            t("documents.reviewColumn"),
            "",
          ].map((title) => h("th", { scope: "col" }, title)),
        ),
      ),
      body,
    ),
    status,
    more,
  );
  let shown = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  signal.addEventListener("abort", () => clearTimeout(timer));

  const row = rowCache<JobDocument>(
    (entry) => String(entry.task),
    (entry) => `${entry.state} ${entry.attempts} ${JSON.stringify(entry.review)}`,
    (entry) => drawRow(entry),
  );
  const drawRow = (entry: JobDocument) => {
    return h(
      "tr",
      {},
      h("td", { dir: "auto" }, entry.path),
      h("td", {}, entry.error ? `${taskState(entry.state)}: ${entry.error.message}` : taskState(entry.state)),
      h("td", {}, entry.pages === undefined ? "" : formatNumber(entry.pages)),
      h("td", {}, formatNumber(entry.attempts)),
      h("td", {}, entry.review ? t(DOCUMENT_STATES[entry.review.state]) : ""),
      h(
        "td",
        {},
        entry.state === "done"
          ? h(
              "a",
              { href: documentHref(entry.document, profile, { job: jobId }) },
              t("documents.open", { name: entry.path }),
            )
          : "",
      ),
    );
  };

  /** Reads the first `count` documents again (at least one page). */
  async function load(count: number): Promise<void> {
    const state = filter.value === "all" ? undefined : filter.value;
    const entries: JobDocument[] = [];
    let after: number | undefined;
    do {
      const answer = await listJobDocuments(jobId, { state, after, limit: PAGE_SIZE });
      entries.push(...answer.documents);
      if (answer.review)
        review.textContent = t("job.review", {
          documents: answer.review.documents ? describeDocuments(answer.review.documents) : "",
          counts: describeProgress(answer.review),
        });
      after = answer.next;
    } while (after !== undefined && entries.length < count);
    if (signal.aborted) return;
    placeChildren(body, entries.map(row));
    shown = entries.length;
    more.hidden = after === undefined;
    status.textContent = entries.length ? "" : t("job.noneInState");
  }
  const report = (error: Error) => {
    status.textContent = error.message;
  };

  filter.addEventListener("change", () => load(PAGE_SIZE).catch(report));
  more.addEventListener("click", () => load(shown + PAGE_SIZE).catch(report));
  load(PAGE_SIZE).catch(report);
  return {
    element,
    review,
    refreshSoon() {
      timer ??= setTimeout(() => {
        timer = undefined;
        load(Math.max(shown, PAGE_SIZE)).catch(report);
      }, DOCUMENTS_REFRESH_MS);
    },
  };
}
