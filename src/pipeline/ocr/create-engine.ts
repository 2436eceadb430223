/**
 * The OCR engine OCR_ENGINE asks for: `native` (the tesseract command), `tesseractjs`, or `auto`,
 * native where it is installed and tesseract.js otherwise.
 */
import { availableParallelism } from "node:os";
import { type Config, ConfigError } from "../../config.js";
import type { Log } from "../../logger.js";
import { createNativeEngine, findNativeTesseract } from "./native.js";
import type { OcrEngine } from "./port.js";
import { assembleTessdata } from "./tessdata.js";
import { createTesseractJsEngine } from "./tesseractjs.js";

/** More pages at once than this gains nothing on common machines and costs memory (tesseract.js: 150-300 MiB each). */
const MAX_DEFAULT_PARALLEL_PAGES = 4;

type OcrConfig = Pick<Config, "ocrEngine" | "dataDir" | "ocrParallelPages">;

export function parallelPages(config: Pick<Config, "ocrParallelPages">): number {
  return config.ocrParallelPages ?? Math.min(availableParallelism(), MAX_DEFAULT_PARALLEL_PAGES);
}

export async function createOcrEngine(config: OcrConfig, log: Log): Promise<OcrEngine> {
  const native = await findNativeTesseract();
  if (native && config.ocrEngine !== "tesseractjs") return createNativeEngine(native);
  if (config.ocrEngine === "native")
    throw new ConfigError(
      "OCR_ENGINE",
      'the tesseract command is not installed (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng, plus the languages needed). Install it, or set "auto" or "tesseractjs".',
    );
  // tesseract.js can read Debian's traineddata too, where the packages are installed.
  const tessdata = await assembleTessdata(config.dataDir, native?.tessdata);
  return createTesseractJsEngine({ tessdata, maxWorkers: parallelPages(config), log });
}
