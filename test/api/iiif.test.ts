/**
 * Page images through the IIIF Image API 3.0: info.json of the Kant scan, regions and sizes checked
 * against sharp's own cut of the page, deep-zoom tiles (the last row cut at the page's edge), turns,
 * grey, PNG, caching, bad parameters (400 with a stable code), and the document routes' rules (unknown
 * documents, text documents without images, pages past the last).
 */
import { readFile } from "node:fs/promises";
import sharp, { type Sharp } from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IiifInfo } from "../../src/schemas/iiif.js";
import { addKey, bearer } from "../support/auth.js";
import { type Harness, startHarness } from "../support/harness.js";
import { KANT_IMAGE } from "../support/ocr.js";

const TILE = 256;
const MAX_WIDTH = 1200;
const MAX_AREA = 2_000_000;

let harness: Harness;
let kant: string;
let text: string;

/** Stores a file as a document of the default tenant, without reading it (no OCR needed to serve its pages). */
async function stored(bytes: Buffer, path: string): Promise<string> {
  const { store, blobs } = harness.services;
  const { id } = await blobs.write([bytes], { maxBytes: bytes.length });
  await store.putDocument({ id, byteLength: bytes.length, createdAt: Date.now() });
  await store.createJob(
    { id: `job-${path}`, kind: "cli", state: "done", spec: { profile: "default" }, createdAt: Date.now() },
    [{ path, documentId: id }],
  );
  return id;
}

const get = (url: string, headers: Record<string, string> = {}) =>
  harness.app.inject({ method: "GET", url, headers });

/** Pixels as one grey channel, to compare images whatever channels their encoders chose. */
async function grey(image: Buffer | Sharp): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await (Buffer.isBuffer(image) ? sharp(image) : image)
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function largestDifference(a: Buffer, b: Buffer): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++)
    largest = Math.max(largest, Math.abs((a[i] as number) - (b[i] as number)));
  return largest;
}

beforeAll(async () => {
  harness = await startHarness({
    env: { IIIF_TILE_SIZE: String(TILE), IIIF_MAX_WIDTH: String(MAX_WIDTH), IIIF_MAX_AREA: String(MAX_AREA) },
  });
  kant = await stored(await readFile(KANT_IMAGE), "kant.png");
  text = await stored(Buffer.from("Lettre écrite à Bordeaux."), "lettre.txt");
});
afterAll(() => harness.close());

