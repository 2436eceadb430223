/**
 * A request's id, followed: taken from X-Request-Id when sane (else made), echoed, in the request's log
 * lines, kept on the job it creates and shown in the job's view, in the log lines of the job's work
 * (retries included), and sent to the model server with every generation made for it. Also the lines
 * an operator reads at info: one per document, one per job.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildZip } from "../support/archives.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";
import { logLines } from "../support/log-lines.js";

const LEXICON = [
  { type: "place", text: "Bordeaux" },
  { type: "person", text: "Jean Dupuy" },
];
const LETTER = "Jean Dupuy écrivit de Bordeaux le 2 mars 1790 à son frère.";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let harness: Harness;
const logs = logLines();
beforeAll(async () => {
  harness = await startHarness({ server: { respond: lexiconModel(LEXICON) }, log: logs.stream });
});
afterAll(() => harness.close());

const generationsWith = (id: string) =>
  harness.server.received.filter((r) => r.path === "/" && r.headers["x-request-id"] === id);
const linesWith = (id: string) => logs.lines.filter((line) => line.requestId === id);

/**
 * The line of the job's end, once written: it follows the job's last transition, which may come just
 * after the job is seen settled, and the line of its last document.
 */
async function jobEnd(job: string) {
  const end = () => logs.lines.find((line) => line.msg === "job finished" && line.job === job);
  await expect.poll(end).toBeDefined();
  return end();
}

describe("request ids", () => {
  it("echoes a sane incoming id, logs the request under it and sends it with its model calls", async () => {
    const response = await harness.app.inject({
      method: "POST",
      url: "/v1/extract",
      headers: { "x-request-id": "proxy-7f3a:b.c-d" },
      payload: { text: LETTER, language: "fr" },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["x-request-id"]).toBe("proxy-7f3a:b.c-d");
    expect(generationsWith("proxy-7f3a:b.c-d")).toHaveLength(1);
    expect(linesWith("proxy-7f3a:b.c-d").map((line) => line.msg)).toEqual(
      expect.arrayContaining(["incoming request", "request completed"]),
    );
  });

  it("makes one when none is sent, a new one each time", async () => {
    const first = await harness.app.inject({ method: "GET", url: "/health" });
    const second = await harness.app.inject({ method: "GET", url: "/v2/nothing" });
    expect(first.headers["x-request-id"]).toMatch(UUID);
    expect(second.headers["x-request-id"]).toMatch(UUID);
    expect(second.headers["x-request-id"]).not.toBe(first.headers["x-request-id"]);
    expect(second.statusCode).toBe(404);
  });

  it.each([
    ["a newline (a forged log line)", "abc\nlevel=error fake"],
    ["500 characters", "x".repeat(500)],
    ["129 characters", "y".repeat(129)],
    ["spaces and markup", "<script>alert(1)</script> id"],
    ["an empty value", ""],
  ])("replaces %s with an id of its own", async (_what, hostile) => {
    const response = await harness.app.inject({
      method: "GET",
      url: "/health",
      headers: { "x-request-id": hostile },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["x-request-id"]).toMatch(UUID);
    expect(logs.lines.some((line) => line.requestId === hostile)).toBe(false);
  });

  it("keeps the longest sane id as it is", async () => {
    const longest = "z".repeat(128);
    const response = await harness.app.inject({
      method: "GET",
      url: "/health",
      headers: { "x-request-id": longest },
    });
    expect(response.headers["x-request-id"]).toBe(longest);
  });
});

describe("a job's request id", () => {
  it("is kept on the job, shown in its view, in its work's log lines and sent with its model calls", async () => {
    const id = "upload-42";
    const accepted = await harness.app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { "x-request-id": id },
      payload: { text: `${LETTER} Il revint à Bordeaux.`, language: "fr", filename: "lettre.txt" },
    });
    expect(accepted.statusCode).toBe(202);
    expect(accepted.headers["x-request-id"]).toBe(id);
    expect(accepted.json()).toMatchObject({ requestId: id });
    // The retry of the job's model call: logged with the job's ids, not the process's alone.
    harness.server.failNext({ status: 503 });
    const job = accepted.json().id as string;
    await harness.services.jobs.whenSettled(job);
    const end = await jobEnd(job);

    const view = await harness.app.inject({ method: "GET", url: `/v1/jobs/${job}` });
    expect(view.json()).toMatchObject({ state: "done", requestId: id });
    expect(generationsWith(id).length).toBeGreaterThanOrEqual(2);

    const retry = linesWith(id).find((line) => line.msg === "model call failed; retrying");
    expect(retry).toMatchObject({ job, code: "ENDPOINT_OVERLOADED", upstreamStatus: 503 });
    const finished = linesWith(id).filter((line) => line.msg === "document finished");
    expect(finished).toEqual([
      expect.objectContaining({
        level: 30,
        job,
        task: expect.any(Number),
        path: "lettre.txt",
        documentId: expect.stringMatching(/^[0-9a-f]{64}$/),
        outcome: "done",
        pages: 1,
        chunks: 1,
        mentions: 3,
        rejected: 0,
        seconds: expect.any(Number),
      }),
    ]);
    expect(end).toMatchObject({
      level: 30,
      job,
      kind: "document",
      state: "done",
      requestId: id,
      documents: { done: 1, failed: 0, cancelled: 0 },
      seconds: expect.any(Number),
    });
  });

  it("is the one made for the request when none was sent", async () => {
    const accepted = await harness.app.inject({
      method: "POST",
      url: "/v1/documents",
      payload: { text: "Bordeaux", language: "fr" },
    });
    const made = accepted.headers["x-request-id"] as string;
    expect(made).toMatch(UUID);
    expect(accepted.json().requestId).toBe(made);
    await harness.services.jobs.whenSettled(accepted.json().id);
    await jobEnd(accepted.json().id);
    expect(linesWith(made).map((line) => line.msg)).toContain("document finished");
  });
});

describe("the lines of a batch", () => {
  it("says each document's outcome, failures with their code, and the batch's end once", async () => {
    const archive = await buildZip([
      { name: "a.txt", data: "Lettre de Bordeaux." },
      { name: "b.txt", data: "Jean Dupuy à Bordeaux." },
      { name: "empty.txt", data: "" },
    ]);
    const response = await harness.app.inject({
      method: "POST",
      url: "/v1/batches",
      headers: { "content-type": "application/zip", "x-request-id": "batch-1" },
      payload: archive,
    });
    expect(response.statusCode).toBe(202);
    const job = response.json().id as string;
    await harness.services.jobs.whenSettled(job);
    await jobEnd(job);
    const documents = linesWith("batch-1").filter((line) => line.msg === "document finished");
    expect(documents.map((line) => [line.path, line.outcome, line.code]).sort()).toEqual([
      ["a.txt", "done", undefined],
      ["b.txt", "done", undefined],
      ["empty.txt", "failed", "EMPTY_DOCUMENT"],
    ]);
    const ends = logs.lines.filter((line) => line.msg === "job finished" && line.job === job);
    expect(ends).toEqual([
      expect.objectContaining({
        kind: "batch",
        state: "done",
        documents: { done: 2, failed: 1, cancelled: 0 },
      }),
    ]);
  });
});
