/**
 * The IIIF export of a document read from a IIIF manifest: a Presentation 3 manifest of the same
 * canvases (same ids and sizes, painted with the same images through the same Image API services),
 * each with one AnnotationPage of the entities found on it, every annotation targeting its region of
 * the canvas. Mirador or the Universal Viewer open it like any manifest, beside the original: the
 * pages with the entities drawn on them and listed. Mentions without a box (a transcription without
 * coordinates) have no region to show and are left out of the pages; the JSON result has them all.
 */
import { packageVersion } from "../package-info.js";
import type { Extraction, OutputMention } from "../pipeline/extraction.js";
import type { Canvas } from "../pipeline/types.js";
import { canvasRegion, canvasTarget } from "./canvas-target.js";
import { documentIri } from "./webanno.js";

export const PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json";

export function iiifManifest(extraction: Extraction): Record<string, unknown> {
  const { document } = extraction;
  const id = `${documentIri(document.id)}#iiif`;
  const name = document.title ?? document.filename ?? document.identifier ?? document.id;
  const byCanvas = new Map<string, { canvas: Canvas; mentions: Record<string, unknown>[] }>();
  for (const page of document.pages)
    if (page.canvas) byCanvas.set(page.canvas.id, { canvas: page.canvas, mentions: [] });
  for (const mention of extraction.entities) {
    const region = canvasRegion(extraction, mention);
    if (region) byCanvas.get(region.canvas.id)?.mentions.push(annotation(id, mention, canvasTarget(region)));
  }
  return {
    "@context": PRESENTATION_CONTEXT,
    id,
    type: "Manifest",
    label: { none: [`Entities in ${name}`] },
    ...(document.identifier
      ? { summary: { none: [`Entities found by Palimpsest in ${document.identifier}`] } }
      : {}),
    ...(document.language ? { language: [document.language] } : {}),
    provider: [{ id: `${id}-generator`, type: "Agent", label: { none: [`Palimpsest ${packageVersion()}`] } }],
    items: [...byCanvas.values()].map(({ canvas, mentions }, index) => ({
      id: canvas.id,
      type: "Canvas",
      width: canvas.width,
      height: canvas.height,
      ...(canvas.image ? { items: [painting(id, index + 1, canvas)] } : {}),
      annotations: [{ id: `${id}/page/${index + 1}/entities`, type: "AnnotationPage", items: mentions }],
    })),
  };
}

function painting(manifest: string, number: number, canvas: Canvas) {
  const image = canvas.image as NonNullable<Canvas["image"]>;
  return {
    id: `${manifest}/page/${number}`,
    type: "AnnotationPage",
    items: [
      {
        id: `${manifest}/page/${number}/image`,
        type: "Annotation",
        motivation: "painting",
        body: {
          id: image.id,
          type: "Image",
          ...(image.format ? { format: image.format } : {}),
          ...(image.service ? { service: [image.service] } : {}),
        },
        target: canvas.id,
      },
    ],
  };
}

function annotation(manifest: string, mention: OutputMention, target: ReturnType<typeof canvasTarget>) {
  return {
    id: `${manifest}/${mention.id}`,
    type: "Annotation",
    motivation: "tagging",
    body: [
      { type: "TextualBody", purpose: "tagging", value: mention.type, format: "text/plain" },
      { type: "TextualBody", purpose: "describing", value: mention.text, format: "text/plain" },
    ],
    target,
  };
}
