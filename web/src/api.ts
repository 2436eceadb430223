/** The service's JSON API, as the pages use it (same origin: the page is served by the API's process). */
import type { Extraction } from "../../src/pipeline/extraction.js";

export type { Extraction, OutputMention, OutputPage } from "../../src/pipeline/extraction.js";

export interface JobView {
  id: string;
  kind: "document" | "batch" | "cli";
  state: "unpacking" | "running" | "done" | "failed" | "cancelled";
  profile: string;
  createdAt: string;
  error?: { message?: string } | string;
  document?: string;
  progress: { documents: { total: number; done: number; failed: number }; etaSeconds?: number };
  links: { self: string; events: string; results: string; entities?: string; batch?: string };
}

export interface Profiles {
  default: string;
  profiles: { name: string; title?: string }[];
}

export const FINISHED = new Set(["done", "failed", "cancelled"]);

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  const body = (await response.json()) as T & { error?: { message?: string } };
  if (!response.ok) throw new Error(body.error?.message ?? `${url} answered ${response.status}`);
  return body;
}

export const getJob = (id: string) => getJson<JobView>(`/v1/jobs/${encodeURIComponent(id)}`);
export const getProfiles = () => getJson<Profiles>("/v1/schemas");
export const getExtraction = (documentId: string, profile?: string) =>
  getJson<Extraction>(
    `/v1/documents/${encodeURIComponent(documentId)}/entities${profile ? `?profile=${encodeURIComponent(profile)}` : ""}`,
  );

/** XMLHttpRequest rather than fetch: only it reports upload progress. */
export function uploadDocument(form: FormData, onProgress: (fraction: number) => void): Promise<JobView> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", "/v1/documents");
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
