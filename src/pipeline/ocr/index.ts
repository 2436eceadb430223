/**
 * The OCR reader the services share, configured from the environment. The engine starts on the
 * first page that needs it; OCR_ENGINE=native is checked at start-up, so a machine without
 * tesseract fails then, naming the variable, rather than on the first scan.
 */
import type { Config } from "../../config.js";
import type { Log } from "../../logger.js";
import { createOcrEngine, parallelPages } from "./create-engine.js";
import type { OcrEngine } from "./port.js";
import { createOcrReader, type OcrReader, type OcrReaderOptions } from "./reader.js";

export type OcrSettings = Pick<
  Config,
  | "ocrEngine"
  | "ocrLanguages"
  | "ocrParallelPages"
  | "ocrPageTimeoutMs"
  | "ocrMaxPixels"
  | "ocrPagePixels"
  | "ocrDocumentPixels"
  | "ocrDocumentSeconds"
  | "ocrDpi"
  | "dataDir"
  | ReadingKeys
>;

type ReadingKeys =
  | "ocrOrientation"
  | "ocrOrientationMinConfidence"
  | "ocrOrientationPixels"
  | "ocrTextArea"
  | "ocrTextAreaMargin"
  | "ocrTextConfidence"
  | "ocrJunkLineConfidence"
  | "ocrJunkLineMinCharacters";

/** How pages are set upright and sifted (orientation.ts, junk-lines.ts), from their settings. */
export function readingSettings(
  config: Pick<Config, ReadingKeys>,
): Pick<OcrReaderOptions, "orientation" | "junk"> {
  return {
    orientation: {
      mode: config.ocrOrientation,
      minConfidence: config.ocrOrientationMinConfidence,
      maxPixels: config.ocrOrientationPixels,
      sureConfidence: config.ocrTextConfidence,
    },
    junk: {
      textArea: config.ocrTextArea,
      margin: config.ocrTextAreaMargin,
      sureConfidence: config.ocrTextConfidence,
      lineConfidence: config.ocrJunkLineConfidence,
      lineMinCharacters: config.ocrJunkLineMinCharacters,
    },
  };
}

/** `observe` wraps the engine once made (the metrics of its pages). */
export async function createOcr(
  config: OcrSettings,
  log: Log,
  observe: (engine: OcrEngine) => OcrEngine = (engine) => engine,
): Promise<OcrReader> {
  // Probing tesseract costs two short process runs and starts nothing that lingers.
  const native = config.ocrEngine === "native" ? await createOcrEngine(config, log) : undefined;
  return createOcrReader({
    engine: async () => observe(native ?? (await createOcrEngine(config, log))),
    parallelPages: parallelPages(config),
    pageTimeoutMs: config.ocrPageTimeoutMs,
    maxPixels: config.ocrMaxPixels,
    pagePixels: config.ocrPagePixels,
    documentPixels: config.ocrDocumentPixels,
    documentSeconds: config.ocrDocumentSeconds,
    renderDpi: config.ocrDpi,
    defaultModels: config.ocrLanguages.split("+"),
    ...readingSettings(config),
  });
}
