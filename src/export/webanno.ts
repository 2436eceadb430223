/**
 * W3C Web Annotation (JSON-LD, https://www.w3.org/TR/annotation-model/): one annotation per mention,
 * in one AnnotationCollection with a single embedded AnnotationPage.
 *
 * - The body classifies the target with the mention's type; a second, JSON body carries the
 *   profile's attributes when there are some; in a reviewed document, an `assessing` body says
 *   whether a person confirmed, corrected or added the mention (or left it unreviewed).
 * - The text target has two selectors, alternatives for the same characters: a TextPositionSelector
 *   (code points into the text as extracted, i.e. the result's `text`, as the model requires) and a
 *   TextQuoteSelector (the mention with 32 characters of context either side), which survives
 *   small changes to the text.
 * - A mention with a box on a page image (OCR, ALTO, PAGE, hOCR) has a second target: the page
 *   image with a FragmentSelector `xywh=x,y,w,h` in pixels (W3C Media Fragments); in a document read
 *   from a IIIF manifest, the page's canvas instead, in canvas coordinates (canvas-target.ts).
 * - Documents are named by the SHA-256 of their bytes as an RFC 6920 `ni:` IRI, so annotations
 *   find their document wherever it is stored; a page image is `<document>#page=N` (the document
 *   itself for an image file).
 */
import { createHash } from "node:crypto";
import { packageVersion } from "../package-info.js";
import type { Extraction, OutputMention } from "../pipeline/extraction.js";
import { CodePointIndex } from "../text/code-points.js";
import { canvasRegion, canvasTarget, MEDIA_FRAGMENTS } from "./canvas-target.js";
import { imageRegion } from "./region.js";

export const ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld";
const QUOTE_CONTEXT = 32;

/** RFC 6920 Named Information IRI of a document, from the hex SHA-256 that is its id. */
export function documentIri(sha256Hex: string): string {
  return `ni:///sha-256;${Buffer.from(sha256Hex, "hex").toString("base64url")}`;
}

export function webAnnotations(extractions: Extraction[]): Record<string, unknown> {
  const single = extractions.length === 1 ? extractions[0] : undefined;
  const id = single
    ? `${documentIri(single.document.id)}#annotations`
    : documentIri(
        createHash("sha256")
          .update(extractions.map((e) => e.document.id).join("\n"))
          .digest("hex"),
      );
  const items = extractions.flatMap((extraction) => {
    const index = new CodePointIndex(extraction.text);
    return extraction.entities.map((mention) => annotation(extraction, mention, index));
  });
  return {
    "@context": ANNO_CONTEXT,
    id,
    type: "AnnotationCollection",
    label: single
      ? `Entities in ${single.document.filename ?? single.document.id}`
      : `Entities in ${extractions.length} documents`,
    total: items.length,
    generator: { type: "Software", name: `Palimpsest ${packageVersion()}` },
    first: { id: `${id}-page-1`, type: "AnnotationPage", startIndex: 0, items },
  };
}

function annotation(extraction: Extraction, mention: OutputMention, index: CodePointIndex) {
  const { document, text } = extraction;
  const iri = documentIri(document.id);
  const slice = (from: number, to: number) =>
    text.slice(index.toUtf16(Math.max(0, from)), index.toUtf16(Math.min(index.length, to)));
  const attributes = Object.keys(mention.attributes).length > 0;
  const region = imageRegion(extraction, mention);
  const textTarget = {
    type: "SpecificResource",
    source: {
      id: iri,
      type: "Text",
      format: "text/plain",
      ...(document.language ? { language: document.language } : {}),
    },
    selector: [
      { type: "TextPositionSelector", start: mention.start, end: mention.end },
      {
        type: "TextQuoteSelector",
        exact: mention.text,
        prefix: slice(mention.start - QUOTE_CONTEXT, mention.start),
        suffix: slice(mention.end, mention.end + QUOTE_CONTEXT),
      },
    ],
  };
  const pageTarget = region && {
    type: "SpecificResource",
    source: {
      id: document.mediaType.startsWith("image/") ? iri : `${iri}#page=${region.page}`,
      type: "Image",
      ...(region.pageWidth === undefined ? {} : { "schema:width": region.pageWidth }),
      ...(region.pageHeight === undefined ? {} : { "schema:height": region.pageHeight }),
    },
    selector: {
      type: "FragmentSelector",
      conformsTo: MEDIA_FRAGMENTS,
      value: `xywh=${[region.box.x, region.box.y, region.box.width, region.box.height].map(Math.round).join(",")}`,
    },
  };
  const onCanvas = canvasRegion(extraction, mention);
  const imageTarget = onCanvas ? canvasTarget(onCanvas) : pageTarget;
  return {
    id: `${iri}#${mention.id}`,
    type: "Annotation",
    motivation: "classifying",
    creator: { type: "Software", name: extraction.model.id },
    body: [
      { type: "TextualBody", purpose: "classifying", value: mention.type },
      ...(attributes
        ? [
            {
              type: "TextualBody",
              purpose: "describing",
              format: "application/json",
              value: JSON.stringify(mention.attributes),
            },
          ]
        : []),
      // A reviewed document: whether a person confirmed, corrected or added the mention.
      ...(mention.review ? [{ type: "TextualBody", purpose: "assessing", value: mention.review }] : []),
    ],
    target: imageTarget ? [textTarget, imageTarget] : textTarget,
  };
}
