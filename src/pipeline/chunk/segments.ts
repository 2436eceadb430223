/**
 * Cutting points for the chunker: sentences, each marked when it ends a paragraph.
 * Sentences come from Intl.Segmenter (ICU's rules know most abbreviations); paragraphs are the
 * blank lines normalisation keeps.
 */
import { icuSentences } from "./icu-sentences.js";

export interface Segment {
  start: number;
  end: number;
  /** True when a paragraph break follows this segment: the preferred place to cut. */
  endsParagraph: boolean;
}

/**
 * A sentence "ending" with an initial or a short capitalised word and a period (M., MM., Dr., Prof.,
 * H.), or a one-letter abbreviation (the "v." of "G. v. Wyß", the "z." of "Strehler z. Schiff"); OCR
 * often glues it to the sentence before ("1.400 francs.MM. Messager").
 */
const ABBREVIATION_END = /(^|[\s(.,;:])(\p{Lu}\p{L}{0,3}|\p{Ll})\.\s*$/u;

export function sentenceSegments(text: string, language?: string): Segment[] {
  return [...sentences(text, language)];
}

/** A line break, then blanks and another line break: what ends a paragraph. */
const PARAGRAPH_BREAK_REST = /[^\S\n]*\n/y;

/**
 * The sentences of the text, one at a time. ICU ends a sentence after every line break; one that a
 * blank line follows ends its paragraph, and its range stops before the break.
 */
export function* sentences(text: string, language?: string): Generator<Segment> {
  const segmenter = new Intl.Segmenter(language ?? "und", { granularity: "sentence" });
  let pending: number | undefined;
  // Held back one step: the text's last sentence ends a paragraph too.
  let held: Segment | undefined;
  for (const [start, pieceEnd] of icuSentences(text, segmenter)) {
    const piece = text.slice(start, pieceEnd);
    if (piece.trim() === "") continue;
    PARAGRAPH_BREAK_REST.lastIndex = pieceEnd;
    const endsParagraph = piece.endsWith("\n") && PARAGRAPH_BREAK_REST.test(text);
    // ICU ends sentences after initials and titles ("MM. Marc Peter", "William H. Harrison"):
    // never cut there, or a name would be split between two chunks.
    if (!endsParagraph && ABBREVIATION_END.test(piece)) {
      pending ??= start;
      continue;
    }
    if (held) yield held;
    held = { start: pending ?? start, end: endsParagraph ? pieceEnd - 1 : pieceEnd, endsParagraph };
    pending = undefined;
  }
  if (pending !== undefined) {
    if (held) yield held;
    held = { start: pending, end: text.length, endsParagraph: true };
  }
  if (held) yield { ...held, endsParagraph: true };
}

/**
 * Splits one overlong range at whitespace into pieces of at most `maxChars` characters
 * (a single word longer than that is cut where it must be).
 */
export function splitAtWhitespace(text: string, start: number, end: number, maxChars: number): Segment[] {
  const pieces: Segment[] = [];
  let from = start;
  while (end - from > maxChars) {
    let cut = lastSpace(text, from + maxChars, from);
    if (cut === -1) cut = notInsidePair(text, from + maxChars);
    pieces.push({ start: from, end: cut, endsParagraph: false });
    from = cut;
  }
  pieces.push({ start: from, end, endsParagraph: false });
  return pieces;
}

/** The cutting point nearest to the middle of [start, end): a sentence end, else whitespace, else the middle. */
export function middleCut(text: string, start: number, end: number, language?: string): number {
  const middle = Math.floor((start + end) / 2);
  const inner = sentenceSegments(text.slice(start, end), language).map((s) => start + s.end);
  const candidates = inner.filter((cut) => cut > start && cut < end);
  if (candidates.length > 0) {
    return candidates.reduce((best, cut) => (Math.abs(cut - middle) < Math.abs(best - middle) ? cut : best));
  }
  const space = lastSpace(text, middle, start);
  return space === -1 ? notInsidePair(text, middle) : space;
}

/**
 * The last space in (floor, from], or -1. Not lastIndexOf, which would search on to the start of the
 * text: on a text without spaces, every cut would cost the whole text.
 */
function lastSpace(text: string, from: number, floor: number): number {
  for (let i = from; i > floor; i--) if (text.charCodeAt(i) === 32) return i;
  return -1;
}

/** Moves a cut that would fall between the two halves of a surrogate pair to after the pair. */
function notInsidePair(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff ? index + 1 : index;
}
