/**
 * Uploads are bounded by settings, not by clients: bytes being received at once (MAX_UPLOAD_BYTES_IN_FLIGHT,
 * 503 UPLOADS_BUSY with Retry-After past it), a declared size over MAX_UPLOAD_BYTES refused before the
 * body is read, and a large upload stored from its file, which is then removed.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";
import { multipartBody } from "../support/multipart.js";

let harness: Harness;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "upload-limits-"));
  harness = await startHarness({
    env: {
      DATA_DIR: dataDir,
      MAX_UPLOAD_BYTES: "20000",
      MAX_UPLOAD_BYTES_IN_FLIGHT: "1000",
      EXTRACT_SYNC_MAX_BYTES: "100",
    },
  });
});
afterAll(() => harness.close());

/** A body sent as the test says: `started` resolves once the service reads it. */
function heldBody() {
  let reading: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    reading = resolve;
  });
  const body = new Readable({ read: () => reading() });
  return { body, started };
}

const post = (payload: Readable | string, length: number, url = "/v1/documents") =>
  harness.app.inject({
    method: "POST",
    url,
    headers: { "content-type": "text/plain", "content-length": String(length) },
    payload,
  });

const text = (length: number, letter = "a") => `Lettre ${letter} `.padEnd(length, letter);

describe("uploads in flight", () => {
  it("answers 503 UPLOADS_BUSY with Retry-After while others fill MAX_UPLOAD_BYTES_IN_FLIGHT, then takes it", async () => {
    const first = heldBody();
    const pending = post(first.body, 800);
    await first.started;
    const refused = await post(text(500, "b"), 500);
    expect(refused.statusCode).toBe(503);
    expect(refused.headers["retry-after"]).toBe("5");
    expect(refused.json()).toMatchObject({
      error: {
        code: "UPLOADS_BUSY",
        retryable: true,
        message: expect.stringContaining("MAX_UPLOAD_BYTES_IN_FLIGHT"),
      },
    });
    // Small enough to fit beside the one in flight.
    expect((await post(text(150, "c"), 150)).statusCode).toBe(202);

    first.body.push(text(800, "d"));
    first.body.push(null);
    expect((await pending).statusCode).toBe(202);
    expect((await post(text(500, "b"), 500)).statusCode).toBe(202);
  });

  it("takes an upload larger than the limit when it is alone", async () => {
    expect((await post(text(5000, "e"), 5000)).statusCode).toBe(202);
  });

  it("refuses a body declared over MAX_UPLOAD_BYTES before reading it", async () => {
    let read = false;
    const body = new Readable({
      read() {
        read = true;
        this.push(null);
      },
    });
    const refused = await post(body, 30_000, "/v1/extract");
    expect(refused.statusCode).toBe(413);
    expect(refused.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(read).toBe(false);
  });
});

describe("large uploads", () => {
  it.each([
    [
      "the raw body",
      async (bytes: Buffer) => ({ payload: bytes, headers: { "content-type": "text/plain" } }),
    ],
    [
      "a multipart file",
      (bytes: Buffer) => multipartBody({ bytes, filename: "lettre.txt", type: "text/plain" }),
    ],
  ])("stores %s from its file under DATA_DIR/uploads, and removes the file", async (_form, body) => {
    const bytes = Buffer.from(text(15_000, "f").replace(/f/g, (_, i: number) => String(i % 10)));
    const response = await harness.app.inject({ method: "POST", url: "/v1/extract", ...(await body(bytes)) });
    expect(response.statusCode).toBe(202);
    const id = createHash("sha256").update(bytes).digest("hex");
    expect((await harness.services.blobs.read(id)).equals(bytes)).toBe(true);
    await vi.waitFor(async () => expect(await readdir(join(dataDir, "uploads"))).toEqual([]));
  });
});
