/**
 * Choosing the page's language and writing a message of a catalogue: plain functions of their
 * arguments (index.ts holds the language chosen and reads the browser's preferences).
 */
import type { MessageKey, Messages } from "./en.js";

export const LOCALES = ["en", "fr", "de"] as const;
export type Locale = (typeof LOCALES)[number];

export type Params = Record<string, string | number | Date>;

const isLocale = (value: string | null | undefined): value is Locale =>
  (LOCALES as readonly string[]).includes(value ?? "");

/** The chosen language, else the browser's first one the page speaks (fr-CH counts as fr), else English. */
export function preferredLocale(stored: string | null, browser: readonly string[]): Locale {
  if (isLocale(stored)) return stored;
  for (const tag of browser) {
    const primary = tag.toLowerCase().split("-")[0];
    if (isLocale(primary)) return primary;
  }
  return "en";
}

/** A message of a catalogue: its {placeholders} filled (numbers and dates the language's way), plural forms chosen by {count}. */
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

export function formatNumber(value: number, language: Locale): string {
  return new Intl.NumberFormat(language).format(value);
}

/** A date and time, as the reader's language writes it. */
export function formatDate(value: Date | string, language: Locale): string {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(value),
  );
}
