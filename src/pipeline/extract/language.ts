/**
 * The language of a text (BCP 47 primary subtag: the ISO 639-1 code where one exists), and the
 * languages BLOOM was trained on, which decide whether the prompt can speak the document's language.
 */
import { francAll } from "franc";

/** BLOOM's natural languages, from its model card (bigscience/bloom README, `language:`). */
export const BLOOM_LANGUAGES: ReadonlySet<string> = new Set([
  ...["en", "fr", "es", "pt", "ca", "eu", "ar", "id", "vi", "zh"],
  // Indic
  ...["as", "bn", "gu", "hi", "kn", "ml", "mr", "ne", "or", "pa", "ta", "te", "ur"],
  // Niger-Congo
  ...[
    "ak",
    "bm",
    "fon",
    "ig",
    "ki",
    "lg",
    "ln",
    "nso",
    "ny",
    "rn",
    "rw",
    "sn",
    "st",
    "sw",
    "tn",
    "ts",
    "tum",
    "tw",
  ],
  ...["wo", "xh", "yo", "zu"],
]);

/**
 * franc's candidates (ISO 639-3): BLOOM's languages franc knows, plus the other major languages of
 * European and Mediterranean archives. Left to its 187 languages, franc takes English for Scots and
 * short French for Haitian Creole; a document in a language outside this list gets no language.
 */
const CANDIDATES = [
  ...[
    "eng",
    "fra",
    "spa",
    "por",
    "cat",
    "arb",
    "ind",
    "vie",
    "cmn",
    "ben",
    "guj",
    "hin",
    "kan",
    "mal",
    "mar",
  ],
  ...[
    "npi",
    "pan",
    "tam",
    "tel",
    "urd",
    "bam",
    "fon",
    "ibo",
    "kin",
    "lin",
    "lug",
    "nso",
    "nya",
    "run",
    "sna",
  ],
  ...["sot", "swh", "tsn", "tso", "wol", "xho", "yor", "zul"],
  ...[
    "deu",
    "ita",
    "nld",
    "glg",
    "pol",
    "ces",
    "slk",
    "hun",
    "ron",
    "swe",
    "dan",
    "nob",
    "fin",
    "ekk",
    "lvs",
  ],
  ...[
    "lit",
    "slv",
    "hrv",
    "srp",
    "rus",
    "ukr",
    "bel",
    "bul",
    "ell",
    "heb",
    "ydd",
    "tur",
    "pes",
    "jpn",
    "kor",
  ],
];

/** Below this many letters franc's guesses go wrong (measured on HIPE-2020 newspaper text: ~3% at 100). */
const MIN_LETTERS = 120;
/** franc reads at most 2048 characters. */
const SAMPLE_LENGTH = 2048;
/**
 * franc scores the runner-up 1 - gap / (300 x length): (1 - score) x length is the gap in trigram rank
 * distance, comparable across lengths. On HIPE-2020 newspapers right guesses lead by more than 14 from
 * 400 characters on (at 160 a wrong one led by 2.7); Latin, unknown to franc, leads by 0.2 to 3 as
 * French or Catalan.
 */
const MIN_GAP = 5;

/**
 * franc has no Latin, the language of many parish registers and charters: it takes it for French,
 * Catalan or Spanish. Words frequent in Latin and absent from the Romance languages give it away
 * ("fuit" is not one: it is how OCR reads the long s of French "ſuit").
 */
const LATIN_WORDS = new Set(
  [
    "domini eodem mensis ejus eius cujus cuius quae quod atque autem enim erat ego nobis hic haec",
    "sive necnon apud omnes omnis filius filia filium filii natus baptizavi baptizatus baptizata",
    "patrinus matrina infrascriptus infrascriptum conjugum coniugum conjugibus legitimus legitima testibus",
    "sunt cum inter sed ut aut nec vel quam ergo igitur tamen etiam nisi quarum quorum eorum earum ipse ipsa",
    "ipsum ipsius ipsorum",
  ]
    .join(" ")
    .split(" "),
);
const LATIN_SHARE = 0.04;

/** A window from the middle of the text: its start is often a title page, a header or a register's heading. */
function sample(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= SAMPLE_LENGTH) return flat;
  const start = flat.indexOf(" ", Math.floor((flat.length - SAMPLE_LENGTH) / 2)) + 1;
  return flat.slice(start, start + SAMPLE_LENGTH);
}

function looksLatin(words: readonly string[]): boolean {
  const hits = words.filter((word) => LATIN_WORDS.has(word)).length;
  return hits >= 2 && hits / words.length >= LATIN_SHARE;
}

/** The text's language ("fr", "de", "la"...), or undefined when the text is too short or franc hesitates. */
export function detectLanguage(text: string): string | undefined {
  const value = sample(text);
  const words = value.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.join("").length < MIN_LETTERS) return undefined;
  const [best, runnerUp] = francAll(value, { only: CANDIDATES });
  if (best === undefined || best[0] === "und") return undefined;
  const language = new Intl.Locale(best[0]).language;
  if (["fr", "es", "pt", "ca", "it"].includes(language) && looksLatin(words)) return "la";
  if (runnerUp !== undefined && (1 - runnerUp[1]) * value.length < MIN_GAP) return undefined;
  return language;
}
