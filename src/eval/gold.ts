/**
 * Gold data: documents with their text and the mentions annotators marked in it. Offsets follow the
 * product's contract (DESIGN §2): Unicode code points, half-open [start, end), into `text`, so a
 * gold document and the product's result on its text can be compared offset for offset.
 */

export interface GoldMention {
  /** The gold's own label ("pers", "LOC", "person"...), as written. */
  type: string;
  start: number;
  end: number;
  /** Exactly the code points [start, end) of the document text. */
  text: string;
}

/** A token of token-annotated gold (HIPE TSV); scoring then counts in tokens, as the HIPE scorer does. */
export interface GoldToken {
  text: string;
  start: number;
  end: number;
  /** The token's NE-COARSE-LIT tag as written (B-pers, I-loc, O). */
  tag: string;
}

export interface GoldDocument {
  id: string;
  text: string;
  /** ISO 639 code, where the gold says. */
  language?: string;
  mentions: GoldMention[];
  tokens?: GoldToken[];
}

export type GoldFormat = "hipe-tsv" | "jsonl";

export interface GoldFile {
  /** Where it was read from, as given (for reports and messages). */
  path: string;
  format: GoldFormat;
  /** The data set the file says it belongs to (HIPE-2022's `hipe2022:dataset`), to pick a type map. */
  dataset?: string;
  documents: GoldDocument[];
}
