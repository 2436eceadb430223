/**
 * Cutting points for the chunker: sentences, each marked when it ends a paragraph.
 * Sentences come from Intl.Segmenter (ICU's rules know most abbreviations); paragraphs are the
 * blank lines normalisation keeps.
 */
import { finishNow, type Work } from "../turns.js";
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
 * often glues it to the sentence or the word before ("1.400 francs.MM. Messager", "superphosphatesMM.").
 */
const ABBREVIATION_END = /(?:(?:^|[\s(.,;:])(?:\p{Lu}\p{L}{0,3}|\p{Ll})|(?<=\p{Ll})\p{Lu}\p{L}{0,3})\.\s*$/u;

export function sentenceSegments(text: string, language?: string): Segment[] {
  return finishNow(sentences(text, language));
}

/**
 * ABBREVIATION_END can only match among a sentence's last characters: it is searched there, not along
 * the whole sentence (a 45 MB one, 0.4 s). Past the first characters, "^" no longer matches, as in the
 * whole sentence; a lookbehind still sees what comes before.
 */
const ABBREVIATION_SEARCH = new RegExp(ABBREVIATION_END.source, "gu");
/** Characters searched before a sentence's trailing blanks: more than any abbreviation it knows. */
const ABBREVIATION_TAIL = 32;

function endsWithAbbreviation(piece: string): boolean {
  ABBREVIATION_SEARCH.lastIndex = Math.max(0, piece.trimEnd().length - ABBREVIATION_TAIL);
  return ABBREVIATION_SEARCH.test(piece);
}

/** A line break, then blanks and another line break: what ends a paragraph. */
const PARAGRAPH_BREAK_REST = /[^\S\n]*\n/y;

/**
 * The sentences of the text, as work in pieces (see turns.ts). ICU ends a sentence after every line
 * break; one that a blank line follows ends its paragraph, and its range stops before the break.
 */
export function* sentences(text: string, language?: string): Work<Segment[]> {
  const segmenter = new Intl.Segmenter(language ?? "und", { granularity: "sentence" });
  const segments: Segment[] = [];
  let pending: number | undefined;
  yield* icuSentences(text, segmenter, (start, pieceEnd) => {
    const piece = text.slice(start, pieceEnd);
    if (piece.trim() === "") return;
    PARAGRAPH_BREAK_REST.lastIndex = pieceEnd;
    const endsParagraph = piece.endsWith("\n") && PARAGRAPH_BREAK_REST.test(text);
    // ICU ends sentences after initials and titles ("MM. Marc Peter", "William H. Harrison"):
    // never cut there, or a name would be split between two chunks.
    if (!endsParagraph && endsWithAbbreviation(piece)) {
      pending ??= start;
      return;
    }
    segments.push({ start: pending ?? start, end: endsParagraph ? pieceEnd - 1 : pieceEnd, endsParagraph });
    pending = undefined;
  });
  if (pending !== undefined) segments.push({ start: pending, end: text.length, endsParagraph: true });
  // The text's last sentence ends a paragraph too.
  const last = segments.at(-1);
  if (last) last.endsParagraph = true;
  return segments;
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
