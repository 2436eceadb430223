/** The alignment policy: OCR noise may be cited, a different fact never. */
import { describe, expect, it } from "vitest";
import { isPalimpsestError } from "../../src/errors.js";
import { compareMention } from "../../src/pipeline/ground/compare.js";
import { DEFAULT_POLICY, requestAlignment, resolvePolicy } from "../../src/pipeline/ground/policy.js";
import { numberCharacters, valueAgreesWithText } from "../../src/text/numbers.js";

const verdict = (mention: string, source: string, policy = DEFAULT_POLICY) =>
  compareMention(mention, source, policy).verdict;

describe("compareMention", () => {
  it.each([
    ["28 mai 1858", "29 mai 1858"],
    ["10 Juin 1928", "10 Juin 1828"],
    ["1828", "1928"],
    ["le 3 mai", "le 30 mai"],
    ["1 200 livres", "1 300 livres"],
    ["Louis XV", "Louis XIV"],
    ["Charles X", "Charles V"],
    ["an VII", "an VIII"],
  ])("takes %s and %s for different numbers", (mention, source) => {
    expect(verdict(mention, source)).toBe("different_number");
  });

  it.each([
    ["1828", "1S28"],
    ["1er janvier 1800", "ler janvier 1800"],
    ["1790", "l79O"],
    ["Louis XIV", "Louis XlV"],
  ])("takes %s and %s for the same number misread by OCR", (mention, source) => {
    const comparison = compareMention(mention, source, DEFAULT_POLICY);
    expect(comparison.verdict).toBe("match");
    expect(comparison.differences).toContain("ocr");
  });

  it("gives short names no edit: a four-letter name with one letter changed is another name", () => {
    expect(verdict("Metz", "Mets")).toBe("near_miss");
    expect(verdict("Lyon", "Lyons")).toBe("near_miss");
    expect(verdict("Hagenbeck", "Hagenbcck")).toBe("match");
  });

  it("never lets one word of a long name be rewritten into another", () => {
    const comparison = compareMention(
      "Aîons d'Ivernois, conseiller d'Etat",
      "César d'Ivernois, conseiller\nd'Etat",
      DEFAULT_POLICY,
    );
    expect(comparison.verdict).toBe("near_miss");
    expect(comparison.edits).toBeGreaterThan(2);
  });

  it("counts nothing for case, accents, long s, hyphenation, spacing and punctuation, and says which", () => {
    const cases: [string, string, string[]][] = [
      ["Val-de-Travers", "Val de-Travers", ["punctuation", "spacing"]],
      ["de Bélidah", "deBelidah", ["diacritics", "spacing"]],
      ["Jean-Baptiste Colbert", "Jean-Bap-\ntiste Colbert", ["hyphenation"]],
      ["Christoph Froschauer", "Chriſtoph Froſchauer", ["letterforms"]],
      ["Genève", "GENEVE", ["case", "diacritics"]],
      ["Point Petre", "Point\nPetre", ["spacing"]],
    ];
    for (const [mention, source, differences] of cases) {
      expect(compareMention(mention, source, DEFAULT_POLICY), `${mention} / ${source}`).toEqual({
        edits: 0,
        differences,
        verdict: "match",
      });
    }
  });

  it("takes letters OCR reads as one for one edit", () => {
    expect(compareMention("Gambetta", "Garnbetta", DEFAULT_POLICY)).toEqual({
      edits: 1,
      differences: ["ocr"],
      verdict: "match",
    });
  });

  it("scales the budget with the threshold", () => {
    const strict = { ...DEFAULT_POLICY, maxEditRatio: 0 };
    expect(verdict("Hagenbeck", "Hagenbcck", strict)).toBe("near_miss");
    const loose = { ...DEFAULT_POLICY, maxEditRatio: 0.3 };
    expect(verdict("Hagenbeck", "Hagenbach", DEFAULT_POLICY)).toBe("near_miss");
    expect(verdict("Hagenbeck", "Hagenbach", loose)).toBe("match");
  });
});

describe("the policy's settings", () => {
  it("reads a request's options and lets them override the profile's and the service's", () => {
    expect(requestAlignment({ fuzzy: "false", maxEditRatio: "0.1", nearMisses: "flag" })).toEqual({
      fuzzy: false,
      maxEditRatio: 0.1,
      nearMisses: "flag",
    });
    expect(resolvePolicy(DEFAULT_POLICY, { fuzzy: false, maxEditRatio: 0.3 }, { maxEditRatio: 0.1 })).toEqual(
      {
        fuzzy: false,
        maxEditRatio: 0.1,
        nearMisses: "reject",
      },
    );
  });

  it.each([
    [{ fuzzy: "maybe" }, /fuzzy/],
    [{ maxEditRatio: "1" }, /maxEditRatio/],
    [{ maxEditRatio: "" }, /maxEditRatio/],
    [{ nearMisses: "keep" }, /nearMisses/],
  ])("refuses %o as a bad request", (options, message) => {
    try {
      requestAlignment(options);
      expect.unreachable();
    } catch (error) {
      expect(isPalimpsestError(error) && error.code).toBe("BAD_REQUEST");
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe("numbers in text", () => {
  it("marks digits and Roman numerals, not initials or words", () => {
    const marked = (text: string) => [...text].filter((_, i) => numberCharacters(text)[i]).join("");
    expect(marked("Louis XIV, le 3 mai")).toBe("XIV3");
    expect(marked("M. Dupont, dix mille")).toBe("");
    expect(marked("Charles X. et Pie VI")).toBe("VI");
    expect(marked("Charles X et lui")).toBe("X");
  });

  it("checks a derived value against the numbers its text carries", () => {
    expect(valueAgreesWithText("1790-05-28", "28 mai 1790")).toBe(true);
    expect(valueAgreesWithText("1790-05-01", "1er mai 1790")).toBe(true);
    expect(valueAgreesWithText("1789", "l'an 89")).toBe(true);
    expect(valueAgreesWithText("178X", "1784")).toBe(true);
    expect(valueAgreesWithText("1828", "1S28")).toBe(true);
    expect(valueAgreesWithText("1200", "1 200 livres")).toBe(true);
    expect(valueAgreesWithText("1798", "an VII")).toBe(true);
    expect(valueAgreesWithText("1066", "1790")).toBe(false);
    expect(valueAgreesWithText("1790-05-29", "28 mai 1790")).toBe(false);
  });
});
