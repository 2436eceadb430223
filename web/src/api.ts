/** The service's JSON API, as the pages use it (same origin: the page is served by the API's process). */
import type { ExportFormat } from "../../src/export/formats.js";
import type { Extraction, OutputMention, OutputPage } from "../../src/pipeline/extraction.js";
import type { XmlReading } from "../../src/pipeline/types.js";

export type { Extraction, OutputMention, OutputPage } from "../../src/pipeline/extraction.js";

export type JobState = "unpacking" | "running" | "done" | "failed" | "cancelled";

export interface JobView {
  id: string;
  kind: "document" | "batch" | "cli";
  state: JobState;
  name?: string;
  profile: string;
  createdAt: string;
  finishedAt?: string;
  error?: { message?: string };
  document?: string;
  progress: {
    documents: Record<"queued" | "running" | "retrying" | "done" | "failed" | "cancelled" | "total", number>;
    skipped: number;
    pages: number;
    etaSeconds?: number;
    /** Set while documents wait for the model server to answer again. */
    waitingForModelSince?: string;
  };
  links: { self: string; events: string; results: string; cancel: string; entities?: string };
}

export interface JobDocument {
  task: number;
  path: string;
  document: string;
  state: string;
  attempts: number;
  error?: { code: string; message: string };
  pages?: number;
  links: { entities: string; document: string };
}

/** A stored document with its latest result for one profile, as GET /v1/documents lists it. */
export interface DocumentSummary {
  id: string;
  name?: string;
  mediaType: string;
  pages: number;
  mentions: number;
  rejected: number;
  profile: string;
  createdAt: string;
}

export interface Profiles {
  default: string;
  profiles: { name: string; title?: string }[];
}

/** The document's result without its text, which is fetched page by page. */
export type Outline = Omit<Extraction, "text">;

export interface PageView {
  page: OutputPage;
  text: string;
  entities: OutputMention[];
  links: { image?: string };
}

/** Rows a list shows at a time; "Show more" adds as many. */
const LIST_SIZE = 20;

export const FINISHED = new Set<JobState>(["done", "failed", "cancelled"]);

/** The label the pages show for each export format the API renders (export/formats.ts): one each. */
const EXPORT_LABELS: Record<"json" | ExportFormat, string> = {
  json: "JSON",
  jsonl: "JSON Lines",
  csv: "CSV",
  "hipe-tsv": "HIPE TSV",
  webanno: "Web Annotation",
  tei: "TEI",
  alto: "ALTO with entities",
  page: "PAGE with entities",
};

/** The exports that write into the file a document was read from, by how its pages were read. */
const TAGGED_EXPORTS: Partial<Record<XmlReading, ExportFormat>> = { alto: "alto", "page-xml": "page" };

/** The exports a document offers, with their labels: the tagged file only of a document read from one. */
export function exportsOf(pages: readonly OutputPage[]): [format: string, label: string][] {
  const reading = pages[0]?.reading?.method;
  const tagged = reading ? TAGGED_EXPORTS[reading as XmlReading] : undefined;
  return Object.entries(EXPORT_LABELS).filter(
    ([format]) => !Object.values(TAGGED_EXPORTS).includes(format as ExportFormat) || format === tagged,
  );
}

/** Who the page works for, as GET /v1/session answers it. */
export interface Session {
  mode: "open" | "keys";
  tenant: string;
  role: "reader" | "submitter" | "admin";
  key?: string;
  csrfToken?: string;
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

/** The API's error message, or a 401 turned into SignInNeeded (and announced). */
function failure(url: string, status: number, body: { error?: { message?: string } } | null): Error {
  const message = body?.error?.message ?? `${url} answered ${status}`;
  if (status !== 401) return new Error(message);
  window.dispatchEvent(new Event(SIGN_IN_NEEDED));
  return new SignInNeeded(message);
}

async function send<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { ...init, headers: { ...headers(init.method), ...init.headers } });
  const body = (await response.json()) as T & { error?: { message?: string } };
  if (!response.ok) throw failure(url, response.status, body);
  return body;
}

/** A DELETE, which answers 204 without a body when it succeeds. */
async function remove(url: string): Promise<void> {
  const response = await fetch(url, { method: "DELETE", headers: headers("DELETE") });
  if (response.ok) return;
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
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
export const listDocuments = (options: { before?: string; q?: string }) =>
  send<{ documents: DocumentSummary[]; next?: string }>(
    `/v1/documents${query({ ...options, limit: LIST_SIZE })}`,
  );
export const deleteJob = (id: string) => remove(`/v1/jobs/${at(id)}`);
export const deleteDocument = (id: string) => remove(`/v1/documents/${at(id)}`);
export const cancelJob = (id: string) => send<JobView>(`/v1/jobs/${at(id)}/cancel`, { method: "POST" });
export const listJobDocuments = (id: string, options: { after?: number; state?: string; limit?: number }) =>
  send<{ documents: JobDocument[]; next?: number }>(`/v1/jobs/${at(id)}/documents${query(options)}`);
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
    request.open("POST", archive ? "/v1/batches" : "/v1/documents");
    for (const [name, value] of Object.entries(headers("POST"))) request.setRequestHeader(name, value);
    request.responseType = "json";
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => {
      const body = request.response as (JobView & { error?: { message?: string } }) | null;
      if (request.status === 202 && body) resolve(body);
      else if (request.status === 401) reject(failure("The upload", 401, body));
      else reject(new Error(body?.error?.message ?? `The upload failed (${request.status}).`));
    });
    request.addEventListener("error", () =>
      reject(new Error("The upload failed: the server could not be reached.")),
    );
    request.send(form);
  });
}
