/**
 * The key that groups mentions into entities: what a reader ignores when deciding two mentions name
 * the same thing. Case, diacritics, long s and ligatures (folding); hyphens, spaces and punctuation
 * ("Val-de-Travers", "Val de-Travers"); words OCR glued together ("deBelidah"); a leading particle in
 * lower case ("de Bélidah", "Bélidah"); letters OCR reads as one ("rn" for "m"). Digits and Roman
 * numerals stay as they are, so two numbers never share a key.
 */
import { foldKey } from "../../text/fold.js";
import { isCaseSeam } from "../../text/words.js";

/** Particles a name may be given with or without ("de Bélidah", "Bélidah"; "von Arx", "Arx"). */
const PARTICLES = new Set([
  "d",
  "de",
  "del",
  "della",
  "der",
  "des",
  "di",
  "du",
  "l",
  "la",
  "le",
  "les",
  "van",
  "von",
  "zu",
]);

export function entityKey(text: string): string {
  let spaced = "";
  for (let i = 0; i < text.length; i++) {
    if (isCaseSeam(text, i)) spaced += " ";
    spaced += text[i];
  }
  const words = spaced.split(/[^\p{L}\p{N}\p{M}]+/u).filter((word) => word !== "");
  while (words.length > 1 && PARTICLES.has(words[0] as string)) words.shift();
  return foldKey(words.join("")).replaceAll("rn", "m").replaceAll("vv", "w");
}
