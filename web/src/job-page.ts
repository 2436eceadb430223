/**
 * One job or batch: its progress live (the job's event stream), Cancel, its results, the entries of
 * the archive that were skipped, and its documents page by page, each with its state and a link to
 * open it, so a batch can be checked before its results are trusted.
 */
import { FINISHED, getBatch, getJob, type JobDocument, type JobView, listJobDocuments } from "./api.js";
import { h, placeChildren, rowCache } from "./dom.js";
import { cancelButton, describeJob, jobFraction, jobLabel } from "./job-status.js";
import { documentHref } from "./routes.js";

const PAGE_SIZE = 100;
/** The documents shown are read again at most this often while the job runs. */
const DOCUMENTS_REFRESH_MS = 2000;

export async function showJob(main: HTMLElement, id: string, signal: AbortSignal): Promise<void> {
  main.append(h("p", { role: "status" }, "Loading the job…"));
  let job: JobView;
  try {
    job = await getJob(id);
  } catch (error) {
    main.replaceChildren(h("h1", {}, "Job"), h("p", { role: "alert" }, (error as Error).message));
    return;
  }
  const title = h("h1", { dir: "auto" }, jobLabel(job));
  const state = h("p", { class: "state", role: "status" });
  const bar = h("progress", { max: "1", "aria-label": "Progress of the job" });
  const actions = h("p", { class: "actions" });
  const documents = documentsTable(id, job.profile, signal);
  const skipped = h("section", { "aria-labelledby": "skipped-title" });

  /** The archive's skipped entries, read again as unpacking finds more. */
  const loadSkipped = async () => {
    if (job.kind !== "batch") return;
    const batch = await getBatch(id);
    if (signal.aborted || !batch.skipped.length) return;
    skipped.replaceChildren(
      h("h2", { id: "skipped-title" }, `Skipped entries (${batch.progress.skipped})`),
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
        "Results (JSON Lines)",
      ),
      h("a", { href: `${view.links.results}?format=csv`, download: `${view.id}.csv` }, "Results (CSV)"),
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
      `${job.kind} · profile ${job.profile} · started ${new Date(job.createdAt).toLocaleString()} · id ${job.id}`,
    ),
    state,
    bar,
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
  const more = h("button", { type: "button", hidden: true }, "Show more documents");
  const filter = h(
    "select",
    { id: "document-state" },
    ...["all", "queued", "running", "retrying", "done", "failed", "cancelled"].map((value) =>
      h("option", { value }, value),
    ),
  );
  const element = h(
    "section",
    { "aria-labelledby": "documents-title" },
    h("h2", { id: "documents-title" }, "Documents"),
    h("p", { class: "inline" }, h("label", { for: "document-state" }, "Show documents that are"), filter),
    h(
      "table",
      { class: "documents" },
      h(
        "thead",
        {},
        h("tr", {}, ...["Entry", "State", "Pages", "Tries", ""].map((t) => h("th", { scope: "col" }, t))),
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
    (entry) => `${entry.state} ${entry.attempts}`,
    (entry) => drawRow(entry),
  );
  const drawRow = (entry: JobDocument) => {
    return h(
      "tr",
      {},
      h("td", { dir: "auto" }, entry.path),
      h("td", {}, entry.error ? `${entry.state}: ${entry.error.message}` : entry.state),
      h("td", {}, entry.pages === undefined ? "" : String(entry.pages)),
      h("td", {}, String(entry.attempts)),
      h(
        "td",
        {},
        entry.state === "done"
          ? h("a", { href: documentHref(entry.document, profile, { job: jobId }) }, `Open ${entry.path}`)
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
      after = answer.next;
    } while (after !== undefined && entries.length < count);
    if (signal.aborted) return;
    placeChildren(body, entries.map(row));
    shown = entries.length;
    more.hidden = after === undefined;
    status.textContent = entries.length ? "" : "No document in this state.";
  }
  const report = (error: Error) => {
    status.textContent = error.message;
  };

  filter.addEventListener("change", () => load(PAGE_SIZE).catch(report));
  more.addEventListener("click", () => load(shown + PAGE_SIZE).catch(report));
  load(PAGE_SIZE).catch(report);
  return {
    element,
    refreshSoon() {
      timer ??= setTimeout(() => {
        timer = undefined;
        load(Math.max(shown, PAGE_SIZE)).catch(report);
      }, DOCUMENTS_REFRESH_MS);
    },
  };
}
