/**
 * The whole document, as grounding consults it beyond one passage: where else a mention stands (a
 * mention the model took from another passage is not a hallucination), and which words the document
 * has (to tell two words OCR glued together from one longer word). Built once per document; each
 * part on first need, or ahead of it in pieces (prepare) by a caller that takes turns with the event
 * loop: on a long document they cost about a second a megabyte.
 */
import { type FoldedText, fold, folding, foldKey, toInputRange } from "../../text/fold.js";
import { finishNow, type Work } from "../turns.js";
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

/** Words added to the vocabulary between two pauses. */
const WORDS_PER_PIECE = 4096;

export interface Occurrence {
  start: number;
  end: number;
}

export class DocumentText {
  private foldedText: FoldedText | undefined;
  private words: Set<string> | undefined;

  constructor(readonly source: string) {}

  /** Folds the document and gathers its words ahead of need, a piece at a time. */
  *prepare(): Work<void> {
    this.foldedText ??= yield* folding(this.source);
    this.words ??= yield* this.vocabulary();
  }

  /** Whether a folded word stands alone somewhere in the document. */
  readonly isWord = (foldedWord: string): boolean => {
    this.words ??= finishNow(this.vocabulary());
    return foldedWord !== "" && (this.words.has(foldedWord) || FUNCTION_WORDS.has(foldedWord));
  };

  /** The folded text's words, and the parts of words OCR glued at a lowercase letter and a capital. */
  private *vocabulary(): Work<Set<string>> {
    const words = new Set<string>();
    let count = 0;
    for (const [word] of this.folded.text.matchAll(/[\p{L}\p{N}]+/gu)) {
      words.add(word);
      if (++count % WORDS_PER_PIECE === 0) yield;
    }
    for (const [glued] of this.source.matchAll(/[\p{L}\p{M}]*\p{Ll}\p{Lu}[\p{L}\p{M}]*/gu)) {
      for (const part of glued.replace(/(\p{Ll})(\p{Lu})/gu, "$1 $2").split(" ")) words.add(foldKey(part));
      yield;
    }
    return words;
  }

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