describe("GET /iiif/:document/:page/info.json", () => {
  it("describes the Kant page: its size, the limits, whole-page sizes and tiles", async () => {
    const response = await get(`/iiif/${kant}/1/info.json`);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    const info = response.json() as IiifInfo;
    const { width, height } = await sharp(KANT_IMAGE).metadata();
    expect({ width, height }).toEqual({ width: 1457, height: 2083 });
    expect(info).toMatchObject({
      "@context": "http://iiif.io/api/image/3/context.json",
      id: `http://localhost:80/iiif/${kant}/1`,
      type: "ImageService3",
      protocol: "http://iiif.io/api/image",
      profile: "level1",
      width,
      height,
      maxWidth: MAX_WIDTH,
      maxArea: MAX_AREA,
      // 2083 / 8 = 261 is still over a 256-pixel tile; at 16 the page fits one.
      tiles: [{ width: TILE, height: TILE, scaleFactors: [1, 2, 4, 8, 16] }],
    });
    // Whole-page sizes within the limits only, smallest first: 1457 x 2083 is over MAX_AREA.
    expect(info.sizes).toEqual([
      { width: 92, height: 131 },
      { width: 183, height: 261 },
      { width: 365, height: 521 },
      { width: 729, height: 1042 },
    ]);
  });

  it("answers JSON-LD when asked, and redirects the service's base URI to it", async () => {
    const jsonLd = await get(`/iiif/${kant}/1/info.json`, { accept: "application/ld+json" });
    expect(jsonLd.headers["content-type"]).toMatch(
      /^application\/ld\+json; ?profile="http:\/\/iiif\.io\/api\/image\/3\/context\.json"/,
    );
    expect(jsonLd.json()).toMatchObject({ type: "ImageService3" });
    const base = await get(`/iiif/${kant}/1`);
    expect(base.statusCode).toBe(303);
    expect(base.headers.location).toBe(`/iiif/${kant}/1/info.json`);
  });

  it("keeps the document routes' answers: unknown document, page past the last, text without images", async () => {
    const unknown = await get(`/iiif/${"0".repeat(64)}/1/info.json`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe("NOT_FOUND");
    const past = await get(`/iiif/${kant}/2/info.json`);
    expect(past.statusCode).toBe(404);
    expect(past.json().error).toMatchObject({ code: "NOT_FOUND", pages: 1 });
    const plain = await get(`/iiif/${text}/1/info.json`);
    expect(plain.statusCode).toBe(404);
    expect(plain.json().error.code).toBe("NO_PAGE_IMAGE");
  });
});

describe("GET /iiif/:document/:page/{region}/{size}/{rotation}/{quality}.{format}", () => {
  it("cuts and scales a region as sharp does from the page itself", async () => {
    const response = await get(`/iiif/${kant}/1/167,795,703,156/350,/0/default.png`);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("image/png");
    const ours = await grey(response.rawPayload);
    // 703 x 156 at 350 wide: 77.7 rounds to 78 pixels high, which the image fills exactly.
    const theirs = await grey(
      sharp(KANT_IMAGE)
        .extract({ left: 167, top: 795, width: 703, height: 156 })
        .resize({ width: 350, height: 78, fit: "fill" }),
    );
    expect([ours.width, ours.height]).toEqual([350, 78]);
    expect([theirs.width, theirs.height]).toEqual([350, 78]);
    expect(largestDifference(ours.data, theirs.data)).toBe(0);
  });

  it("serves a viewer's tiles, the last row and column cut at the page's edge", async () => {
    const inner = await get(`/iiif/${kant}/1/512,512,512,512/256,/0/default.jpg`);
    expect(inner.statusCode).toBe(200);
    expect(inner.headers["content-type"]).toBe("image/jpeg");
    expect(await sharp(inner.rawPayload).metadata()).toMatchObject({
      width: 256,
      height: 256,
      format: "jpeg",
    });
    // Scale 2: tiles of 512 page pixels; the corner one holds 1457 - 1024 by 2083 - 2048 pixels.
    const corner = await get(`/iiif/${kant}/1/1024,2048,512,512/217,/0/default.jpg`);
    expect(corner.statusCode).toBe(200);
    expect(await sharp(corner.rawPayload).metadata()).toMatchObject({ width: 217, height: 18 });
  });

  it("reads regions in percent, confined sizes, quarter turns and grey", async () => {
    const half = await get(`/iiif/${kant}/1/pct:0,0,50,50/!200,200/90/gray.jpg`);
    expect(half.statusCode).toBe(200);
    // The top-left quarter (729 x 1042) within 200 x 200 is 140 x 200, turned a quarter: 200 x 140.
    expect(await sharp(half.rawPayload).metadata()).toMatchObject({ width: 200, height: 140, channels: 1 });
    const square = await get(`/iiif/${kant}/1/square/max/180/color.png`);
    expect(await sharp(square.rawPayload).metadata()).toMatchObject({
      width: 1200,
      height: 1200,
      format: "png",
    });
    const whole = await get(`/iiif/${kant}/1/full/pct:25/0/default.jpg`);
    expect(await sharp(whole.rawPayload).metadata()).toMatchObject({ width: 364, height: 521 });
  });

  it("is cached for good: an ETag, and 304 for a client that holds the image", async () => {
    const url = `/iiif/${kant}/1/0,0,256,256/256,/0/default.jpg`;
    const first = await get(url);
    expect(first.headers["cache-control"]).toBe("private, max-age=31536000, immutable");
    const again = await get(url, { "if-none-match": first.headers.etag as string });
    expect(again.statusCode).toBe(304);
  });

  it("refuses what it cannot serve with 400 INVALID_IMAGE_REQUEST, naming the parameter", async () => {
    const cases: [string, string][] = [
      ["left,top/max/0/default.jpg", "region"],
      ["5000,0,10,10/max/0/default.jpg", "region"],
      ["0,0,0,10/max/0/default.jpg", "region"],
      ["full/^max/0/default.jpg", "size"],
      ["0,0,100,100/200,/0/default.jpg", "size"],
      ["full/1400,/0/default.jpg", "size"],
      ["full/!,100/0/default.jpg", "size"],
      ["full/big/0/default.jpg", "size"],
      ["full/max/45/default.jpg", "rotation"],
      ["full/max/!0/default.jpg", "rotation"],
      ["full/max/0/bitonal.jpg", "quality"],
      ["full/max/0/default.gif", "format"],
    ];
    for (const [path, parameter] of cases) {
      const response = await get(`/iiif/${kant}/1/${path}`);
      expect([path, response.statusCode]).toEqual([path, 400]);
      expect(response.json().error).toMatchObject({ code: "INVALID_IMAGE_REQUEST", parameter });
    }
  });
});

// Last: once a key exists, the service asks for one.
describe("access", () => {
  it("follows the document routes: a key of the document's tenant, nothing for another tenant", async () => {
    const own = await addKey(harness.services.store, "reader", "default");
    const other = await addKey(harness.services.store, "admin", "elsewhere");
    const url = `/iiif/${kant}/1/0,0,64,64/64,/0/default.jpg`;
    expect((await get(url)).statusCode).toBe(401);
    const mine = await get(url, bearer(own.key));
    expect(mine.statusCode).toBe(200);
    const foreign = await get(`/iiif/${kant}/1/info.json`, bearer(other.key));
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe("NOT_FOUND");
    // Even with the image's ETag in hand, another tenant is told there is nothing.
    const cached = await get(url, { ...bearer(other.key), "if-none-match": mine.headers.etag as string });
    expect(cached.statusCode).toBe(404);
  });
});
