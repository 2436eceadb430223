/**
 * Which tesseract models read a document, from what the request says of it: an explicit model list
 * wins; else its script (ISO 15924: `Latf` is Fraktur) and language (ISO 639-1, or 639-2/3 for the
 * historical languages tesseract has models for: frm, enm, lat, grc...); else the configured
 * default. German without a script gets its Fraktur model beside the modern one, since most German
 * printing before 1940 is Fraktur. A model the engine lacks is dropped, and said so.
 */

export interface OcrHints {
  /** ISO 639 code of the document's language. */
  language?: string;
  /** ISO 15924 code of its script, e.g. "Latf" (Fraktur). */
  script?: string;
  /** Tesseract models to use as they are, e.g. ["ita_old", "lat"]. */
  models?: readonly string[];
}

/** Tesseract model names joined by "+": "eng+fra", "frk", "ita_old+lat", "script/Fraktur". */
export const MODEL_LIST = /^[A-Za-z_]+(\/[A-Za-z_]+)?(\+[A-Za-z_]+(\/[A-Za-z_]+)?)*$/;

/** ISO 15924 script code, e.g. "Latf" (Fraktur), "Latn", "Grek". */
export const SCRIPT_CODE = /^[A-Za-z]{4}$/;

export interface ModelChoice {
  models: string[];
  /** Why the choice differs from what the hints asked for, when it does. */
  note?: string;
}

/** ISO 639-1 (and 639-2/B) codes whose tesseract model has another name. */
const TESSERACT_CODES: Readonly<Record<string, string>> = {
  ...{ en: "eng", fr: "fra", de: "deu", es: "spa", it: "ita", pt: "por", nl: "nld", la: "lat", ca: "cat" },
  ...{ da: "dan", sv: "swe", no: "nor", nb: "nor", pl: "pol", cs: "ces", sk: "slk", hu: "hun", fi: "fin" },
  ...{ el: "ell", ru: "rus", uk: "ukr", he: "heb", ar: "ara", tr: "tur", ro: "ron", hr: "hrv", sl: "slv" },
  ...{ eu: "eus", gl: "glg", oc: "oci", cy: "cym", ga: "gle", is: "isl", et: "est", lv: "lav", lt: "lit" },
  ...{ ger: "deu", fre: "fra", dut: "nld", cze: "ces", gre: "ell", ice: "isl", wel: "cym", rum: "ron" },
};

/** Fraktur models in order of preference: frk reads German Fraktur best (measured on the Kant page). */
const FRAKTUR_GERMAN = ["frk", "script/Fraktur", "Fraktur"];
const FRAKTUR_OTHER = ["script/Fraktur", "Fraktur", "frk"];

const SCRIPT_MODELS: Readonly<Record<string, string>> = {
  latn: "script/Latin",
  grek: "script/Greek",
  cyrl: "script/Cyrillic",
  hebr: "script/Hebrew",
  arab: "script/Arabic",
};

export function chooseModels(
  hints: OcrHints,
  available: ReadonlySet<string>,
  defaults: readonly string[],
): ModelChoice {
  if (hints.models && hints.models.length > 0) {
    const models = hints.models.filter((model) => available.has(model));
    const missing = hints.models.filter((model) => !available.has(model));
    if (missing.length === 0) return { models };
    const note = `model(s) ${missing.join(", ")} not installed`;
    return models.length > 0 ? { models, note } : { models: fallback(available, defaults), note };
  }
  const options = candidates(hints);
  const found = options.find((option) => option.every((model) => available.has(model)));
  if (found) return { models: [...found] };
  const models = fallback(available, defaults);
  if (options.length === 0) return { models };
  const asked = options.map((option) => option.join("+")).join(" or ");
  return { models, note: `no model for ${describe(hints)} is installed (${asked})` };
}

/** Model sets that suit the hints, best first. */
function candidates({ language, script }: OcrHints): string[][] {
  const code = language === undefined ? undefined : (TESSERACT_CODES[language] ?? language);
  const scriptCode = script?.toLowerCase();
  const own = code === undefined ? [] : [[code]];
  if (scriptCode === "latf" || scriptCode === "fraktur") {
    const fraktur = code === undefined || code === "deu" ? FRAKTUR_GERMAN : FRAKTUR_OTHER;
    return [...fraktur.map((model) => [model]), ...own];
  }
  const scriptModel = scriptCode === undefined ? undefined : SCRIPT_MODELS[scriptCode];
  const byScript = scriptModel === undefined ? [] : [[scriptModel]];
  if (code === "deu" && scriptModel === undefined) return [["deu", "frk"], ...own];
  return [...own, ...byScript];
}

function fallback(available: ReadonlySet<string>, defaults: readonly string[]): string[] {
  const usable = defaults.filter((model) => available.has(model));
  if (usable.length > 0) return usable;
  // OSD is a layout model, not one that reads text.
  return [...available].filter((model) => model !== "osd").slice(0, 1);
}

function describe({ language, script }: OcrHints): string {
  return [language && `language "${language}"`, script && `script "${script}"`].filter(Boolean).join(" and ");
}
