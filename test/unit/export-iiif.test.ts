/**
 * Exports of a document read from a IIIF manifest: Web Annotations whose image target is the canvas,
 * the box scaled from the page image's pixels to canvas coordinates, and the IIIF export, a
 * Presentation 3 manifest of the same canvases with one AnnotationPage of entities each.
 */
import { readFileSync } from "node:fs";
import jsonld from "jsonld";
import { describe, expect, it } from "vitest";
import { canvasRegion } from "../../src/export/canvas-target.js";
import { EXPORT_FORMATS } from "../../src/export/formats.js";
import { iiifManifest } from "../../src/export/iiif.js";
import { ANNO_CONTEXT, webAnnotations } from "../../src/export/webanno.js";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { extractionOf } from "../support/extractions.js";

const MANIFEST = "https://iiif.example.org/manifests/kant.json";
const canvas = (n: number) => ({
  id: `https://iiif.example.org/canvas/${n}`,
  width: 2914,
  height: 4166,
  image: {
    id: `https://iiif.example.org/iiif/${n}/full/max/0/default.jpg`,
    format: "image/jpeg",
    service: { id: `https://iiif.example.org/iiif/${n}`, type: "ImageService3", profile: "level1" },
  },
});

/** Two canvases: page 1 read by OCR from an image half the canvas's size, page 2 from annotations. */
function manifestExtraction(): Extraction {
  const text = "Berlinische Monatsschrift 1784\n\nAufklärung";
  const extraction = extractionOf(
    text,
    [
      { type: "work", text: "Berlinische Monatsschrift", bbox: { x: 114, y: 366, width: 804, height: 72 } },
      { type: "date", text: "1784", bbox: { x: 930, y: 366, width: 101, height: 71 } },
      { type: "event", text: "Aufklärung" },
    ],
    {
      id: "a".repeat(64),
      mediaType: "application/ld+json",
      title: "Berlinische Monatsschrift, Dezember 1784",
      identifier: MANIFEST,
    },
  );
  extraction.document.pages = [
    { number: 1, start: 0, end: 30, needsOcr: false, width: 1457, height: 2083, canvas: canvas(1) },
    { number: 2, start: 32, end: 42, needsOcr: false, width: 2914, height: 4166, canvas: canvas(2) },
  ];
  (extraction.entities[2] as { page: number }).page = 2;
  return extraction;
}

describe("a mention on its canvas", () => {
  it("is scaled from the page image's pixels to canvas coordinates", () => {
    const extraction = manifestExtraction();
    expect(canvasRegion(extraction, extraction.entities[0] as Extraction["entities"][number])).toEqual({
      canvas: canvas(1),
      xywh: [228, 732, 1608, 144],
    });
    // No box, no region.
    expect(
      canvasRegion(extraction, extraction.entities[2] as Extraction["entities"][number]),
    ).toBeUndefined();
  });

  it("is the image target of its Web Annotation: the canvas as source, a media fragment as selector", async () => {
    const collection = webAnnotations([manifestExtraction()]);
    const [work] = (collection.first as { items: { target: unknown[] }[] }).items;
    expect(work?.target[1]).toEqual({
      type: "SpecificResource",
      source: "https://iiif.example.org/canvas/1",
      selector: {
        type: "FragmentSelector",
        conformsTo: "http://www.w3.org/TR/media-frags/",
        value: "xywh=228,732,1608,144",
      },
    });
    // As a JSON-LD processor reads it: oa:hasSource is the canvas's IRI.
    const context = JSON.parse(
      readFileSync(new URL("../fixtures/webanno/anno.jsonld", import.meta.url), "utf8"),
    );
    const expanded = (await jsonld.expand(collection, {
      documentLoader: async (url: string) => {
        if (url !== ANNO_CONTEXT) throw new Error(`unexpected context ${url}`);
        return { contextUrl: undefined, documentUrl: url, document: context };
      },
    } as Parameters<typeof jsonld.expand>[1])) as Record<string, unknown>[];
    expect(JSON.stringify(expanded)).toContain(
      '"http://www.w3.org/ns/oa#hasSource":[{"@id":"https://iiif.example.org/canvas/1"}]',
    );
  });
});

describe("the IIIF export", () => {
  it("is a Presentation 3 manifest of the canvases, each painted with its image and holding its entities", () => {
    const manifest = iiifManifest(manifestExtraction()) as {
      items: {
        id: string;
        items: unknown[];
        annotations: {
          type: string;
          items: { body: { value: string }[]; target: { source: string; selector: { value: string } } }[];
        }[];
      }[];
    };
    expect(manifest).toMatchObject({
      "@context": "http://iiif.io/api/presentation/3/context.json",
      type: "Manifest",
      label: { none: ["Entities in Berlinische Monatsschrift, Dezember 1784"] },
      summary: { none: [`Entities found by Palimpsest in ${MANIFEST}`] },
    });
    expect(manifest.items.map((item) => item.id)).toEqual([canvas(1).id, canvas(2).id]);
    expect(manifest.items[0]?.items).toEqual([
      expect.objectContaining({
        type: "AnnotationPage",
        items: [
          expect.objectContaining({
            motivation: "painting",
            body: expect.objectContaining({ id: canvas(1).image.id, service: [canvas(1).image.service] }),
            target: canvas(1).id,
          }),
        ],
      }),
    ]);
    const [first, second] = manifest.items.map((item) => item.annotations[0]);
    expect(
      first?.items.map((a) => [a.body[0]?.value, a.body[1]?.value, a.target.source, a.target.selector.value]),
    ).toEqual([
      ["work", "Berlinische Monatsschrift", canvas(1).id, "xywh=228,732,1608,144"],
      ["date", "1784", canvas(1).id, "xywh=1860,732,202,142"],
    ]);
    // A mention without a box has no region to draw: its canvas's page is empty.
    expect(second).toMatchObject({ type: "AnnotationPage", items: [] });
  });

  it("is made of one document read from a manifest, and refused for others", () => {
    const render = EXPORT_FORMATS.iiif.render;
    expect(() => render([manifestExtraction(), manifestExtraction()])).toThrow(
      expect.objectContaining({ code: "EXPORT_NOT_APPLICABLE" }),
    );
    expect(() => render([extractionOf("Reims, 1619.", [])])).toThrow(
      expect.objectContaining({
        code: "EXPORT_NOT_APPLICABLE",
        message: expect.stringContaining("text/plain"),
      }),
    );
    expect(JSON.parse(String(render([manifestExtraction()]))).type).toBe("Manifest");
  });
});
