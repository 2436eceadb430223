/**
 * The W3C Web Annotation export, as a JSON-LD processor reads it: expanded with the model's own
 * context (a local copy of http://www.w3.org/ns/anno.jsonld, so the test needs no network), every
 * term must land on its Web Annotation IRI and every selector must point at the mention.
 */
import { readFileSync } from "node:fs";
import jsonld from "jsonld";
import { describe, expect, it } from "vitest";
import { ANNO_CONTEXT, documentIri, webAnnotations } from "../../src/export/webanno.js";
import { extractionOf, LETTER_TEXT, letterExtraction } from "../support/extractions.js";

const OA = "http://www.w3.org/ns/oa#";
const context = JSON.parse(readFileSync(new URL("../fixtures/webanno/anno.jsonld", import.meta.url), "utf8"));

async function expand(document: Record<string, unknown>) {
  const documentLoader = async (url: string) => {
    if (url !== ANNO_CONTEXT) throw new Error(`unexpected context ${url}`);
    return { contextUrl: undefined, documentUrl: url, document: context };
  };
  return jsonld.expand(document, { documentLoader } as Parameters<typeof jsonld.expand>[1]);
}

type Node = Record<string, unknown>;
const nodes = (value: unknown) => (Array.isArray(value) ? (value as Node[]) : value ? [value as Node] : []);
const literal = (node: Node | undefined, property: string) =>
  (nodes(node?.[property])[0] as { "@value"?: unknown })?.["@value"];
const idOf = (node: Node | undefined, property: string) =>
  (nodes(node?.[property])[0] as { "@id"?: string })?.["@id"];

/** The annotations of an expanded collection, in order (as:items is an @list). */
function annotationsOf(expanded: Node[]): Node[] {
  const page = nodes(expanded[0]?.["http://www.w3.org/ns/activitystreams#first"])[0];
  const list = nodes(page?.["http://www.w3.org/ns/activitystreams#items"])[0] as { "@list": Node[] };
  return list["@list"];
}

describe("Web Annotation export", () => {
  it("expands as an annotation collection whose items are oa:Annotations classifying their target", async () => {
    const expanded = (await expand(webAnnotations([letterExtraction()]))) as Node[];
    expect(expanded[0]?.["@type"]).toEqual(["http://www.w3.org/ns/activitystreams#OrderedCollection"]);
    const annotations = annotationsOf(expanded);
    expect(annotations).toHaveLength(4);
    for (const annotation of annotations) {
      expect(annotation["@type"]).toEqual([`${OA}Annotation`]);
      expect(idOf(annotation, `${OA}motivatedBy`)).toBe(`${OA}classifying`);
    }
    const bodies = nodes(annotations[2]?.[`${OA}hasBody`]);
    expect(bodies.map((b) => literal(b, "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"))).toEqual([
      "date",
      '{"value":"1619-08-29"}',
    ]);
  });

  it("selects each mention by code point position and by quote, both pointing at the same characters", async () => {
    const annotations = annotationsOf((await expand(webAnnotations([letterExtraction()]))) as Node[]);
    const characters = [...LETTER_TEXT];
    for (const [i, annotation] of annotations.entries()) {
      const target = nodes(annotation[`${OA}hasTarget`])[0];
      expect(idOf(target, `${OA}hasSource`)).toBe(documentIri(letterExtraction().document.id));
      const selectors = nodes(target?.[`${OA}hasSelector`]);
      const position = selectors.find((s) => (s["@type"] as string[])[0] === `${OA}TextPositionSelector`);
      const quote = selectors.find((s) => (s["@type"] as string[])[0] === `${OA}TextQuoteSelector`);
      const start = Number(literal(position, `${OA}start`));
      const end = Number(literal(position, `${OA}end`));
      const exact = literal(quote, `${OA}exact`) as string;
      expect(exact).toBe(letterExtraction().entities[i]?.text);
      expect(characters.slice(start, end).join("")).toBe(exact);
      const prefix = literal(quote, `${OA}prefix`) as string;
      const suffix = literal(quote, `${OA}suffix`) as string;
      expect(LETTER_TEXT).toContain(`${prefix}${exact}${suffix}`);
    }
  });

  it("names the document by the SHA-256 of its bytes, as an RFC 6920 ni: IRI", () => {
    expect(documentIri("00ff".repeat(16))).toBe(
      `ni:///sha-256;${Buffer.from("00ff".repeat(16), "hex").toString("base64url")}`,
    );
  });

  it("adds the image region of a mention read from a page image, as a media fragment of the page", async () => {
    const scanned = extractionOf(
      "Lettre de Voltaire",
      [{ type: "person", text: "Voltaire", bbox: { x: 120.4, y: 40, width: 88, height: 21 } }],
      { mediaType: "image/png" as "text/plain", pageSize: { width: 1700, height: 2200 } },
    );
    const annotation = annotationsOf((await expand(webAnnotations([scanned]))) as Node[])[0];
    const targets = nodes(annotation?.[`${OA}hasTarget`]);
    expect(targets).toHaveLength(2);
    const image = targets[1];
    const source = nodes(image?.[`${OA}hasSource`])[0];
    expect(source?.["@id"]).toBe(documentIri(scanned.document.id));
    expect(source?.["@type"]).toEqual(["http://purl.org/dc/dcmitype/StillImage"]);
    expect(literal(source, "http://schema.org/width")).toBe(1700);
    const selector = nodes(image?.[`${OA}hasSelector`])[0];
    expect(selector?.["@type"]).toEqual([`${OA}FragmentSelector`]);
    expect(literal(selector, "http://www.w3.org/1999/02/22-rdf-syntax-ns#value")).toBe("xywh=120,40,88,21");
    expect(idOf(selector, "http://purl.org/dc/terms/conformsTo")).toBe("http://www.w3.org/TR/media-frags/");
  });

  it("puts the annotations of several documents in one collection, each targeting its own document", async () => {
    const other = {
      ...letterExtraction(),
      document: { ...letterExtraction().document, id: "ab".repeat(32) },
    };
    const annotations = annotationsOf((await expand(webAnnotations([letterExtraction(), other]))) as Node[]);
    expect(annotations).toHaveLength(8);
    expect(new Set(annotations.map((a) => idOf(nodes(a[`${OA}hasTarget`])[0], `${OA}hasSource`))).size).toBe(
      2,
    );
    expect(new Set(annotations.map((a) => a["@id"])).size).toBe(8);
  });
});
