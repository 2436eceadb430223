/**
 * Reads a IIIF Presentation manifest (3.0 or 2.1) as one document: its canvases in order, each page
 * from the transcription the manifest gives as text annotations (embedded, or annotation pages fetched
 * under the IIIF_* rules), else by OCR of its image, fetched through its Image API service at a size
 * fit for OCR. Every page keeps its canvas, so annotations of the result can target it (a text page's
 * boxes are in canvas coordinates already; an OCR page's in the pixels of the image fetched).
 */
import { isPalimpsestError, PalimpsestError } from "../../errors.js";
import {
  isReferenced,
  pageAnnotations,
  type TextAnnotation,
  textAnnotations,
} from "../../iiif-client/annotations.js";
import { fetchCanvasImage } from "../../iiif-client/canvas-image.js";
import { idOf, type Json } from "../../iiif-client/json-ld.js";
import { type IiifCanvas, invalidManifest, readIiif } from "../../iiif-client/manifest.js";
import type { Canvas, Warning } from "../types.js";
import { composePage } from "./compose-page.js";
import { decodeText } from "./decode-text.js";
import type { ReadDocument, ReadInput, ReadOptions } from "./input-format.js";
import { type LinkedReading, linkedReading } from "./linked.js";
import { type MixedPage, readMixedPages } from "./mixed-pages.js";
import { layoutPages, type PageText } from "./pages.js";

export async function readManifest(
  { bytes, decoded }: ReadInput,
  options: ReadOptions,
): Promise<ReadDocument> {
  const linked = options.linked ?? linkedReading({});
  let json: unknown;
  try {
    json = JSON.parse((decoded ?? decodeText(bytes)).text);
  } catch (error) {
    throw invalidManifest(`it is not JSON (${(error as Error).message}).`);
  }
  const read = readIiif(json);
  if (read.kind === "collection")
    throw invalidManifest(
      'it is a collection, which lists manifests: send it as a batch (POST /v1/batches with {"manifest": URL}, or palimpsest batch URL), each manifest a document.',
    );
  const { manifest } = read;
  if (manifest.canvases.length === 0) throw invalidManifest("it has no canvases.");
  if (manifest.canvases.length > options.maxPages)
    throw new PalimpsestError(
      "TOO_MANY_PAGES",
      `The manifest has ${manifest.canvases.length} canvases; at most ${options.maxPages} are read from one document. Split it into smaller parts.`,
      { details: { pages: manifest.canvases.length, maxPages: options.maxPages } },
    );
  const { signal } = options.request;
  const warnings: Warning[] = [];
  const sources: MixedPage[] = [];
  for (const [index, canvas] of manifest.canvases.entries()) {
    const what = canvasName(canvas, index + 1);
    const lines = await transcription(canvas, what, index + 1, linked, signal, warnings);
    if (lines.length > 0) {
      sources.push({ text: annotationPage(lines, canvas) });
      continue;
    }
    if (canvas.image === undefined) {
      warnings.push({
        code: "IIIF_CANVAS_EMPTY",
        page: index + 1,
        message: `${capitalise(what)} has neither an image nor a transcription: its page is empty.`,
      });
      sources.push({ text: { text: "", needsOcr: false } });
      continue;
    }
    sources.push({
      ocr: {
        image: async () => ({
          bytes: await fetchCanvasImage(canvas, what, {
            fetcher: linked.fetcher,
            longestSide: linked.iiifImageSize,
            signal,
          }),
          origin: "file" as const,
          reason: "image" as const,
        }),
      },
    });
  }
  const pages = await readMixedPages(sources, options, "the manifest");
  warnings.push(...pages.warnings);
  const texts = pages.pages.map((page, index) => ({
    ...page,
    canvas: canvasOf(manifest.canvases[index] as IiifCanvas),
  }));
  if (texts.every((page) => page.text.trim() === ""))
    throw new PalimpsestError(
      "EMPTY_DOCUMENT",
      `The ${texts.length} canvas(es) of the manifest hold no text.`,
    );
  return {
    ...layoutPages(texts),
    warnings: warnings.sort((a, b) => (a.page ?? 0) - (b.page ?? 0)),
    ...(manifest.label ? { title: manifest.label } : {}),
    identifier: manifest.id,
  };
}

/**
 * The canvas's text annotations, from its embedded pages and the pages it names (fetched); a page that
 * cannot be fetched is a warning, and the canvas is then read by OCR if nothing else gives its text.
 */
async function transcription(
  canvas: IiifCanvas,
  what: string,
  number: number,
  linked: LinkedReading,
  signal: AbortSignal,
  warnings: Warning[],
): Promise<TextAnnotation[]> {
  const lines: TextAnnotation[] = [];
  for (const page of canvas.annotationPages) {
    let annotations = pageAnnotations(page);
    if (isReferenced(page)) {
      try {
        const fetched = await linked.fetcher.fetch(idOf(page) as string, {
          what: `an annotation page of ${what}`,
          accept: ["application/json"],
          signal,
        });
        annotations = pageAnnotations(JSON.parse(fetched.bytes.toString("utf8")) as Json);
      } catch (error) {
        if (signal.aborted || !(isPalimpsestError(error) || error instanceof SyntaxError)) throw error;
        warnings.push({
          code: "IIIF_ANNOTATIONS_UNAVAILABLE",
          page: number,
          message: `An annotation page of ${what} could not be read (${error.message}); its transcription, if it had one, is not used.`,
        });
        continue;
      }
    }
    lines.push(...textAnnotations(annotations, canvas.id));
  }
  return lines;
}

/** The text annotations as the page's lines, boxed in canvas coordinates (the page is the canvas). */
function annotationPage(lines: TextAnnotation[], canvas: IiifCanvas): PageText {
  const { text, layout } = composePage([
    {
      lines: lines.flatMap(({ text: value, box }) => {
        const parts = value.split(/\r?\n/);
        // A multi-line annotation (a paragraph) is several lines, none of which its box fits alone.
        if (parts.length > 1) return parts.map((part) => ({ words: [], text: part }));
        return [{ words: [], text: value, ...(box ? { box } : {}) }];
      }),
    },
  ]);
  return {
    text,
    needsOcr: false,
    width: canvas.width,
    height: canvas.height,
    reading: { method: "iiif-annotations" },
    layout,
  };
}

function canvasOf({ id, width, height, image }: IiifCanvas): Canvas {
  return {
    id,
    width,
    height,
    ...(image
      ? {
          image: {
            id: image.id,
            ...(image.format ? { format: image.format } : {}),
            ...(image.service ? { service: image.service } : {}),
          },
        }
      : {}),
  };
}

function canvasName(canvas: IiifCanvas, number: number): string {
  return canvas.label ? `canvas ${number} ("${canvas.label}")` : `canvas ${number}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
