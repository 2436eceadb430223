/**
 * A 45 MB text on one line without spaces, sent as a user would: refused as over MAX_CHUNKS from its
 * size alone, before it is normalised or chunked (one tokenizer call on samples of it, no prompt).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => harness.close());

describe("a 45 MB one-line text", () => {
  it("is refused from its size: PAYLOAD_TOO_LARGE, with one tokenizer call and no prompt", {
    timeout: 60_000,
  }, async () => {
    const text = "abcdefghijklmnopqrstuvwxyz".repeat(1_800_000);
    const response = await harness.app.inject({
      method: "POST",
      url: "/v1/extract?filename=blob.txt",
      headers: { "content-type": "text/plain" },
      payload: text,
    });
    expect(response.statusCode).toBe(202);
    await harness.services.jobs.whenSettled(response.json().id);
    const [task] = await harness.services.store.listTasks(response.json().id, { limit: 1 });
    expect(task?.state).toBe("failed");
    expect(task?.error).toMatchObject({ code: "PAYLOAD_TOO_LARGE", retryable: false });
    expect(task?.error?.message).toContain("judged from its size");
    const paths = harness.server.received.map((request) => request.path);
    expect(paths.filter((path) => path === "/tokenize")).toHaveLength(1);
    expect(paths.filter((path) => path === "/" || path === "/generate")).toEqual([]);
  });
});
