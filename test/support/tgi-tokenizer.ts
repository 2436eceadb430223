/**
 * A deterministic stand-in for BLOOM's byte-level BPE, so the test server can count tokens, enforce
 * limits and cut outputs at max_new_tokens without shipping the real 250,680-token vocabulary.
 * Pieces: up to 4 letters/digits with their leading space, single punctuation (with its leading space),
 * any other whitespace on its own. Every character lands in exactly one piece.
 */

/** One token as TGI's POST /tokenize reports it: start/stop are UTF-8 byte offsets into the input. */
export interface SimpleToken {
  id: number;
  text: string;
  start: number;
  stop: number;
}

const PIECE = / ?[\p{L}\p{M}\p{N}]{1,4}| ?[^\s\p{L}\p{M}\p{N}]|\s/gu;

/** BLOOM's vocabulary size; ids stay below it like real ones. */
const VOCABULARY_SIZE = 250_680;
/** BLOOM's special tokens take ids 0-3 (`<unk>`, `<s>`, `</s>`, `<pad>`). */
const FIRST_ORDINARY_ID = 4;

export const EOS_TOKEN = { id: 2, text: "</s>" } as const;

/** A stable id per piece (FNV-1a), so the same text always gets the same ids. */
export function tokenId(piece: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(piece, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return FIRST_ORDINARY_ID + (hash % (VOCABULARY_SIZE - FIRST_ORDINARY_ID));
}

export function tokenize(text: string): SimpleToken[] {
  const tokens: SimpleToken[] = [];
  let offset = 0;
  for (const [piece] of text.matchAll(PIECE)) {
    const stop = offset + Buffer.byteLength(piece, "utf8");
    tokens.push({ id: tokenId(piece), text: piece, start: offset, stop });
    offset = stop;
  }
  return tokens;
}
