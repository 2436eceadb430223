/**
 * Turns the bytes of a plain-text file into a string, detecting the encoding rather than assuming it.
 * The text is returned exactly as decoded (only a byte-order mark is removed): every offset the
 * pipeline reports points into it.
 */
import chardet from "chardet";
import iconv from "iconv-lite";
import type { Warning } from "../types.js";

export interface DecodedText {
  text: string;
  /** Name of the encoding the bytes were read as, e.g. "UTF-8", "UTF-16LE", "windows-1252". */
  encoding: string;
  warnings: Warning[];
}

/** Legacy encodings chardet may propose that a text file from an archive plausibly uses. */
const LEGACY_ENCODINGS: ReadonlySet<string> = new Set([
  "windows-1250",
  "windows-1251",
  "windows-1252",
  "windows-1253",
  "windows-1254",
  "windows-1255",
  "windows-1256",
  "windows-1257",
  "windows-1258",
  "windows-874",
  "ISO-8859-1",
  "ISO-8859-2",
  "ISO-8859-5",
  "ISO-8859-6",
  "ISO-8859-7",
  "ISO-8859-8",
  "ISO-8859-9",
  "KOI8-R",
]);

/** The most common legacy encoding of Western European text; it gives every byte a character. */
const FALLBACK_ENCODING = "windows-1252";

/** Enough bytes to recognise an encoding; scanning a whole 50 MiB upload would only cost time. */
const SAMPLE_BYTES = 64 * 1024;

export function decodeText(bytes: Uint8Array): DecodedText {
  const utf16 = detectUtf16(bytes);
  if (utf16 !== undefined) {
    const text = decodeStrict(bytes, utf16);
    if (text !== undefined) return { text, encoding: utf16.toUpperCase(), warnings: [] };
  }

  const utf8 = decodeStrict(bytes, "utf-8");
  if (utf8 !== undefined) return { text: utf8, encoding: "UTF-8", warnings: [] };

  const lossy = decodeMostlyUtf8(bytes);
  if (lossy !== undefined) return lossy;

  const encoding = guessLegacyEncoding(bytes);
  // Not TextDecoder: Node 20's "windows-1252" decoder is really Latin-1 (it turns œ, € and ’ into C1 controls).
  return { text: iconv.decode(bytes, encoding), encoding, warnings: [] };
}

/**
 * UTF-16 from its byte-order mark, or, without one, from where the NUL bytes fall: text in Latin,
 * Cyrillic or Greek script has many code units below U+0100, whose high byte is 0, so one byte
 * parity holds nearly all NULs. Binary data spreads its NULs over both parities.
 */
export function detectUtf16(bytes: Uint8Array): "utf-16le" | "utf-16be" | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  const length = Math.min(bytes.length, SAMPLE_BYTES) & ~1;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < length; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const units = length / 2;
  const [high, low, endianness] =
    oddZeros >= evenZeros
      ? [oddZeros, evenZeros, "utf-16le" as const]
      : [evenZeros, oddZeros, "utf-16be" as const];
  return high > 0 && high >= units * 0.1 && low <= high * 0.1 ? endianness : undefined;
}

/** Decodes or returns undefined on the first invalid sequence. TextDecoder drops a leading BOM. */
function decodeStrict(bytes: Uint8Array, encoding: string): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * A UTF-8 file with a few stray bytes (a line pasted from a Latin-1 editor, a damaged transfer) is
 * still UTF-8: reading all of it as windows-1252 would garble every accented letter to repair a few.
 * Legacy text almost never forms valid multi-byte UTF-8 sequences, so many valid ones against few
 * invalid ones is a safe sign.
 */
function decodeMostlyUtf8(bytes: Uint8Array): DecodedText | undefined {
  const text = new TextDecoder("utf-8").decode(bytes);
  let valid = 0;
  let replaced = 0;
  for (const char of text) {
    if (char === "\uFFFD") replaced++;
    else if (char.charCodeAt(0) > 0x7f) valid++;
  }
  if (valid <= replaced * 10) return undefined;
  return {
    text,
    encoding: "UTF-8",
    warnings: [
      {
        code: "LOSSY_DECODING",
        message: `The file is UTF-8 except for ${replaced} invalid byte sequence(s), shown as "\uFFFD"; check the file's encoding if those characters matter.`,
      },
    ],
  };
}

function guessLegacyEncoding(bytes: Uint8Array): string {
  const candidates = chardet.analyse(bytes.subarray(0, SAMPLE_BYTES));
  return candidates.find((match) => LEGACY_ENCODINGS.has(match.name))?.name ?? FALLBACK_ENCODING;
}
