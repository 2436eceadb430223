/**
 * PDFs generated for tests with pdf-lib, so no binary fixture needs to be kept in the repository.
 * A page is either a list of lines drawn one under the other in Helvetica (WinAnsi: French accents,
 * œ, Œ, €, ’ and — are available; characters outside it are not), or a scan: a PNG or JPEG laid
 * over the whole page, as scanners and digitisation workflows make them.
 */
import { PDFDocument, PDFHexString, StandardFonts } from "pdf-lib";

export type PageLines = readonly string[];

export interface Scan {
  /** PNG or JPEG bytes. */
  image: Uint8Array;
  /** Resolution of the scan: the page measures its pixels at this many a inch. */
  dpi: number;
}

/** Two pages of French with accents, œ/Œ, €, a typographic apostrophe and a line-end hyphen. */
export const FRENCH_PAGES: readonly PageLines[] = [
  [
    "Acte de naissance de Joséphine Bérard,",
    "née à Nîmes le 3 août 1792, fille de",
    "Jean-Baptiste Bérard, maître d’école.",
  ],
  [
    "Œuvre de la Société des Amis, Genève :",
    "reçu 5 € pour le cœur de l’hôpital et la mai-",
    "son des pauvres.",
  ],
];

export async function buildPdf(pages: readonly (PageLines | Scan)[]): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (const content of pages) {
    if ("image" in content) {
      await addScan(document, content);
      continue;
    }
    const page = document.addPage([595, 842]);
    content.forEach((line, i) => {
      page.drawText(line, { x: 50, y: 780 - i * 20, size: 12, font });
    });
  }
  return document.save();
}

async function addScan(document: PDFDocument, { image, dpi }: Scan): Promise<void> {
  const isJpeg = image[0] === 0xff && image[1] === 0xd8;
  const embedded = isJpeg ? await document.embedJpg(image) : await document.embedPng(image);
  const [width, height] = [(embedded.width * 72) / dpi, (embedded.height * 72) / dpi];
  document.addPage([width, height]).drawImage(embedded, { x: 0, y: 0, width, height });
}

/**
 * A PDF with a standard security handler (RC4, revision 2) whose /O and /U entries match no empty
 * password, so a reader has to ask for one: what pdf.js reports for any user-password protected file.
 */
export async function buildEncryptedPdf(): Promise<Uint8Array> {
  const document = await PDFDocument.load(await buildPdf([["Texte secret."]]));
  const { context } = document;
  const encrypt = context.obj({
    Filter: "Standard",
    V: 1,
    R: 2,
    Length: 40,
    P: -4,
    O: PDFHexString.of("4f".repeat(32)),
    U: PDFHexString.of("55".repeat(32)),
  });
  context.trailerInfo.Encrypt = context.register(encrypt);
  const id = PDFHexString.of("0123456789abcdef0123456789abcdef");
  context.trailerInfo.ID = context.obj([id, id]);
  // Object streams would have to be encrypted too; plain objects keep the file minimal and valid.
  return document.save({ useObjectStreams: false });
}

/** A valid PDF cut short, as an interrupted download leaves it: no cross-reference table, no trailer. */
export async function buildTruncatedPdf(): Promise<Uint8Array> {
  const bytes = await buildPdf(FRENCH_PAGES);
  return bytes.slice(0, Math.floor(bytes.length / 2));
}

/** One blank page `points` wide and high (14,400 is the largest PDF allows): a rendering bomb. */
export async function buildHugePagePdf(points: number): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  document.addPage([points, points]);
  return document.save();
}
