/**
 * Word boundaries, by code point so that a surrogate pair is read as the one character it is.
 * Letters, digits and combining marks make words; everything else (spaces, punctuation, emoji) parts them.
 */
const WORD_CHARACTER = /^[\p{L}\p{N}\p{M}]$/u;

/** The character (code point) starting at `index`, or "" at the end of the text. */
export function characterAt(text: string, index: number): string {
  const codePoint = text.codePointAt(index);
  return codePoint === undefined ? "" : String.fromCodePoint(codePoint);
}

/** The character (code point) ending at `index`, or "" at the start of the text. */
export function characterBefore(text: string, index: number): string {
  if (index <= 0) return "";
  const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;
  const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
  const pair = index >= 2 && isLow(text.charCodeAt(index - 1)) && isHigh(text.charCodeAt(index - 2));
  return text.slice(pair ? index - 2 : index - 1, index);
}

export function isWordCharacter(character: string): boolean {
  return WORD_CHARACTER.test(character);
}

/** True when `index` falls between two word characters, i.e. cutting there would split a word. */
export function isInsideWord(text: string, index: number): boolean {
  return isWordCharacter(characterBefore(text, index)) && isWordCharacter(characterAt(text, index));
}

/** Runs of word characters, as UTF-16 ranges of `text`. */
export function wordRanges(text: string): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  let start = -1;
  let i = 0;
  while (i <= text.length) {
    const character = characterAt(text, i);
    const inWord = character !== "" && isWordCharacter(character);
    if (inWord && start < 0) start = i;
    if (!inWord && start >= 0) {
      found.push({ start, end: i });
      start = -1;
    }
    i += Math.max(1, character.length);
  }
  return found;
}

/**
 * A lowercase letter followed by a capital: a word boundary too, since OCR and transcriptions glue
 * words together ("àLebrun", "ParisM.") and names start with capitals.
 */
export function isCaseSeam(text: string, index: number): boolean {
  return /^\p{Ll}$/u.test(characterBefore(text, index)) && /^\p{Lu}$/u.test(characterAt(text, index));
}
