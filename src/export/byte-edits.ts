/**
 * Edits a file in place: text is inserted (or replaced) at positions of its decoded text, and every
 * other byte stays as it came, whatever the encoding (UTF-8 with or without a byte-order mark, UTF-16,
 * a legacy single-byte code page). A file that does not decode cleanly (stray bytes replaced by U+FFFD)
 * cannot be edited this way: its byte positions are unknown, and it is refused.
 */
import iconv from "iconv-lite";
import { PalimpsestError } from "../errors.js";
import type { DecodedText } from "../pipeline/ingest/decode-text.js";

export interface Edit {
  /** UTF-16 index into the decoded text. */
  at: number;
  /** UTF-16 units of the text replaced; 0 to insert. */
  remove?: number;
  /** XML to put there: ASCII, or characters the file's encoding has. */
  insert: string;
}

export function applyEdits(bytes: Uint8Array, decoded: DecodedText, edits: readonly Edit[]): Buffer {
  const { text, encoding } = decoded;
  const encode = encoder(encoding);
  const body = encode(text);
  const bom = bytes.byteLength - body.byteLength;
  if (decoded.warnings.length > 0 || bom < 0 || !body.equals(bytes.subarray(bom)))
    throw new PalimpsestError(
      "EXPORT_NOT_APPLICABLE",
      `The file does not decode cleanly as ${encoding}, so it cannot be edited in place without changing its other bytes. Convert it to UTF-8 and extract it again.`,
    );
  const sorted = [...edits].sort((a, b) => a.at - b.at);
  const parts: Uint8Array[] = [bytes.subarray(0, bom)];
  let unit = 0;
  let byte = bom;
  for (const edit of sorted) {
    const kept = encode(text.slice(unit, edit.at));
    parts.push(kept, encode(edit.insert));
    byte += kept.byteLength;
    unit = edit.at + (edit.remove ?? 0);
    byte += encode(text.slice(edit.at, unit)).byteLength;
  }
  parts.push(bytes.subarray(byte));
  return Buffer.concat(parts);
}

/** Whether the encoding has every character, so inserted text can be written as it is. */
export function isUnicode(encoding: string): boolean {
  return /^UTF-(8|16LE|16BE)$/i.test(encoding);
}

function encoder(encoding: string): (text: string) => Buffer {
  return (text) => iconv.encode(text, encoding, { addBOM: false });
}
