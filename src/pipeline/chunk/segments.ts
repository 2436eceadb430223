/**
 * Cutting points for the chunker: sentences, each marked when it ends a paragraph.
 * Sentences come from Intl.Segmenter (ICU's rules know most abbreviations); paragraphs are the
 * blank lines normalisation keeps.
 */

export interface Segment {
  start: number;
  end: number;
  /** True when a paragraph break follows this segment: the preferred place to cut. */
  endsParagraph: boolean;
}

/** A sentence "ending" with an initial or a short capitalised word and a period: M., MM., Dr., Prof., H. */
const ABBREVIATION_END = /(^|[\s(])\p{Lu}\p{L}{0,3}\.\s*$/u;

export function sentenceSegments(text: string, language?: string): Segment[] {
  const segmenter = new Intl.Segmenter(language ?? "und", { granularity: "sentence" });
  const segments: Segment[] = [];
  const paragraph = /\n\s*\n/g;
  let paragraphStart = 0;
  const pushParagraph = (start: number, end: number) => {
    const body = text.slice(start, end);
    let pending: number | undefined;
    for (const piece of segmenter.segment(body)) {
      if (piece.segment.trim() === "") continue;
      // ICU ends sentences after initials and titles ("MM. Marc Peter", "William H. Harrison"):
      // never cut there, or a name would be split between two chunks.
      if (ABBREVIATION_END.test(piece.segment)) {
        pending ??= start + piece.index;
        continue;
      }
      const end = start + piece.index + piece.segment.length;
      segments.push({ start: pending ?? start + piece.index, end, endsParagraph: false });
      pending = undefined;
    }
    if (pending !== undefined) segments.push({ start: pending, end, endsParagraph: false });
    const last = segments.at(-1);
    if (last) last.endsParagraph = true;
  };
  for (const match of text.matchAll(paragraph)) {
    pushParagraph(paragraphStart, match.index);
    paragraphStart = match.index + match[0].length;
  }
  pushParagraph(paragraphStart, text.length);
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
    let cut = text.lastIndexOf(" ", from + maxChars);
    if (cut <= from) cut = notInsidePair(text, from + maxChars);
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
  const space = text.lastIndexOf(" ", middle);
  return space > start ? space : notInsidePair(text, middle);
}

/** Moves a cut that would fall between the two halves of a surrogate pair to after the pair. */
function notInsidePair(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff ? index + 1 : index;
}
