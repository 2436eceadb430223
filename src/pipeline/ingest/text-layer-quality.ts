/**
 * Whether a PDF page's text layer is real text or garbage. Digitised archives often carry an
 * invisible OCR layer made long ago (Fraktur read with a roman-type model, "©runb bcr 9lbfid)t"),
 * and fonts without a Unicode map give symbol soup ("!\"#$%&" or "(cid:72)"). Such a page is better
 * read again by OCR.
 *
 * The test counts implausible words: symbols or digits inside letters, a capital after lowercase,
 * long runs without a vowel, a letter repeated four times, unreadable characters. Noisy but usable
 * OCR (the HIPE newspapers) stays under a tenth of its words; garbage layers are far above.
 */

export interface TextLayerQuality {
  /** Share of the words that no language writes that way (0 to 1). */
  implausible: number;
  words: number;
  garbage: boolean;
}

/** Above this share of implausible words a text layer is garbage. */
const GARBAGE_SHARE = 0.2;
/** Fewer words than this say too little to judge (a page number, a caption). */
const MIN_WORDS = 8;

const UNREADABLE = /[\uFFFD\p{Co}\p{Cc}]/u;
const CID = /\(cid:\d+\)/;
const LETTER = /[\p{L}\p{M}]/u;
/** A word: letters, with inner apostrophes, hyphens, periods (abbreviations) or combining marks. */
const WORD = /^[\p{L}\p{M}]+(?:['’.\-¬⸗][\p{L}\p{M}]+)*$/u;
const NUMBER = /^[\d.,:/\-–]+$|^\d+(?:st|nd|rd|th|er|e|o|a|ten|te|ter)$/u;
const CAPITAL_AFTER_LOWER = /\p{Ll}\p{Lu}/u;
const VOWEL = /[aeiouyœæåø]/iu;
const REPEATED = /(.)\1{3}/u;
const NO_VOWEL_RUN = 5;

export function textLayerQuality(text: string): TextLayerQuality {
  const tokens = text.split(/\s+/).filter((token) => token !== "");
  let implausible = 0;
  let words = 0;
  for (const token of tokens) {
    const core = token.replace(/^[("'„“‚‘«»[¿¡]+|[)"'“”‘’«»\].,;:!?]+$/gu, "");
    if (core === "" || (!LETTER.test(core) && NUMBER.test(core))) continue;
    words++;
    if (isImplausible(core)) implausible++;
  }
  const share = words === 0 ? 0 : implausible / words;
  return { implausible: share, words, garbage: words >= MIN_WORDS && share > GARBAGE_SHARE };
}

function isImplausible(core: string): boolean {
  if (UNREADABLE.test(core) || CID.test(core) || REPEATED.test(core)) return true;
  if (NUMBER.test(core)) return false;
  if (!WORD.test(core)) return true;
  if (CAPITAL_AFTER_LOWER.test(core)) return true;
  const letters = core.replace(/[^\p{L}]/gu, "");
  return letters.length >= NO_VOWEL_RUN && !VOWEL.test(letters.normalize("NFD").replace(/\p{M}/gu, ""));
}
