/** The service's JSON API, as the pages use it (same origin: the page is served by the API's process). */

import type { ExportFormat } from "../../src/export/formats.js";
import type { OutputPage } from "../../src/pipeline/extraction.js";
import type { XmlReading } from "../../src/pipeline/types.js";
import type { Document, PageView } from "../../src/schemas/document.js";
import type { ExtractionOutline } from "../../src/schemas/extraction.js";
import type { JobDocument, Job as JobView } from "../../src/schemas/job.js";
import type { ProfileList } from "../../src/schemas/profile.js";
import type { DocumentReviewState, ReviewProgress } from "../../src/schemas/review.js";
import type { Session } from "../../src/schemas/session.js";
import { apiError, type ErrorBody } from "./api-error.js";
import { type MessageKey, t } from "./i18n/index.js";

export type { Extraction, OutputMention, OutputPage } from "../../src/pipeline/extraction.js";
export type { PageView } from "../../src/schemas/document.js";
// The API's shapes, declared once with its schemas (src/schemas); type-only, so nothing of them is bundled.
export type { Job as JobView, JobDocument } from "../../src/schemas/job.js";
/** Who the page works for, as GET /v1/session answers it. */
export type { Session } from "../../src/schemas/session.js";

export type JobState = JobView["state"];

/** A stored document with its latest result for one profile, as GET /v1/documents lists it. */
export type DocumentSummary = Document;

export type Profiles = ProfileList;

/** The document's result without its text, which is fetched page by page. */
export type Outline = ExtractionOutline;

/** Rows a list shows at a time; "Show more" adds as many. */
const LIST_SIZE = 20;

export const FINISHED = new Set<JobState>(["done", "failed", "cancelled"]);

/** The label the pages show for each export format the API renders (export/formats.ts): one each. */
const EXPORT_LABELS: Record<"json" | ExportFormat, MessageKey> = {
  json: "export.json",
  jsonl: "export.jsonl",
  csv: "export.csv",
  "hipe-tsv": "export.hipeTsv",
  webanno: "export.webanno",
  tei: "export.tei",
  alto: "export.alto",
  page: "export.page",
  iiif: "export.iiif",
};

/** The exports that write into the file a document was read from, by how its pages were read. */
const TAGGED_EXPORTS: Partial<Record<XmlReading, ExportFormat>> = { alto: "alto", "page-xml": "page" };

/**
 * The exports a document offers, with their labels: the tagged file only of a document read from one,
 * the IIIF annotations only of a document read from a IIIF manifest (its pages are canvases).
 */
export function exportsOf(pages: readonly OutputPage[]): [format: string, label: string][] {
  const reading = pages[0]?.reading?.method;
  const tagged = reading ? TAGGED_EXPORTS[reading as XmlReading] : undefined;
  const fromManifest = pages.some((page) => page.canvas !== undefined);
  return Object.entries(EXPORT_LABELS)
    .filter(
      ([format]) => !Object.values(TAGGED_EXPORTS).includes(format as ExportFormat) || format === tagged,
    )
    .filter(([format]) => format !== "iiif" || fromManifest)
    .map(([format, key]) => [format, t(key)]);
}

/** Raised when the API answers 401: nobody is signed in (any more); main.ts shows the sign-in form. */
export class SignInNeeded extends Error {}

/** Fired on window when a request answers 401, wherever it was made. */
export const SIGN_IN_NEEDED = "palimpsest:sign-in";

/** The session's CSRF token, sent with every request that changes something (see headers()). */
let csrfToken: string | undefined;

/** JSON answers; the CSRF token on the requests that change something. */
function headers(method = "GET"): Record<string, string> {
  return {
    accept: "application/json",
    ...(method !== "GET" && csrfToken ? { "x-csrf-token": csrfToken } : {}),
  };
}

/** The API's error (code, message, details), or a 401 turned into SignInNeeded (and announced). */
function failure(url: string, status: number, body: ErrorBody | null): Error {
  const error = apiError(url, status, body);
  if (status !== 401) return error;
  window.dispatchEvent(new Event(SIGN_IN_NEEDED));
  return new SignInNeeded(error.message);
}

