/**
 * IIIF manifests as documents, against the IIIF test server: Presentation 3 and 2.1 read into
 * canvases; pages from the manifest's text annotations, or by OCR (a fake engine) of the image fetched
 * through the Image API at a size fit for OCR; the misbehaving servers, each a clear error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textAnnotations } from "../../src/iiif-client/annotations.js";
import { chooseSize } from "../../src/iiif-client/canvas-image.js";
import { readIiif } from "../../src/iiif-client/manifest.js";
import { ingest } from "../../src/pipeline/ingest/index.js";
import type { LinkedSettings } from "../../src/pipeline/ingest/linked.js";
import { linkedReading } from "../../src/pipeline/ingest/linked.js";
import { sniff } from "../../src/pipeline/ingest/sniff.js";
import {
  CANVAS_SCALE,
  type IiifTestServer,
  KANT_HEIGHT,
  KANT_WIDTH,
  MANIFEST_LABEL,
  startIiifServer,
} from "../support/iiif-server.js";
import { fakeEngine, kantGroundTruth, readerWith } from "../support/ocr.js";

let server: IiifTestServer;
beforeAll(async () => {
  server = await startIiifServer();
});
afterAll(() => server.close());

const ALLOWED: Partial<LinkedSettings> = { iiifAllowedHosts: ["127.0.0.1"], iiifAllowPrivateAddresses: true };

const manifestBytes = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());

async function read(
  name: Parameters<IiifTestServer["manifest"]>[0],
  settings: Partial<LinkedSettings> = ALLOWED,
) {
  return ingest(await manifestBytes(server.manifest(name)), {
    maxPages: 10,
    ocr: readerWith(fakeEngine()),
    linked: linkedReading(settings),
  });
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  return expect.unreachable("the manifest was read");
}

/** What the reading fetched since `from`: the manifest itself is the test's own fetch. */
const requestsSince = (from: number) =>
  server.requests.slice(from).filter((path) => !path.startsWith("/manifests/"));

describe("reading a manifest", () => {
  it("reads Presentation 3 and 2.1 alike: canvases with their size, image and Image API service", async () => {
    for (const [name, type] of [
      ["kant-v3", "ImageService3"],
      ["kant-v2", "ImageService2"],
    ] as const) {
      const read = readIiif(JSON.parse((await manifestBytes(server.manifest(name))).toString()));
      expect(read.kind).toBe("manifest");
      if (read.kind !== "manifest") continue;
      expect(read.manifest).toMatchObject({ id: server.manifest(name), label: MANIFEST_LABEL });
      expect(read.manifest.canvases).toEqual([
        expect.objectContaining({
          id: `${server.url}/manifests/${name}/canvas/1`,
          width: KANT_WIDTH * CANVAS_SCALE,
          height: KANT_HEIGHT * CANVAS_SCALE,
          image: expect.objectContaining({
            service: expect.objectContaining({ id: `${server.url}/iiif${type.at(-1)}/kant`, type }),
          }),
        }),
      ]);
    }
  });

  it("is recognised by its content, and a collection lists its members", async () => {
    expect(sniff(await manifestBytes(server.manifest("kant-v2"))).format.name).toBe("IIIF manifest");
    expect(sniff(Buffer.from('{"note": "any other JSON is text"}')).format.name).toBe("plain text");
    const collection = readIiif(JSON.parse((await manifestBytes(server.manifest("collection"))).toString()));
    expect(collection.kind === "collection" && collection.members.map((m) => m.kind)).toEqual([
      "manifest",
      "manifest",
      "manifest",
      "collection",
    ]);
  });

  it("takes text annotations of the canvas, boxed where they target a region, and nothing else", () => {
    const canvas = "https://iiif.example.org/canvas/1";
    const lines = textAnnotations(
      [
        {
          motivation: "supplementing",
          body: { type: "TextualBody", value: "Erste Zeile" },
          target: `${canvas}#xywh=10,20,300,40`,
        },
        {
          motivation: ["supplementing"],
          body: { type: "TextualBody", value: "<p>Zweite &amp; Zeile</p>", format: "text/html" },
          target: {
            type: "SpecificResource",
            source: { id: canvas },
            selector: { type: "FragmentSelector", value: "xywh=pixel:10,70,300,40" },
          },
        },
        { motivation: "commenting", body: { type: "TextualBody", value: "a comment" }, target: canvas },
        {
          motivation: "supplementing",
          body: { type: "TextualBody", value: "another canvas" },
          target: `${canvas}0`,
        },
        {
          motivation: "sc:painting",
          resource: { "@type": "cnt:ContentAsText", chars: "Ganze Seite" },
          on: canvas,
        },
      ],
      canvas,
    );
    expect(lines).toEqual([
      { text: "Erste Zeile", box: { x: 10, y: 20, width: 300, height: 40 } },
      { text: "Zweite & Zeile", box: { x: 10, y: 70, width: 300, height: 40 } },
      { text: "Ganze Seite" },
    ]);
  });

  it("asks the service for the longest side IIIF_IMAGE_SIZE allows, within its limits, never more", () => {
    const info = { width: 4000, height: 6000, sizes: [], level0: false };
    expect(chooseSize(info, 2500)).toEqual({ width: 1666, height: 2500 });
    expect(chooseSize({ ...info, maxWidth: 1000 }, 2500)).toEqual({ width: 1000, height: 1500 });
    expect(chooseSize({ ...info, maxArea: 1_000_000 }, 2500)).toEqual({ width: 816, height: 1224 });
    expect(chooseSize({ ...info, width: 800, height: 1000 }, 2500)).toEqual({ width: 800, height: 1000 });
    const level0 = {
      ...info,
      level0: true,
      sizes: [
        { width: 500, height: 750 },
        { width: 2000, height: 3000 },
        { width: 1000, height: 1500 },
      ],
    };
    expect(chooseSize(level0, 2500)).toEqual({ width: 1000, height: 1500 });
    expect(chooseSize(level0, 400)).toEqual({ width: 500, height: 750 });
  });
});

