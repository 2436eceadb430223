/**
 * Documents kept in PostgreSQL (STORE_URL, BLOB_STORE=postgres): uploads stored as chunk rows and
 * nothing under DATA_DIR, the pipeline reading them back, and page images served from them: a JPEG
 * that needs no change streamed as stored, others made from the stored bytes, a document whose bytes
 * are gone answered with DOCUMENT_BYTES_NOT_FOUND.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";
import { multipartBody } from "../support/multipart.js";
import { adminQuery, dropTestSchemas, freshSchema, hasPostgres, POSTGRES_URL } from "../support/postgres.js";

const CHUNK_BYTES = 4096;
const MAX_WIDTH = 600;
const schema = freshSchema();

/** A page-like image: paper with a few dark bars, so that its pixels can be compared. */
function page(width: number, height: number) {
  const bars = [0.2, 0.4, 0.6].map((at) => ({
    input: {
      create: { width: Math.round(width * 0.6), height: 12, channels: 3 as const, background: "#222" },
    },
    left: Math.round(width * 0.2),
    top: Math.round(height * at),
  }));
  return sharp({ create: { width, height, channels: 3, background: "#e8dcc0" } }).composite(bars);
}

let harness: Harness;
const documents: Record<"upright" | "wide" | "png", { id: string; bytes: Buffer }> = {
  upright: { id: "", bytes: Buffer.alloc(0) },
  wide: { id: "", bytes: Buffer.alloc(0) },
  png: { id: "", bytes: Buffer.alloc(0) },
};

async function stored(bytes: Buffer, filename: string): Promise<string> {
  const { payload, headers } = await multipartBody({ bytes, filename });
  const response = await harness.app.inject({ method: "POST", url: "/v1/documents", payload, headers });
  expect(response.statusCode, response.body).toBe(202);
  const job = response.json() as { id: string; document: string };
  expect((await harness.services.jobs.whenSettled(job.id))?.state).toBe("done");
  return job.document;
}

const image = (id: string, query = "") =>
  harness.app.inject({ method: "GET", url: `/v1/documents/${id}/pages/1/image${query}` });

describe.skipIf(!hasPostgres)("documents kept in PostgreSQL", () => {
  beforeAll(async () => {
    harness = await startHarness({
      env: {
        STORE_URL: POSTGRES_URL,
        STORE_SCHEMA: schema,
        BLOB_STORE: "postgres",
        BLOB_CHUNK_BYTES: String(CHUNK_BYTES),
        PAGE_IMAGE_MAX_WIDTH: String(MAX_WIDTH),
      },
    });
    documents.upright.bytes = await page(400, 520).jpeg({ quality: 80 }).toBuffer();
    documents.wide.bytes = await page(900, 1200).jpeg({ quality: 80 }).toBuffer();
    documents.png.bytes = await page(500, 650).png().toBuffer();
    for (const [name, document] of Object.entries(documents))
      document.id = await stored(document.bytes, `${name}.${name === "png" ? "png" : "jpg"}`);
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
    await dropTestSchemas();
  });

  it("keeps the uploads as chunk rows of BLOB_CHUNK_BYTES, and nothing under DATA_DIR", async () => {
    const rows = await adminQuery<{ id: string; size: string; chunks: number }>(
      `SELECT b.id, b.size, count(c.seq)::int AS chunks
         FROM ${schema}.blobs b JOIN ${schema}.blob_chunks c USING (content) GROUP BY b.id, b.size`,
    );
    for (const { id, bytes } of Object.values(documents))
      expect(rows).toContainEqual({
        id,
        size: String(bytes.length),
        chunks: Math.ceil(bytes.length / CHUNK_BYTES),
      });
    expect(existsSync(join(harness.services.config.dataDir, "documents"))).toBe(false);
  });

  it("reads the documents back for the pipeline: each page has the size of its image", async () => {
    const response = await harness.app.inject({
      method: "GET",
      url: `/v1/documents/${documents.png.id}/pages/1`,
    });
    expect(response.statusCode).toBe(200);
    expect((response.json() as { page: object }).page).toMatchObject({ width: 500, height: 650 });
  });

  it("streams a JPEG that needs no change as stored, with its length", async () => {
    const response = await image(documents.upright.id);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("image/jpeg");
    expect(response.headers["content-length"]).toBe(String(documents.upright.bytes.length));
    expect(response.rawPayload.equals(documents.upright.bytes)).toBe(true);
  });

  it("makes the image of a JPEG wider than asked, and of a PNG, from the stored bytes", async () => {
    const wide = await image(documents.wide.id);
    expect(wide.statusCode).toBe(200);
    expect(await sharp(wide.rawPayload).metadata()).toMatchObject({
      format: "jpeg",
      width: MAX_WIDTH,
      height: 800,
    });
    const narrower = await image(documents.upright.id, "?width=200");
    expect(await sharp(narrower.rawPayload).metadata()).toMatchObject({ width: 200, height: 260 });
    const png = await image(documents.png.id);
    expect(png.statusCode).toBe(200);
    const served = await sharp(png.rawPayload).metadata();
    expect(served).toMatchObject({ format: "jpeg", width: 500, height: 650 });
    // The very pixels: a bar is dark where the document has one, the paper light elsewhere.
    const grey = await sharp(png.rawPayload).greyscale().raw().toBuffer();
    expect(grey[Math.round(650 * 0.2 + 6) * 500 + 250]).toBeLessThan(80);
    expect(grey[Math.round(650 * 0.3) * 500 + 250]).toBeGreaterThan(180);
  });

  it("answers DOCUMENT_BYTES_NOT_FOUND, naming the blob store, for a document whose bytes are gone", async () => {
    await adminQuery(`DELETE FROM ${schema}.blobs WHERE id = $1`, [documents.wide.id]);
    const response = await image(documents.wide.id, "?width=300");
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      error: {
        code: "DOCUMENT_BYTES_NOT_FOUND",
        message: expect.stringContaining("BLOB_STORE=postgres"),
        document: documents.wide.id,
      },
    });
  });
});
