import { describe, expect, it } from "vitest";
import { fold, folding, foldKey, toInputRange } from "../../src/text/fold.js";

/** The input text a folded range stands for. */
function inputOf(input: string, start: number, end: number): string {
  const range = toInputRange(fold(input), start, end);
  return input.slice(range.start, range.end);
}

describe("fold", () => {
  it.each([
    ["case and diacritics", "GENÈVE Zürich", "geneve zurich"],
    ["decomposed diacritics", "Jose\u0301", "jose"],
    ["long s and ligatures", "Chriſtoph ﬁls Œuvre Æneas Straße", "christoph fils oeuvre aeneas strasse"],
    [
      "quotes and apostrophes",
      "l’abbé d'Orléans dʼAix «Le Temps» „Zeit“",
      'l\'abbe d\'orleans d\'aix "le temps" "zeit"',
    ],
    ["dashes", "1870–1871 — Saint⸗Denis", "1870-1871 - saint-denis"],
    ["whitespace runs and single newlines", "Jean \t Baptiste\nColbert\r\n\nà", "jean baptiste colbert a"],
    ["hyphens at line ends", "mai-\nson Hagen¬\n  beck Zei⸗\r\ntung", "maison hagenbeck zeitung"],
    ["invisible characters", "Ham\u00adburg Ber\u200blin", "hamburg berlin"],
    ["Fraktur letters", "𝔊𝔬𝔱𝔱", "gott"],
  ])("folds %s", (_, input, expected) => {
    expect(fold(input).text).toBe(expected);
  });

  it("keeps a hyphen that does not end a line", () => {
    expect(fold("Jean-Baptiste").text).toBe("jean-baptiste");
    expect(fold("Paris -\nLondres").text).toBe("paris - londres");
  });

  it("joins a word split with ¬ or ⸗ across any blank, as a model copies it with its line break turned into a space", () => {
    expect(fold("Bra¬ bant Zei⸗  tung").text).toBe("brabant zeitung");
    expect(foldKey("Bra¬ bant")).toBe(foldKey("Bra¬\nbant"));
    // "-" splits a word only at a line end: German writes "Nord- und Süddeutschland".
    expect(fold("Nord- und Süd").text).toBe("nord- und sud");
  });

  it("maps every folded character back to the input, monotonically", () => {
    const input = "🎉 Jose\u0301 Straße mai-\nson";
    const folded = fold(input);
    expect(folded.toInput.length).toBe(folded.text.length + 1);
    expect(folded.toInput[folded.text.length]).toBe(input.length);
    for (let i = 1; i < folded.toInput.length; i++) {
      expect(folded.toInput[i]).toBeGreaterThanOrEqual(folded.toInput[i - 1] as number);
    }
  });

  it("maps folded ranges to whole input characters", () => {
    const input = "🎉 Jose\u0301 Straße mai-\nson.";
    const folded = fold(input).text;
    const at = (needle: string) => [folded.indexOf(needle), folded.indexOf(needle) + needle.length] as const;
    expect(inputOf(input, ...at("jose"))).toBe("Jose\u0301");
    // A range ending inside the expansion of ß takes the whole ß.
    expect(inputOf(input, ...at("stras"))).toBe("Straß");
    expect(inputOf(input, ...at("maison"))).toBe("mai-\nson");
    expect(inputOf(input, ...at("mai"))).toBe("mai");
  });

  it("folds a long text in pieces exactly as a short one, across its pauses, ligatures growing it", () => {
    // Longer than a piece many times over; the line-end hyphen and the ligatures fall on every side of a pause.
    const unit = "Chriſtoph Hagen-\nbeck ﬃﬃ æœ. ";
    const input = unit.repeat(4000);
    const work = folding(input);
    let pauses = 0;
    let step = work.next();
    for (; !step.done; step = work.next()) pauses++;
    const folded = step.value;
    expect(pauses).toBeGreaterThan(2);
    expect(folded.text).toBe(fold(unit).text.repeat(4000));
    expect(folded.text.length).toBeGreaterThan(input.length);
    expect(folded).toEqual(fold(input));
    const at = folded.text.lastIndexOf("hagenbeck");
    expect(inputOf(input, at, at + "hagenbeck".length)).toBe("Hagen-\nbeck");
  });

  it("gives one key to spellings that differ only in folded ways", () => {
    expect(foldKey("  Saint-Étienne ")).toBe(foldKey("SAINT‐ETIENNE"));
    expect(foldKey("Baſel")).toBe(foldKey("Basel"));
    expect(foldKey("Basel")).not.toBe(foldKey("Basle"));
  });
});