describe("a manifest as a document", () => {
  it("reads a canvas by OCR of its image, fetched at the size asked, and keeps the canvas", async () => {
    for (const [name, url] of [
      ["kant-v3", "/iiif3/kant/full/699,1000/0/default.jpg"],
      ["kant-v2", "/iiif2/kant/full/699,/0/default.jpg"],
    ] as const) {
      const from = server.requests.length;
      const document = await read(name, { ...ALLOWED, iiifImageSize: 1000 });
      expect(requestsSince(from)).toEqual([`/iiif${name.at(-1)}/kant/info.json`, url]);
      expect(document).toMatchObject({
        mediaType: "application/ld+json",
        title: MANIFEST_LABEL,
        identifier: server.manifest(name),
      });
      expect(document.text).toBe("Jean Colbert Page1");
      expect(document.pages[0]).toMatchObject({
        width: 699,
        // 2.1's "w," leaves the height to the server's rounding.
        height: name === "kant-v3" ? 1000 : 999,
        reading: { method: "ocr", image: "file" },
        canvas: {
          id: `${server.url}/manifests/${name}/canvas/1`,
          width: KANT_WIDTH * CANVAS_SCALE,
          height: KANT_HEIGHT * CANVAS_SCALE,
        },
      });
    }
    // The whole image when it is smaller than IIIF_IMAGE_SIZE; a static image as it is.
    const from = server.requests.length;
    await read("kant-v3");
    await read("kant-static");
    expect(requestsSince(from)).toEqual([
      "/iiif3/kant/info.json",
      "/iiif3/kant/full/max/0/default.jpg",
      "/static/kant.png",
    ]);
  });

  it("reads a canvas from its transcription annotations (3.0 pages and 2.1 lists), boxed in canvas coordinates, without OCR", async () => {
    const truth = kantGroundTruth().replace(/\s+/g, " ");
    for (const name of ["kant-annotated-v3", "kant-annotated-v2"] as const) {
      const from = server.requests.length;
      const document = await read(name);
      expect(requestsSince(from).some((path) => path.startsWith("/iiif"))).toBe(false);
      expect(document.text.replace(/\s+/g, " ")).toBe(truth);
      const [page] = document.pages;
      expect(page).toMatchObject({
        reading: { method: "iiif-annotations" },
        width: KANT_WIDTH * CANVAS_SCALE,
        height: KANT_HEIGHT * CANVAS_SCALE,
      });
      // The first line of the PAGE file (Berlinische Monatsschrift) at (114, 366) in image pixels.
      expect(page?.layout?.lines[0]?.box).toMatchObject({ x: 114 * CANVAS_SCALE, y: expect.any(Number) });
    }
  });

  it("reads the other canvases when one image cannot be fetched, with a warning for its page", async () => {
    const document = await read("two-canvases");
    expect(document.pages.map((page) => page.reading?.method)).toEqual(["iiif-annotations", undefined]);
    expect(document.warnings).toEqual([
      expect.objectContaining({
        code: "OCR_FAILED",
        page: 2,
        message: expect.stringContaining("IIIF_MAX_BYTES"),
      }),
    ]);
  });

  it("fails a document whose only image is too large, too slow, of the wrong type or behind a forbidden redirect", async () => {
    expect(await refusal(read("huge"))).toMatchObject({ code: "REMOTE_TOO_LARGE" });
    expect(await refusal(read("endless"))).toMatchObject({ code: "REMOTE_TOO_LARGE" });
    expect(await refusal(read("hanging", { ...ALLOWED, iiifTimeoutMs: 300 }))).toMatchObject({
      code: "REMOTE_TIMEOUT",
    });
    expect(await refusal(read("html-image"))).toMatchObject({ code: "REMOTE_WRONG_TYPE" });
    expect(await refusal(read("redirect-away"))).toMatchObject({ code: "REMOTE_NOT_ALLOWED" });
  });

  it("fetches nothing without IIIF_ALLOWED_HOSTS, nor from a private address unless allowed", async () => {
    const from = server.requests.length;
    const unset = await refusal(read("kant-v3", {}));
    expect(unset).toMatchObject({
      code: "REMOTE_NOT_ALLOWED",
      message: expect.stringContaining("Set IIIF_ALLOWED_HOSTS"),
    });
    const privateAddress = await refusal(read("kant-v3", { iiifAllowedHosts: ["127.0.0.1"] }));
    expect(privateAddress).toMatchObject({
      code: "REMOTE_NOT_ALLOWED",
      message: expect.stringContaining("private"),
    });
    expect(requestsSince(from)).toEqual([]);
  });

  it("refuses a manifest without canvases, and a collection sent as one document", async () => {
    expect(await refusal(read("no-canvases"))).toMatchObject({
      code: "INVALID_MANIFEST",
      message: expect.stringContaining("no canvases"),
    });
    expect(await refusal(read("collection"))).toMatchObject({
      code: "INVALID_MANIFEST",
      message: expect.stringContaining("POST /v1/batches"),
    });
  });
});
