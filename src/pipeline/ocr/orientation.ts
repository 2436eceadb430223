/**
 * Which way up a page image stands, so that a sideways (90, 270) or upside-down (180) scan is turned
 * upright before it is read (OCR_ORIENTATION=auto). Two ways:
 *
 * - tesseract's orientation and script detection (OSD), where the engine has the `osd` model (Debian's
 *   tesseract-ocr-osd, installed with tesseract-ocr; @tesseract.js-data/osd for tesseract.js): one
 *   pass over the page, trusted from OCR_ORIENTATION_MIN_CONFIDENCE. Below it (too little text, a
 *   picture) the page is read as it is.
 * - without it, the engine reads the page four times, once per quarter turn, each copy scaled down
 *   to a quarter of OCR_ORIENTATION_PIXELS, and the turn under which it reads the most letters surely
 *   (OCR_TEXT_CONFIDENCE) on lines that run across the image wins, by at least twice the letters read
 *   upright: a wrong turn costs a page more than a missed one. Only lines across count because
 *   tesseract reads a page turned a quarter clockwise as lines running down, nearly as surely as
 *   upright.
 *
 * Either way the engine is given at most OCR_ORIENTATION_PIXELS for it, charged to the document's
 * OCR budget like the page itself.
 */
import sharp from "sharp";
import type { SourceBlock } from "../ingest/compose-page.js";
import { importHocr } from "../ingest/xml/hocr.js";
import { QUARTER_TURNS, type QuarterTurn } from "./page-geometry.js";
import type { OcrEngine } from "./port.js";
import { isSureWord } from "./text-area.js";

export interface OrientationSettings {
  /** OCR_ORIENTATION */
  mode: "auto" | "off";
  /** OCR_ORIENTATION_MIN_CONFIDENCE: OSD's orientation confidence from which its answer is followed. */
  minConfidence: number;
  /** OCR_ORIENTATION_PIXELS */
  maxPixels: number;
  /** OCR_TEXT_CONFIDENCE, for the fallback's count of letters read surely. */
  sureConfidence: number;
}

/** The fallback turns a page only when another turn reads this many times the letters read upright. */
const FALLBACK_ADVANTAGE = 2;

/**
 * The clockwise turn that sets the page upright. `charge` counts the pixels given to the engine (and
 * throws once the document's budget is spent).
 */
export async function findOrientation(
  engine: OcrEngine,
  image: Uint8Array,
  models: readonly string[],
  settings: OrientationSettings,
  { signal, charge }: { signal: AbortSignal; charge: (pixels: number) => void },
): Promise<QuarterTurn> {
  if (engine.detectOrientation) {
    const { data, pixels } = await scaledDown(image, settings.maxPixels);
    charge(pixels);
    const guess = await engine.detectOrientation(data, signal);
    const sure = guess !== undefined && guess.confidence >= settings.minConfidence;
    return sure ? guess.turn : 0;
  }
  const { data, pixels } = await scaledDown(image, settings.maxPixels / QUARTER_TURNS.length);
  const letters = new Map<QuarterTurn, number>();
  for (const turn of QUARTER_TURNS) {
    charge(pixels);
    const hocr = await engine.recognize(await turnImage(data, turn), models, signal);
    letters.set(
      turn,
      sureLetters(
        importHocr(hocr).pages.flatMap((page) => page.blocks),
        settings.sureConfidence,
      ),
    );
  }
  return bestTurn(letters);
}

/** The fallback's choice from the letters read surely under each turn. */
export function bestTurn(letters: ReadonlyMap<QuarterTurn, number>): QuarterTurn {
  const upright = letters.get(0) ?? 0;
  let best: QuarterTurn = 0;
  let most = upright;
  for (const [turn, count] of letters)
    if (count > most) {
      best = turn;
      most = count;
    }
  return most >= FALLBACK_ADVANTAGE * upright ? best : 0;
}

/** Letters in the words read at `sureConfidence` or more, on lines that run across (wider than high). */
export function sureLetters(blocks: readonly SourceBlock[], sureConfidence: number): number {
  let count = 0;
  for (const block of blocks)
    for (const line of block.lines)
      if (!line.box || line.box.width >= line.box.height)
        for (const word of line.words)
          if (isSureWord(word, sureConfidence)) count += word.text.match(/\p{L}/gu)?.length ?? 0;
  return count;
}

/** The image turned clockwise by `turn`, as a PNG (the image itself when there is nothing to turn). */
export async function turnImage(image: Uint8Array, turn: QuarterTurn): Promise<Uint8Array> {
  if (turn === 0) return image;
  return sharp(image).rotate(turn).png({ compressionLevel: 1 }).toBuffer();
}

/** The image scaled down to at most `maxPixels` (unchanged when within), with its pixels. */
async function scaledDown(
  image: Uint8Array,
  maxPixels: number,
): Promise<{ data: Uint8Array; pixels: number }> {
  const { width = 0, height = 0 } = await sharp(image).metadata();
  const scale = Math.sqrt(maxPixels / (width * height));
  if (scale >= 1) return { data: image, pixels: width * height };
  const [w, h] = [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
  const data = await sharp(image)
    .resize(w, h, { kernel: "lanczos3" })
    .png({ compressionLevel: 1 })
    .toBuffer();
  return { data, pixels: w * h };
}
