/**
 * The whole document, as grounding consults it beyond one passage: where else a mention stands (a
 * mention the model took from another passage is not a hallucination), and which words the document
 * has (to tell two words OCR glued together from one longer word). Built once per document; each
 * part on first need.
 */
import { type FoldedText, fold, foldKey, toInputRange } from "../../text/fold.js";
import { isCaseSeam, wordRanges } from "../../text/words.js";
import { isWordBoundary, occurrences } from "./locate.js";

/**
 * Short words OCR most often glues to a name ("auprésident", "Allemagneà", "vonBern"), folded: a
 * short document may not have them standing alone.
 */
const FUNCTION_WORDS = new Set(
  [
    "a au aux de des du en et la le les l d par pour sur dans chez ou un une",
    "the of and in to at by on for from with a an",
    "der die das den dem des und von vom zu zum zur im am in an auf mit bei aus",
  ].flatMap((line) => line.split(" ")),
);

export interface Occurrence {
  start: number;
  end: number;
}

export class DocumentText {
  private foldedText: FoldedText | undefined;
  private words: Set<string> | undefined;

  constructor(readonly source: string) {}

  /** Whether a folded word stands alone somewhere in the document. */
  readonly isWord = (foldedWord: string): boolean => {
    if (this.words === undefined) {
      this.words = new Set();
      for (const range of wordRanges(this.source)) {
        let from = range.start;
        for (let at = range.start + 1; at <= range.end; at++) {
          if (at === range.end || isCaseSeam(this.source, at)) {
            this.words.add(foldKey(this.source.slice(from, at)));
            from = at;
          }
        }
      }
    }
    return foldedWord !== "" && (this.words.has(foldedWord) || FUNCTION_WORDS.has(foldedWord));
  };

  /**
   * Where `mention` stands as whole words (as written, or folded) outside the source range
   * [from, to), in text order.
   */
  occurrencesOutside(mention: string, from: number, to: number): Occurrence[] {
    const found = new Map<number, Occurrence>();
    const add = (start: number, end: number) => {
      const outside = end <= from || start >= to;
      if (outside && isWordBoundary(this.source, start) && isWordBoundary(this.source, end))
        found.set(start, { start, end });
    };
    for (const at of occurrences(this.source, mention)) add(at, at + mention.length);
    const folded = foldKey(mention);
    for (const at of occurrences(this.folded.text, folded)) {
      const range = toInputRange(this.folded, at, at + folded.length);
      add(range.start, range.end);
    }
    return [...found.values()].sort((a, b) => a.start - b.start);
  }

  private get folded(): FoldedText {
    this.foldedText ??= fold(this.source);
    return this.foldedText;
  }
}
