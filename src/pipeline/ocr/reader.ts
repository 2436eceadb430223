/**
 * Reads page images into page texts with their layout: preprocessing, the page turned upright
 * (orientation.ts), the engine's hOCR through the hOCR importer, margins and junk lines dropped
 * (junk-lines.ts), boxes back in the pixels of the page as stored. A page gets OCR_PAGE_TIMEOUT_MS once the engine
 * starts on it; at most OCR_PARALLEL_PAGES pages are prepared and read at once across all
 * documents, which also bounds the page images held in memory. Those slots are shared fairly, as
 * the model's are (jobs/fair-gate.ts): whenever one frees, the next requester in turn (a job, a
 * client) gets it, so a 500-page scan does not make a 5-page one wait for all its pages. Each
 * document's pages spend its OCR budget (budget.ts).
 */

import { FairGate } from "../../concurrency/fair-gate.js";
import { isPalimpsestError } from "../../errors.js";
import { composePage, type SourceBlock } from "../ingest/compose-page.js";
import type { PageText } from "../ingest/pages.js";
import { importHocr } from "../ingest/xml/hocr.js";
import type { Box, OcrReason } from "../types.js";
import { OcrBudget } from "./budget.js";
import { dropJunk, type JunkSettings } from "./junk-lines.js";
import { chooseModels, type ModelChoice, type OcrHints } from "./models.js";
import { findOrientation, type OrientationSettings, turnImage } from "./orientation.js";
import { mapBoxes, type QuarterTurn, toStoredPixels } from "./page-geometry.js";
import type { OcrEngine } from "./port.js";
import { countImagePages, leastPixels, type PreparedImage, pixelsOf, prepareImage } from "./prepare-image.js";

export interface PageImage {
  bytes: Uint8Array;
  /** Index of the page in a multi-page image file. */
  index?: number;
  origin: "file" | "embedded" | "rendered";
  /** Resolution of the image on its page, where known (PDF pages); else the file's own. */
  dpi?: number;
  reason: OcrReason;
}

/** Whose page it is, and the document's budget and signal. */
export interface PageRequest {
  /** Who the work is for (a job, a client): the OCR slots go round between requesters. */
  requester: string;
  budget: OcrBudget;
  signal: AbortSignal;
}

export interface OcrReader {
  /** The models a document is read with, and a note when its hints could not be met. */
  chooseModels(hints: OcrHints): Promise<ModelChoice>;
  /** A new budget for one document's pages (OCR_DOCUMENT_PIXELS, OCR_DOCUMENT_SECONDS). */
  budget(): OcrBudget;
  /**
   * One page's text and layout. The image is made (rendered, extracted) only when the page's turn
   * comes. Rejects with OcrPageError when the image cannot be made or the engine fails or times out
   * on the page, with a PalimpsestError when the image itself is bad, with the signal's or the
   * budget's reason when the document is given up.
   */
  read(image: () => Promise<PageImage>, models: readonly string[], request: PageRequest): Promise<PageText>;
  /** Number of pages of an image file (a multi-page TIFF has several). */
  countPages(bytes: Uint8Array): Promise<number>;
  /** Pixels the engine gets at least of each of the `pages` pages of an image file, from headers alone. */
  leastPixels(bytes: Uint8Array, pages: number): Promise<number[]>;
  /** OCR_DPI: resolution PDF pages are rendered at. */
  readonly renderDpi: number;
  /** OCR_MAX_PIXELS: largest page image decoded. */
  readonly maxPixels: number;
  /** OCR_PAGE_PIXELS: most pixels a page is rendered at, or given to the engine. */
  readonly pagePixels: number;
  /** Stops the engine's workers, if it was started. */
  close(): Promise<void>;
}

export interface OcrReaderOptions {
  /** Created on first use, so a service that never meets a scan never starts an engine. */
  engine: () => Promise<OcrEngine>;
  parallelPages: number;
  pageTimeoutMs: number;
  maxPixels: number;
  pagePixels: number;
  documentPixels: number;
  documentSeconds: number;
  renderDpi: number;
  /** OCR_LANGUAGES, split. */
  defaultModels: readonly string[];
  /** OCR_ORIENTATION and its limits. */
  orientation: OrientationSettings;
  /** OCR_TEXT_AREA, OCR_JUNK_LINE_* and their thresholds. */
  junk: JunkSettings;
}

/** The engine failed or ran out of time on one page; the rest of the document can still be read. */
export class OcrPageError extends Error {
  override name = "OcrPageError";
}

/** The engine ran out of OCR_PAGE_TIMEOUT_MS on one page: the same page would again. */
export class OcrPageTimeout extends OcrPageError {
  override name = "OcrPageTimeout";
}

