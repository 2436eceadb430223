/**
 * Reads the text layer of a born-digital PDF with pdf-parse (pdf.js). Pages without a text layer
 * are kept, marked for OCR and reported, never passed on silently as empty.
 */
import { PDFParse } from "pdf-parse";
import { PalimpsestError } from "../../errors.js";
import type { Page, Warning } from "../types.js";
import { layoutPages } from "./pages.js";

export interface PdfText {
  text: string;
  pages: Page[];
  warnings: Warning[];
}

export async function extractPdf(bytes: Uint8Array, maxPages: number): Promise<PdfText> {
  // pdf.js takes ownership of (transfers) the array it is given; the caller still needs its bytes.
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    // The page count comes from the catalogue alone: refuse a huge PDF before reading any page.
    const { total } = await parser.getInfo();
    if (total > maxPages)
      throw new PalimpsestError(
        "TOO_MANY_PAGES",
        `The PDF has ${total} pages; at most ${maxPages} are read from one document. Split it into smaller parts.`,
        { details: { pages: total, maxPages } },
      );
    const result = await parser.getText();
    const pageTexts = result.pages.map(({ text }) => ({ text, needsOcr: text.trim() === "" }));
    const { text, pages } = layoutPages(pageTexts);
    const warnings: Warning[] = pages
      .filter((page) => page.needsOcr)
      .map((page) => ({
        code: "PAGE_NEEDS_OCR",
        page: page.number,
        message: `Page ${page.number} has no text layer (probably a scanned image); its text must be read by OCR.`,
      }));
    return { text, pages, warnings };
  } catch (error) {
    throw translate(error);
  } finally {
    await parser.destroy();
  }
}

/** pdf-parse re-creates pdf.js's errors under the same names; match on the name, as pages may throw raw ones. */
function translate(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof PalimpsestError) return error;
  switch (error.name) {
    case "PasswordException":
      return new PalimpsestError(
        "ENCRYPTED_PDF",
        "The PDF is protected by a password. Remove the protection (or export an unprotected copy) and send it again.",
        { cause: error },
      );
    case "InvalidPDFException":
    case "FormatError":
    case "UnknownErrorException":
      return new PalimpsestError(
        "CORRUPT_DOCUMENT",
        `The PDF cannot be read (${error.message}); the file is damaged or incomplete. Send it again or re-export it.`,
        { cause: error },
      );
    default:
      return error;
  }
}
