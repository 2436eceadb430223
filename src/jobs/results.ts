/**
 * A job's results, streamed from the store in source order, a page of tasks at a time (memory does not
 * grow with the job): one line per entry, done (with the Extraction exactly as stored), failed (with the
 * error) or skipped (with the reason). JSON Lines and CSV are rendered from these lines.
 */
import { pipeline, Readable } from "node:stream";
import { stringify } from "csv-stringify";
import { MENTION_COLUMNS, mentionCells } from "../export/csv.js";
import { CSV_OPTIONS } from "../export/csv-options.js";
import { mentionRows } from "../export/mention-rows.js";
import type { Extraction } from "../pipeline/extraction.js";
import { servedExtractions } from "../review/served.js";
import type { ResultRecord, Store, StoredError, TaskState } from "../store/port.js";

const PAGE = 200;

export type ResultLine =
  | { path: string; status: TaskState; document: string; error?: StoredError; extraction?: string }
  | { path: string; status: "skipped"; reason: string; message: string };

export async function* resultLines(store: Store, jobId: string): AsyncGenerator<ResultLine> {
  for (let after = 0; ; ) {
    const tasks = await store.listTasks(jobId, { after, limit: PAGE });
    if (tasks.length === 0) break;
    const results = new Map<number, ResultRecord>();
    for (const task of tasks) {
      const result =
        task.state === "done" && task.resultId ? await store.getResult(task.resultId) : undefined;
      if (result) results.set(task.id, result);
    }
    // A reviewed document's record, with its corrections, in place of the model's result.
    const served = await servedExtractions(store, [...results.values()]);
    const extractions = new Map([...results.keys()].map((taskId, i) => [taskId, served[i] as string]));
    for (const task of tasks) {
      after = task.id;
      const extraction = extractions.get(task.id);
      yield {
        path: task.path,
        status: task.state,
        document: task.documentId,
        ...(task.error && task.state !== "done" ? { error: task.error } : {}),
        ...(extraction ? { extraction } : {}),
      };
    }
  }
  for (let offset = 0; ; offset += PAGE) {
    const skipped = await store.listSkipped(jobId, { offset, limit: PAGE });
    for (const entry of skipped)
      yield { path: entry.path, status: "skipped", reason: entry.reason, message: entry.message };
    if (skipped.length < PAGE) break;
  }
}

/** One JSON object a line: `{path, status, document, extraction}`, the Extraction inserted as stored. */
export function jsonLinesOf(lines: AsyncIterable<ResultLine>): Readable {
  return Readable.from(
    (async function* () {
      for await (const line of lines) {
        if (!("extraction" in line) || line.extraction === undefined) {
          yield `${JSON.stringify(line)}\n`;
          continue;
        }
        const { extraction, ...head } = line;
        yield `${JSON.stringify(head).slice(0, -1)},"extraction":${extraction}}\n`;
      }
    })(),
  );
}

/** The entry's columns, then a mention's (the file name is already the entry's path), then its attributes. */
export const CSV_COLUMNS = [
  "path",
  "status",
  "error_code",
  "error_message",
  ...MENTION_COLUMNS.filter((name) => name !== "filename"),
  "attributes",
] as const;

type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], string | number>>;

/**
 * CSV (RFC 4180, header line): one row per mention, and one row with empty mention columns for an entry
 * without any (failed, skipped, or nothing found). Attributes are one JSON column, since the columns of a
 * stream must be known before its first row.
 */
export function csvOf(lines: AsyncIterable<ResultLine>): Readable {
  const rows = Readable.from(
    (async function* (): AsyncGenerator<CsvRow> {
      for await (const line of lines) {
        const entry: CsvRow =
          line.status === "skipped"
            ? { path: line.path, status: line.status, error_code: line.reason, error_message: line.message }
            : {
                path: line.path,
                status: line.status,
                document_id: line.document,
                ...(line.error ? { error_code: line.error.code, error_message: line.error.message } : {}),
              };
        const mentions =
          "extraction" in line && line.extraction
            ? mentionRows([JSON.parse(line.extraction) as Extraction])
            : [];
        if (mentions.length === 0) yield entry;
        for (const mention of mentions)
          yield { ...entry, ...mentionCells(mention), attributes: JSON.stringify(mention.attributes) };
      }
    })(),
  );
  // pipeline (not pipe): a failure while reading the store ends the CSV stream with the error.
  return pipeline(rows, stringify({ ...CSV_OPTIONS, header: true, columns: [...CSV_COLUMNS] }), () => {});
}
