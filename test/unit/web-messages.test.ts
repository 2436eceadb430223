/**
 * The review page's message catalogues: French and German have every English key and no other, the
 * same placeholders and plural forms, every key is used by the page, and the language is chosen as
 * documented (the switch's choice, else the browser's first language the page speaks, else English).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { de } from "../../web/src/i18n/de.js";
import { en, type Message } from "../../web/src/i18n/en.js";
import { format, preferredLocale } from "../../web/src/i18n/format.js";
import { fr } from "../../web/src/i18n/fr.js";

const WEB = join(import.meta.dirname, "../../web/src");
const CATALOGUES = { fr, de } as Record<string, Record<string, Message>>;

const placeholders = (message: Message) =>
  (typeof message === "string" ? [message] : Object.values(message)).map((text) =>
    [...(text ?? "").matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort(),
  );

/** The page's code, catalogues left out: where keys must be used. */
function pageSource(): string {
  const files = readdirSync(WEB, { recursive: true, encoding: "utf8" }).filter(
    (file) => file.endsWith(".ts") && !file.startsWith("i18n"),
  );
  expect(files.length).toBeGreaterThan(10);
  return files.map((file) => readFileSync(join(WEB, file), "utf8")).join("\n");
}

describe("the review page's message catalogues", () => {
  for (const [language, catalogue] of Object.entries(CATALOGUES)) {
    // A language may need plural forms where English has none (French agrees "1 rejetée", "2 rejetées").
    it(`${language} has exactly the English keys, with the same placeholders and plural forms`, () => {
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
      for (const [key, english] of Object.entries(en) as [string, Message][]) {
        const translated = catalogue[key] as Message;
        const wanted = new Set(placeholders(english).flat());
        for (const form of placeholders(translated)) expect(new Set(form), key).toEqual(wanted);
        if (typeof translated !== "string")
          expect(Object.keys(translated), key).toEqual(expect.arrayContaining(["one", "other"]));
      }
    });
  }

  it("has no key the page does not use", () => {
    const source = pageSource();
    const unused = Object.keys(en).filter((key) => !source.includes(`"${key}"`));
    expect(unused).toEqual([]);
  });

  it("fills placeholders, formats numbers for the language and picks plural forms (French 0 and 1 are singular)", () => {
    expect(format(en, "en", "entities.summary", { type: "place", count: 1 })).toBe("place, 1 mention");
    expect(format(en, "en", "entities.summary", { type: "place", count: 0 })).toBe("place, 0 mentions");
    expect(format(fr, "fr", "progress.rejected", { count: 0 })).toBe("0 rejetée");
    expect(format(fr, "fr", "progress.rejected", { count: 2 })).toBe("2 rejetées");
    expect(format(de, "de", "pager.shown", { page: 1200, count: 1500 })).toBe("Seite 1.200 von 1.500");
  });

  it("chooses the language: the switch's choice, else the browser's first one spoken here, else English", () => {
    expect(preferredLocale(null, ["fr-CH", "en"])).toBe("fr");
    expect(preferredLocale(null, ["it", "de-AT", "fr"])).toBe("de");
    expect(preferredLocale("de", ["fr-FR"])).toBe("de");
    expect(preferredLocale("xx", ["es", "it"])).toBe("en");
  });
});
