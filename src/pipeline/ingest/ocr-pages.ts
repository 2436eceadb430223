/**
 * Reads the pages of a document that need OCR. All pages are handed to the OCR reader at once; it
 * renders or extracts, prepares and reads only a few at a time, taking turns with other requesters.
 * A page the engine fails on (crash, timeout, a damaged image inside a PDF) is reported and left
 * empty; the other pages are still read. A document past its OCR budget fails as a whole.
 */
import { isPalimpsestError, PalimpsestError } from "../../errors.js";
import type { OcrHints } from "../ocr/models.js";
import { OcrPageError, OcrPageTimeout, type OcrReader, type PageImage } from "../ocr/reader.js";
import type { Warning } from "../types.js";
import type { PageText } from "./pages.js";

export interface OcrJob {
  /** 1-based page number, for reports. */
  page: number;
  image: () => Promise<PageImage>;
  /** Pixels the engine will get, when known before the image is made (image files). */
  pixels?: number;
}

export interface OcrOutcome {
  /** One per job, in order; a failed page is empty and still needs OCR. */
  pages: PageText[];
  warnings: Warning[];
  failures: { page: number; error: Error }[];
}

export interface OcrRequest {
  hints: OcrHints;
  /** Who the document is read for (a job, a client): pages of different requesters take turns. */
  requester: string;
  signal: AbortSignal;
}

export async function ocrPages(
  jobs: readonly OcrJob[],
  ocr: OcrReader,
  { hints, requester, signal }: OcrRequest,
): Promise<OcrOutcome> {
  const warnings: Warning[] = [];
  const failures: OcrOutcome["failures"] = [];
  if (jobs.length === 0) return { pages: [], warnings, failures };
  const budget = ocr.budget();
  budget.expect(jobs.reduce((sum, job) => sum + (job.pixels ?? 0), 0));
  const choice = await ocr.chooseModels(hints);
  if (choice.note)
    warnings.push({
      code: "OCR_MODEL_FALLBACK",
      message: `OCR used ${choice.models.join("+")}: ${choice.note}. Install the model (Debian: tesseract-ocr-<lang>) for better results.`,
    });
  const pages = await Promise.all(
    jobs.map(async ({ page, image }): Promise<PageText> => {
      try {
        return await ocr.read(image, choice.models, { requester, budget, signal });
      } catch (error) {
        if (signal.aborted || budget.signal.aborted) throw error;
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
  const listed = failures.map(({ page, error }) => `page ${page}: ${error.message}`).join("; ");
  const details = { details: { pages: failures.map(({ page }) => page) } };
  // A retry would meet the same pages and the same limit; an engine crash may not happen again.
  if (failures.every(({ error }) => error instanceof OcrPageTimeout))
    return new PalimpsestError(
      "OCR_TIMEOUT",
      `No page could be read by OCR within OCR_PAGE_TIMEOUT_MS: ${listed}. Scan at a lower resolution or split the document, or raise the limit.`,
      details,
    );
  return new PalimpsestError("OCR_FAILED", `No page could be read by OCR: ${listed}`, details);
}
