/** Jobs and batches as the API shows them, and a job's progress as the CLI prints it too. */
import { type Static, Type } from "typebox";
import { JOB_KINDS, JOB_STATES, TASK_STATES } from "../store/port.js";
import { count, dateTime, link, refTo, stringEnum } from "./builders.js";
import { ReviewProgress } from "./review.js";

const byState = Object.fromEntries(TASK_STATES.map((state) => [state, count()])) as Record<
  (typeof TASK_STATES)[number],
  ReturnType<typeof count>
>;

export const StoredError = Type.Object(
  {
    code: Type.String({ description: "A code of the error catalogue, as it was when the error was stored." }),
    message: Type.String(),
    retryable: Type.Boolean(),
  },
  { $id: "StoredError", description: "Why a job or one of its documents failed." },
);

export const JobProgress = Type.Object(
  {
    documents: Type.Object({ ...byState, total: count() }, { description: "The job's documents by state." }),
    skipped: count("Entries of the source that are not documents."),
    pages: count(),
    chunks: count(),
    modelCalls: count("Calls that reached the model server (cache hits and reused results cost none)."),
    reused: count("Documents whose earlier result (same bytes, same settings) was reused."),
    rate: Type.Optional(
      Type.Number({
        minimum: 0,
        description: "Documents finished per second, recently; absent before the first.",
      }),
    ),
    etaSeconds: Type.Optional(count("Seconds left at that rate; 0 when nothing is left.")),
  },
  { $id: "JobProgress" },
);

export const Job = Type.Object(
  {
    id: Type.String(),
    kind: stringEnum(JOB_KINDS),
    state: stringEnum(JOB_STATES, { description: "unpacking: a batch's entries are still being read." }),
    name: Type.Optional(Type.String({ description: "The upload's file name (a batch's archive)." })),
    profile: Type.String(),
    language: Type.Optional(Type.String()),
    createdAt: dateTime(),
    finishedAt: Type.Optional(dateTime()),
    requestId: Type.Optional(
      Type.String({
        description:
          "The X-Request-Id of the request that created the job: its log lines and model calls carry it.",
      }),
    ),
    error: Type.Optional(
      refTo(StoredError, { description: "Why the job itself failed (an archive refused)." }),
    ),
    document: Type.Optional(Type.String({ description: "A document job's document id." })),
    progress: Type.Object({
      ...JobProgress.properties,
      waitingForModelSince: Type.Optional(
        dateTime("Set while the job's documents wait for the model server to answer again."),
      ),
    }),
    links: Type.Object({
      self: link(),
      documents: link(),
      events: link(),
      results: link(),
      cancel: link(),
      batch: Type.Optional(link()),
      entities: Type.Optional(link("A document job's result.")),
    }),
  },
  { $id: "Job", description: "A job: its state, progress and where to follow it." },
);

export const SkippedEntry = Type.Object(
  {
    path: Type.String(),
    reason: Type.String({ description: "A stable code: why the entry is not a document." }),
    message: Type.String(),
  },
  { $id: "SkippedEntry", description: "An archive entry that was not read as a document." },
);

export const Batch = Type.Object(
  {
    ...Job.properties,
    skipped: Type.Array(refTo(SkippedEntry), {
      description: "The first entries skipped; all are in the results.",
    }),
  },
  { $id: "Batch", description: "A batch job, with the archive entries it skipped." },
);

export const JobDocument = Type.Object(
  {
    task: Type.Integer(),
    path: Type.String({
      description: "The entry's path in its source (an archive member, an upload's name).",
    }),
    document: Type.String(),
    state: stringEnum(TASK_STATES),
    attempts: count(),
    error: Type.Optional(refTo(StoredError)),
    pages: Type.Optional(count()),
    chunks: Type.Optional(count()),
    modelCalls: Type.Optional(count()),
    reused: Type.Optional(Type.Boolean()),
    startedAt: Type.Optional(dateTime()),
    finishedAt: Type.Optional(dateTime()),
    review: Type.Optional(
      refTo(ReviewProgress, {
        description: "How far people reviewed the document's record; absent while nobody has reviewed it.",
      }),
    ),
    links: Type.Object({ entities: link(), document: link(), record: Type.Optional(link()) }),
  },
  { $id: "JobDocument", description: "One document of a job: its state, attempts, error and figures." },
);

const nextPage = Type.Object({ next: Type.Optional(link("The next page, absent on the last.")) });

export const JobList = Type.Object(
  {
    jobs: Type.Array(refTo(Job)),
    next: Type.Optional(Type.String({ description: "Pass it as `before` for the next page." })),
    links: nextPage,
  },
  { $id: "JobList" },
);

export const JobDocumentList = Type.Object(
  {
    documents: Type.Array(refTo(JobDocument)),
    review: refTo(ReviewProgress, {
      description: "The review of all the job's documents done so far, added up (not only this page's).",
    }),
    next: Type.Optional(Type.Integer({ description: "Pass it as `after` for the next page." })),
    links: nextPage,
  },
  { $id: "JobDocumentList" },
);

/** A 202 answer: the job queued, and where to follow it (its Location header). */
export const queued = (description: string, location: string) => ({
  ...refTo(Job, { description }),
  headers: { location: Type.String({ description: location }) },
});

export type JobProgress = Static<typeof JobProgress>;
export type Job = Static<typeof Job>;
export type Batch = Static<typeof Batch>;
export type SkippedEntry = Static<typeof SkippedEntry>;
export type JobDocument = Static<typeof JobDocument>;
export type JobList = Static<typeof JobList>;
export type JobDocumentList = Static<typeof JobDocumentList>;
