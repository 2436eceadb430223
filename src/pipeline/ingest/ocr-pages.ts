/**
 * Reads the pages of a document that need OCR. All pages are handed to the OCR reader at once; it
 * renders or extracts, prepares and reads only a few at a time. A page the engine fails on (crash,
 * timeout, a damaged image inside a PDF) is reported and left empty; the other pages are still read.
 */
import { isPalimpsestError, PalimpsestError } from "../../errors.js";
import type { OcrHints } from "../ocr/models.js";
import { OcrPageError, type OcrReader, type PageImage } from "../ocr/reader.js";
import type { Warning } from "../types.js";
import type { PageText } from "./pages.js";

export interface OcrJob {
  /** 1-based page number, for reports. */
  page: number;
  image: () => Promise<PageImage>;
}

export interface OcrOutcome {
  /** One per job, in order; a failed page is empty and still needs OCR. */
  pages: PageText[];
  warnings: Warning[];
  failures: { page: number; error: Error }[];
}

export async function ocrPages(
  jobs: readonly OcrJob[],
  ocr: OcrReader,
  hints: OcrHints,
  signal: AbortSignal,
): Promise<OcrOutcome> {
  const warnings: Warning[] = [];
  const failures: OcrOutcome["failures"] = [];
  if (jobs.length === 0) return { pages: [], warnings, failures };
  const choice = await ocr.chooseModels(hints);
  if (choice.note)
    warnings.push({
      code: "OCR_MODEL_FALLBACK",
      message: `OCR used ${choice.models.join("+")}: ${choice.note}. Install the model (Debian: tesseract-ocr-<lang>) for better results.`,
    });
  const pages = await Promise.all(
    jobs.map(async ({ page, image }): Promise<PageText> => {
      try {
        return await ocr.read(image, choice.models, signal);
      } catch (error) {
        if (!(error instanceof OcrPageError || isPalimpsestError(error))) throw error;
        failures.push({ page, error });
        warnings.push({
          code: "OCR_FAILED",
          page,
          message: `Page ${page} could not be read: ${error.message}`,
        });
        return { text: "", needsOcr: true };
      }
    }),
  );
  failures.sort((a, b) => a.page - b.page);
  return { pages, warnings: warnings.sort((a, b) => (a.page ?? 0) - (b.page ?? 0)), failures };
}

/** The error for a document none of whose pages could be read: the page's own when there was one page. */
export function unreadable(failures: OcrOutcome["failures"]): Error {
  const [first] = failures;
  if (failures.length === 1 && first && isPalimpsestError(first.error)) return first.error;
  return new PalimpsestError(
    "OCR_FAILED",
    `No page could be read by OCR: ${failures.map(({ page, error }) => `page ${page}: ${error.message}`).join("; ")}`,
    { details: { pages: failures.map(({ page }) => page) } },
  );
}
