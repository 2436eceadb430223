import { describe, expect, it } from "vitest";
import { BLOOM_LANGUAGES, detectLanguage } from "../../src/pipeline/extract/language.js";

const TEXTS: Record<string, string> = {
  fr: "Le vingt-septième mars mil sept cent quatre-vingt-quatre, par nous curé soussigné, a été baptizé Jean Baptiste, né d'hier, fils légitime de Pierre Le Roy, laboureur, et de Marie Anne Duval, son épouse.",
  en: "The Times of the third of May reports that Queen Victoria opened the Great Exhibition in Hyde Park, before a large crowd of visitors who had come from every part of the kingdom.",
  de: "Aufklärung ist der Ausgang des Menschen aus seiner selbstverschuldeten Unmündigkeit. Unmündigkeit ist das Unvermögen, sich seines Verstandes ohne Leitung eines anderen zu bedienen.",
  es: "En un lugar de la Mancha, de cuyo nombre no quiero acordarme, no ha mucho tiempo que vivía un hidalgo de los de lanza en astillero, adarga antigua, rocín flaco y galgo corredor.",
  pt: "No dia vinte e sete de março de mil setecentos e oitenta e quatro foi batizado nesta igreja João, filho legítimo de Pedro Rocha e de sua mulher Maria, moradores nesta freguesia.",
  ca: "El dia vint-i-set de març de mil set-cents vuitanta-quatre fou batejat en aquesta església Joan, fill legítim de Pere Roca i de la seva muller Maria, veïns d'aquesta parròquia.",
  it: "Nel mezzo del cammin di nostra vita mi ritrovai per una selva oscura, ché la diritta via era smarrita. Ahi quanto a dir qual era è cosa dura esta selva selvaggia e aspra e forte.",
};

describe("detectLanguage", () => {
  it.each(Object.entries(TEXTS))("recognises %s", (language, text) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it.each([
    "Anno Domini millesimo septingentesimo octogesimo quarto, die vigesima septima martii, baptizatus est a me infrascripto parocho Joannes, filius legitimus Petri Le Roy et Mariae Duval conjugum.",
    "Gallia est divisa in partes tres, quarum unam incolunt Belgae, aliam Aquitani, tertiam qui ipsorum lingua Celtae, nostra Galli appellantur. Hi lingua, institutis, legibus inter se differunt. Gallos ab Aquitanis Garumna flumen, a Belgis Matrona et Sequana dividit.",
  ])("recognises Latin, which franc alone takes for a Romance language: %s", (text) => {
    expect(detectLanguage(text)).toBe("la");
  });

  it("does not take long-s French OCR for Latin", () => {
    const text =
      "L'empereur vient d'adreffer au fénat dirigeant un ukafe, dont la teneur fuit : ayant jugé néceffaire, dans les circonftances actuelles, de défendre l'importation de toutes marchandifes étrangères, nous ordonnons ce qui fuit.";
    expect(detectLanguage(text)).toBe("fr");
  });

  it("reads the middle of a long text, past its title page", () => {
    const text = `${TEXTS.en} `.repeat(15) + `${TEXTS.fr} `.repeat(30) + `${TEXTS.en} `.repeat(15);
    expect(detectLanguage(text)).toBe("fr");
  });

  it("answers nothing when two languages score alike", () => {
    const spanish =
      "En un lugar de la Mancha, de cuyo nombre no quiero acordarme, no ha mucho tiempo que vivía un hidalgo de los de lanza en astillero.";
    const catalan =
      "El dia vint-i-set de març de mil set-cents vuitanta-quatre fou batejat en aquesta església Joan, fill legítim de Pere Roca.";
    expect(detectLanguage(`${spanish} ${catalan}`)).toBeUndefined();
  });

  it.each(["", "Jean Dupuis, Rouen, 1784.", "1784 1785 1786 — 12 : 45 ; 1234567890 ".repeat(10)])(
    "answers nothing for text too short to tell: %j",
    (text) => {
      expect(detectLanguage(text)).toBeUndefined();
    },
  );
});

describe("BLOOM_LANGUAGES", () => {
  it("has the languages of BLOOM's training data, not German, Italian or Latin", () => {
    for (const language of ["en", "fr", "es", "pt", "ca", "eu", "ar", "zh", "hi", "sw", "yo"])
      expect(BLOOM_LANGUAGES.has(language)).toBe(true);
    for (const language of ["de", "it", "la", "nl"]) expect(BLOOM_LANGUAGES.has(language)).toBe(false);
  });
});
