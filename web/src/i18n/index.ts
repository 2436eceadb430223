/**
 * The page's languages: English, French and German. The language is the one chosen with the switch
 * (kept in localStorage), else the first of the browser's languages the page speaks, else English.
 * Every string comes from a catalogue (one file per language); numbers and dates are formatted with
 * Intl for the language. The API's own messages stay English: known error codes are translated here.
 */
import { de } from "./de.js";
import { en, type MessageKey, type Messages } from "./en.js";
import * as formats from "./format.js";
import { type Locale, type Params, preferredLocale } from "./format.js";
import { fr } from "./fr.js";

export type { MessageKey } from "./en.js";
export { LOCALES, type Locale } from "./format.js";

export const CATALOGUES: Record<Locale, Messages> = { en, fr, de };

/** Where the chosen language is kept between visits. */
const STORAGE_KEY = "palimpsest.language";

function storedLocale(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage refused (a privacy setting): the browser's language still applies.
    return null;
  }
}

let locale: Locale = preferredLocale(storedLocale(), navigator.languages);

export const currentLocale = (): Locale => locale;

/** Switches the language and remembers it; the page is then drawn again by whoever called. */
export function chooseLocale(next: Locale): void {
  locale = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not kept across visits, but used for this one.
  }
}

/** The message in the page's language, its {placeholders} filled, plural forms chosen by {count}. */
export function t(key: MessageKey, params: Params = {}): string {
  return formats.format(CATALOGUES[locale], locale, key, params);
}

export const formatNumber = (value: number) => formats.formatNumber(value, locale);
export const formatDate = (value: Date | string) => formats.formatDate(value, locale);

export function formatTime(value: Date | string): string {
  return new Intl.DateTimeFormat(locale, { timeStyle: "short" }).format(new Date(value));
}
