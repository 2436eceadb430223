/** The service's JSON API, as the pages use it (same origin: the page is served by the API's process). */
import type { Extraction, OutputMention, OutputPage } from "../../src/pipeline/extraction.js";

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

/** The export formats the API renders, with the labels the pages show. */
export const EXPORTS = [
  ["json", "JSON"],
  ["jsonl", "JSON Lines"],
  ["csv", "CSV"],
  ["hipe-tsv", "HIPE TSV"],
  ["webanno", "Web Annotation"],
] as const;

async function send<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: { accept: "application/json" } });
  const body = (await response.json()) as T & { error?: { message?: string } };
  if (!response.ok) throw new Error(body.error?.message ?? `${url} answered ${response.status}`);
  return body;
}

/** A DELETE, which answers 204 without a body when it succeeds. */
async function remove(url: string): Promise<void> {
  const response = await fetch(url, { method: "DELETE", headers: { accept: "application/json" } });
  if (response.ok) return;
  const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  throw new Error(body.error?.message ?? `${url} answered ${response.status}`);
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
    request.responseType = "json";
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => {
      const body = request.response as (JobView & { error?: { message?: string } }) | null;
      if (request.status === 202 && body) resolve(body);
      else reject(new Error(body?.error?.message ?? `The upload failed (${request.status}).`));
    });
    request.addEventListener("error", () =>
      reject(new Error("The upload failed: the server could not be reached.")),
    );
    request.send(form);
  });
}
