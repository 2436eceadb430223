/**
 * The page's languages: English, French and German. The language is the one chosen with the switch
 * (kept in localStorage), else the first of the browser's languages the page speaks, else English.
 * Every string comes from a catalogue (one file per language); numbers and dates are formatted with
 * Intl for the language. The API's own messages stay English: known error codes are translated here.
 */
import { de } from "./de.js";
import { en, type MessageKey, type Messages } from "./en.js";
import { fr } from "./fr.js";

export type { MessageKey } from "./en.js";

export const LOCALES = ["en", "fr", "de"] as const;
export type Locale = (typeof LOCALES)[number];

export const CATALOGUES: Record<Locale, Messages> = { en, fr, de };

/** Where the chosen language is kept between visits. */
const STORAGE_KEY = "palimpsest.language";

const isLocale = (value: string | null | undefined): value is Locale =>
  (LOCALES as readonly string[]).includes(value ?? "");

/** The chosen language, else the browser's first one the page speaks (fr-CH counts as fr), else English. */
export function preferredLocale(
  stored: string | null,
  browser: readonly string[] = navigator.languages,
): Locale {
  if (isLocale(stored)) return stored;
  for (const tag of browser) {
    const primary = tag.toLowerCase().split("-")[0];
    if (isLocale(primary)) return primary;
  }
  return "en";
}

function storedLocale(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage refused (a privacy setting): the browser's language still applies.
    return null;
  }
}

let locale: Locale = preferredLocale(storedLocale());

export const currentLocale = (): Locale => locale;

/** Switches the language and remembers it; the views are drawn again by whoever called. */
export function chooseLocale(next: Locale): void {
  locale = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not kept across visits, but used for this one.
  }
  document.documentElement.lang = next;
}

export type Params = Record<string, string | number | Date>;

/** The message in the page's language, its {placeholders} filled, plural forms chosen by {count}. */
export function t(key: MessageKey, params: Params = {}): string {
  return format(CATALOGUES[locale], locale, key, params);
}

/** A message of one catalogue, for a given language (the language switch names each language in its own). */
export function format(messages: Messages, language: Locale, key: MessageKey, params: Params = {}): string {
  const message = messages[key];
  const text =
    typeof message === "string"
      ? message
      : (message[new Intl.PluralRules(language).select(Number(params.count ?? 0))] ?? message.other);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    if (typeof value === "number") return formatNumber(value, language);
    if (value instanceof Date) return formatDate(value, language);
    return value;
  });
}

export function formatNumber(value: number, language: Locale = locale): string {
  return new Intl.NumberFormat(language).format(value);
}

/** A date and time, as the reader's language writes it. */
export function formatDate(value: Date | string, language: Locale = locale): string {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(value),
  );
}

export function formatTime(value: Date | string): string {
  return new Intl.DateTimeFormat(locale, { timeStyle: "short" }).format(new Date(value));
}