/** A JSON request; `answer` receives the response too, for its headers (an ETag). */
export async function send<T>(
  url: string,
  init: RequestInit = {},
  answer?: (response: Response) => void,
): Promise<T> {
  const response = await fetch(url, { ...init, headers: { ...headers(init.method), ...init.headers } });
  const body = (await response.json()) as T & ErrorBody;
  if (!response.ok) throw failure(url, response.status, body);
  answer?.(response);
  return body;
}

/** A DELETE, which answers 204 without a body when it succeeds. */
async function remove(url: string): Promise<void> {
  const response = await fetch(url, { method: "DELETE", headers: headers("DELETE") });
  if (response.ok) return;
  const body = (await response.json().catch(() => null)) as ErrorBody | null;
  throw failure(url, response.status, body);
}

/** Who is signed in; SignInNeeded when nobody is (keys asked, no session). */
export async function getSession(): Promise<Session> {
  const session = await send<Session>("/v1/session");
  csrfToken = session.csrfToken;
  return session;
}

/** Signs in with an API key: the session cookie is set by the answer, the key is not kept by the page. */
export async function signIn(key: string): Promise<Session> {
  const session = await send<Session>("/v1/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ key }),
  });
  csrfToken = session.csrfToken;
  return session;
}

export async function signOut(): Promise<void> {
  await remove("/v1/session");
  csrfToken = undefined;
}

const at = (id: string) => encodeURIComponent(id);
const query = (values: Record<string, string | number | undefined>) => {
  const defined = Object.entries(values).filter(
    (entry): entry is [string, string | number] => entry[1] !== undefined,
  );
  return defined.length ? `?${new URLSearchParams(defined.map(([k, v]) => [k, String(v)]))}` : "";
};

export const getProfiles = () => send<Profiles>("/v1/schemas");
export const getJob = (id: string) => send<JobView>(`/v1/jobs/${at(id)}`);
export const listJobs = (before?: string) =>
  send<{ jobs: JobView[]; next?: string }>(`/v1/jobs${query({ before, limit: LIST_SIZE })}`);
export const listDocuments = (options: { before?: string; q?: string; review?: DocumentReviewState }) =>
  send<{ documents: DocumentSummary[]; next?: string }>(
    `/v1/documents${query({ ...options, limit: LIST_SIZE })}`,
  );
export const deleteJob = (id: string) => remove(`/v1/jobs/${at(id)}`);
export const deleteDocument = (id: string) => remove(`/v1/documents/${at(id)}`);
export const cancelJob = (id: string) => send<JobView>(`/v1/jobs/${at(id)}/cancel`, { method: "POST" });
export const listJobDocuments = (id: string, options: { after?: number; state?: string; limit?: number }) =>
  send<{ documents: JobDocument[]; review: ReviewProgress; next?: number }>(
    `/v1/jobs/${at(id)}/documents${query(options)}`,
  );
export const getBatch = (id: string) =>
  send<JobView & { skipped: { path: string; reason: string; message: string }[] }>(`/v1/batches/${at(id)}`);

export const entitiesUrl = (documentId: string, profile: string, format?: string) =>
  `/v1/documents/${at(documentId)}/entities${query({ profile, format })}`;
export const getOutline = (documentId: string, profile?: string) =>
  send<Outline>(`/v1/documents/${at(documentId)}/entities${query({ profile, text: "false" })}`);
export const getPage = (documentId: string, page: number, profile: string) =>
  send<PageView>(`/v1/documents/${at(documentId)}/pages/${page}${query({ profile })}`);

/** An archive of documents (ZIP, TAR, gzipped TAR) is a batch; anything else one document. */
export const isArchive = (file: File) => /\.(zip|tar|tar\.gz|tgz)$/i.test(file.name);

/**
 * Uploads a document (POST /v1/documents) or an archive as a batch (POST /v1/batches); answers the job.
 * XMLHttpRequest rather than fetch: only it reports upload progress.
 */
export function upload(
  form: FormData,
  archive: boolean,
  onProgress: (fraction: number) => void,
): Promise<JobView> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    const url = archive ? "/v1/batches" : "/v1/documents";
    request.open("POST", url);
    for (const [name, value] of Object.entries(headers("POST"))) request.setRequestHeader(name, value);
    request.responseType = "json";
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => {
      const body = request.response as (JobView & ErrorBody) | null;
      if (request.status === 202 && body) resolve(body);
      else reject(failure(url, request.status, body));
    });
    request.addEventListener("error", () => reject(new Error(t("upload.unreachable"))));
    request.send(form);
  });
}