export function createOcrReader(options: OcrReaderOptions): OcrReader {
  const slots = new FairGate(() => options.parallelPages);
  const limits = { maxPixels: options.maxPixels, pagePixels: options.pagePixels };
  let engine: Promise<OcrEngine> | undefined;
  const getEngine = () => {
    if (!engine) {
      engine = options.engine();
      // An engine that failed to start is tried again on the next page, not remembered as failed.
      engine.catch(() => {
        engine = undefined;
      });
    }
    return engine;
  };

  const readPage = async (
    source: () => Promise<PageImage>,
    models: readonly string[],
    { budget, signal }: PageRequest,
  ): Promise<PageText> => {
    const ocr = await getEngine();
    const image = await make(source, signal);
    const prepared = await prepareImage(image.bytes, { page: image.index, dpi: image.dpi, ...limits });
    budget.charge(pixelsOf(prepared));
    const timeout = AbortSignal.timeout(options.pageTimeoutMs);
    const pageSignal = AbortSignal.any([signal, timeout]);
    let hocr: string;
    let turn: QuarterTurn | undefined;
    try {
      if (options.orientation.mode === "auto")
        turn = await findOrientation(ocr, prepared.data, models, options.orientation, {
          signal: pageSignal,
          charge: (pixels) => budget.charge(pixels),
        });
      const upright = await turnImage(prepared.data, turn ?? 0);
      hocr = await ocr.recognize(upright, models, pageSignal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (timeout.aborted)
        throw new OcrPageTimeout(
          `${ocr.name} failed on this page: timed out after ${options.pageTimeoutMs} ms (OCR_PAGE_TIMEOUT_MS)`,
          { cause: error },
        );
      throw new OcrPageError(`${ocr.name} failed on this page: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const by = { engine: ocr.name, model: models.join("+") };
    return pageText(hocr, { prepared, image, turn, junk: options.junk }, by);
  };

  return {
    countPages: (bytes) => countImagePages(bytes, options.maxPixels),
    leastPixels: (bytes, pages) => leastPixels(bytes, pages, limits),
    renderDpi: options.renderDpi,
    maxPixels: options.maxPixels,
    pagePixels: options.pagePixels,
    async close() {
      const started = engine;
      engine = undefined;
      await (await started?.catch(() => undefined))?.close();
    },
    async chooseModels(hints) {
      return chooseModels(hints, (await getEngine()).models, options.defaultModels);
    },
    budget: () =>
      new OcrBudget({ documentPixels: options.documentPixels, documentSeconds: options.documentSeconds }),
    read(source, models, request) {
      // The document is given up, or its budget spent: its pages leave their place in line too.
      const signal = AbortSignal.any([request.signal, request.budget.signal]);
      return slots.run(
        request.requester,
        async () => {
          signal.throwIfAborted();
          const stop = request.budget.start();
          try {
            return await readPage(source, models, { ...request, signal });
          } finally {
            stop();
          }
        },
        signal,
      );
    },
  };
}

interface ReadImage {
  prepared: PreparedImage;
  image: PageImage;
  /** The turn the engine's image was given; undefined when orientation was not looked for. */
  turn: QuarterTurn | undefined;
  junk: JunkSettings;
}

function pageText(
  hocr: string,
  { prepared, image, turn, junk }: ReadImage,
  by: { engine: string; model: string },
): PageText {
  let blocks: SourceBlock[];
  try {
    blocks = importHocr(hocr).pages.flatMap((page) => page.blocks);
  } catch (error) {
    throw new OcrPageError(`${by.engine} returned unreadable hOCR (${(error as Error).message})`, {
      cause: error,
    });
  }
  const sifted = dropJunk(blocks, junk);
  const stored = (box: Box) => toStoredPixels(box, prepared.scale, turn ?? 0, prepared);
  const { text, layout } = composePage(mapBoxes(sifted.blocks, stored));
  const confidence = meanConfidence(sifted.blocks);
  const { lines, words } = sifted.dropped;
  return {
    text,
    needsOcr: false,
    width: prepared.width,
    height: prepared.height,
    reading: {
      method: "ocr",
      reason: image.reason,
      ...by,
      image: image.origin,
      ...(image.dpi === undefined ? {} : { dpi: image.dpi }),
      ...(confidence === undefined ? {} : { confidence }),
      ...(turn === undefined ? {} : { rotation: turn }),
      ...(sifted.textArea ? { textArea: stored(sifted.textArea) } : {}),
      ...(words > 0 ? { dropped: { lines, words } } : {}),
    },
    layout,
  };
}

async function make(source: () => Promise<PageImage>, signal: AbortSignal): Promise<PageImage> {
  try {
    return await source();
  } catch (error) {
    if (signal.aborted || isPalimpsestError(error)) throw error;
    throw new OcrPageError(`its image could not be made (${(error as Error).message})`, { cause: error });
  }
}

function meanConfidence(blocks: SourceBlock[]): number | undefined {
  const values = blocks.flatMap((block) =>
    block.lines.flatMap((line) => line.words.flatMap((word) => word.confidence ?? [])),
  );
  if (values.length === 0) return undefined;
  return Math.round((values.reduce((sum, value) => sum + value, 0) / values.length) * 1000) / 1000;
}
