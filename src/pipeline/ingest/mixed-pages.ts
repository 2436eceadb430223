/**
 * The pages of a document whose pages come from different sources (a METS package, a IIIF manifest):
 * some with their text already (a transcription file, text annotations), the others read by OCR
 * from their image, all OCR pages handed to the reader at once as for any scan. A page OCR fails on is
 * a warning, as elsewhere; only when every page failed does the document fail.
 */
import { PalimpsestError } from "../../errors.js";
import type { Warning } from "../types.js";
import type { ReadOptions } from "./input-format.js";
import { type OcrJob, ocrPages, unreadable } from "./ocr-pages.js";
import type { PageText } from "./pages.js";

export type MixedPage = { text: PageText } | { ocr: Omit<OcrJob, "page"> };

/** `what` names the document in messages ("the METS", "the manifest"). Page numbers count from 1. */
export async function readMixedPages(
  pages: readonly MixedPage[],
  options: ReadOptions,
  what: string,
): Promise<{ pages: PageText[]; warnings: Warning[] }> {
  const texts: PageText[] = [];
  const jobs: OcrJob[] = [];
  const at: number[] = [];
  pages.forEach((page, index) => {
    if ("text" in page) texts[index] = page.text;
    else {
      jobs.push({ ...page.ocr, page: index + 1 });
      at.push(index);
    }
  });
  if (jobs.length === 0) return { pages: texts, warnings: [] };
  if (!options.ocr)
    throw new PalimpsestError(
      "UNSUPPORTED_MEDIA_TYPE",
      `${jobs.length} page(s) of ${what} have only an image, and no OCR engine is configured to read it. Configure OCR, or provide their transcriptions.`,
    );
  const outcome = await ocrPages(jobs, options.ocr, options.request);
  outcome.pages.forEach((page, i) => {
    texts[at[i] as number] = page;
  });
  if (outcome.failures.length === pages.length) throw unreadable(outcome.failures);
  return { pages: texts, warnings: outcome.warnings };
}
