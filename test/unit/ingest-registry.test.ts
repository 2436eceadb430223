import { readFileSync } from "node:fs";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { classify } from "../../src/jobs/intake/classify.js";
import { bundlePackage } from "../../src/pipeline/ingest/mets/package-bundle.js";
import { hasPageImages } from "../../src/pipeline/ingest/page-image.js";
import { FORMATS, formatOfHead, RAW_UPLOAD_TYPES } from "../../src/pipeline/ingest/registry.js";
import { sniff } from "../../src/pipeline/ingest/sniff.js";
import type { MediaType } from "../../src/pipeline/types.js";
import { metsXml } from "../support/mets.js";
import { fixture } from "../support/ocr.js";
import { buildPdf } from "../support/pdf-fixtures.js";

const file = (path: string) => readFileSync(fixture(`formats/${path}`));
const image = (format: "png" | "jpeg" | "tiff" | "webp" | "gif") =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: "white" } })
    .toFormat(format)
    .toBuffer();

/** A real file of every registered format. */
async function samples(): Promise<[MediaType, Uint8Array][]> {
  return [
    ["application/pdf", await buildPdf([["Le notaire Jean Dupuis."]])],
    ["image/png", await image("png")],
    ["image/jpeg", await image("jpeg")],
    ["image/tiff", await image("tiff")],
    ["image/webp", await image("webp")],
    ["image/gif", await image("gif")],
    ["application/alto+xml", file("alto/ocrd-assets_kant_aufklaerung_1784_PAGE_0017_ALTO-v2.xml")],
    ["application/alto+xml", file("alto/kraken-tests_bsb00084914_00007_alto-v4.xml")],
    [
      "application/vnd.prima.page+xml",
      file("page/ocrd-assets_kant_aufklaerung_1784_PAGE_0017_PAGE-2019.xml"),
    ],
    [
      "application/vnd.prima.page+xml",
      file("page/kraken-tests_170025120000003_0074_transkribus-page2013.xml"),
    ],
    ["text/vnd.hocr+html", file("hocr/hocr-tools_tess.hocr")],
    ["text/vnd.hocr+html", file("hocr/hocr-tools_litver_ocropy.hocr.html")],
    ["text/plain", Buffer.from("Le notaire Jean Dupuis vendit la maison.")],
    ["application/vnd.palimpsest.mets+tar", await metsPackage()],
    [
      "application/ld+json",
      Buffer.from(
        JSON.stringify({
          "@context": "http://iiif.io/api/presentation/3/context.json",
          id: "https://iiif.example.org/manifest.json",
          type: "Manifest",
          items: [],
        }),
      ),
    ],
  ];
}

/** A METS package as the batch intake makes it: the METS and the ALTO file of its one page. */
async function metsPackage(): Promise<Buffer> {
  const alto = file("alto/ocrd-assets_kant_aufklaerung_1784_PAGE_0017_ALTO-v2.xml");
  const mets = Buffer.from(
    metsXml({
      files: [{ id: "A", group: "FULLTEXT", href: "alto.xml", mimeType: "application/alto+xml" }],
      pages: [{ id: "P1", files: ["A"] }],
    }),
  );
  const members = [
    { path: "mets.xml", data: mets },
    { path: "alto.xml", data: alto },
  ].map(({ path, data }) => ({
    path,
    size: data.length,
    content: async function* () {
      yield data;
    },
  }));
  const chunks: Uint8Array[] = [];
  for await (const chunk of bundlePackage({ format: "mets", mets: "mets.xml" }, members)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe("the input format registry", () => {
  it("lists each media type once, and a file of every format is recognised as its own", async () => {
    const mediaTypes = FORMATS.map((format) => format.mediaType);
    expect(new Set(mediaTypes).size).toBe(mediaTypes.length);
    const recognised = (await samples()).map(([mediaType, bytes]) => [
      mediaType,
      sniff(bytes).format.mediaType,
    ]);
    expect(recognised.map(([, found]) => found)).toEqual(recognised.map(([expected]) => expected));
    expect(new Set(recognised.map(([mediaType]) => mediaType))).toEqual(new Set(mediaTypes));
  });

  it("derives the MediaType union from its entries", () => {
    const alto: MediaType = "application/alto+xml";
    // @ts-expect-error TEI is not an input format
    const tei: MediaType = "application/tei+xml";
    expect(FORMATS.some((format) => format.mediaType === alto)).toBe(true);
    expect(FORMATS.some((format) => format.mediaType === tei)).toBe(false);
  });

  it("says which documents have page images: the formats with a page source", () => {
    const withImages = FORMATS.filter((format) => hasPageImages(format.mediaType)).map((f) => f.mediaType);
    expect(withImages).toEqual([
      "application/pdf",
      "image/png",
      "image/jpeg",
      "image/tiff",
      "image/webp",
      "image/gif",
    ]);
    expect(hasPageImages("application/x-unknown")).toBe(false);
  });

  it("gives the raw-upload content types of every format, each once", () => {
    expect(new Set(RAW_UPLOAD_TYPES).size).toBe(RAW_UPLOAD_TYPES.length);
    for (const format of FORMATS)
      expect(RAW_UPLOAD_TYPES).toEqual(expect.arrayContaining([...format.rawTypes]));
    expect(RAW_UPLOAD_TYPES).toEqual(
      expect.arrayContaining(["application/octet-stream", "text/xml", "image/tiff"]),
    );
  });

  it("tells a batch entry's format from its first bytes where they can, and takes every format in batches", async () => {
    for (const [mediaType, bytes] of await samples()) {
      const head = bytes.subarray(0, 8 * 1024);
      // Plain text and JSON are only known once the whole file has decoded.
      if (mediaType !== "text/plain" && mediaType !== "application/ld+json")
        expect(formatOfHead(head)?.mediaType).toBe(mediaType);
      expect(classify(`batch/${mediaType.replace("/", "-")}`, head)).toEqual({ kind: "document" });
    }
    expect(formatOfHead(Buffer.from("Le notaire"))).toBeUndefined();
  });
});
