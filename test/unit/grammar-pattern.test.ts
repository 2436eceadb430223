import { describe, expect, it } from "vitest";
import { PATTERN_CASES } from "../support/gbnf-patterns.js";
import { languageOf, refusalOf } from "../support/gbnf-schema.js";

/** Every string of up to `length` characters of `alphabet`. */
function stringsOver(alphabet: readonly string[], length: number): string[] {
  let current = [""];
  const all = [""];
  for (let size = 1; size <= length; size++) {
    current = current.flatMap((shorter) => alphabet.map((char) => shorter + char));
    all.push(...current);
  }
  return all;
}

/** Whether free text may hold every character: outside an anchored pattern, the grammar writes only these. */
function isFreeText(text: string): boolean {
  return [...text].every((char) => {
    const code = char.codePointAt(0) as number;
    return code !== 0x7f && (code >= 0x20 || [0x08, 0x09, 0x0a, 0x0c, 0x0d].includes(code));
  });
}

describe("pattern", () => {
  it.each(PATTERN_CASES)(
    "%j: the grammar matches as RegExp(pattern, 'u') does",
    (pattern, alphabet, length) => {
      const accepts = languageOf({ type: "string", pattern });
      const regex = new RegExp(pattern, "u");
      const anchored = pattern.startsWith("^") && pattern.endsWith("$") && !pattern.includes("|");
      let matched = 0;
      for (const text of stringsOver([...alphabet], length)) {
        const expected = regex.test(text);
        const actual = accepts(JSON.stringify(text));
        // Outside the pattern's own characters, the grammar writes free text only: fewer strings, never wrong ones.
        if (actual || anchored || isFreeText(text)) expect(actual, JSON.stringify(text)).toBe(expected);
        if (actual) matched++;
      }
      expect(matched).toBeGreaterThan(0);
    },
  );

  it("the EDTF pattern of the default profile, on random strings of its characters", () => {
    const pattern =
      "^(([0-9]{2}([0-9]{2}|[0-9]X|XX)(-(0[1-9]|1[0-2]|XX)(-(0[1-9]|[12][0-9]|3[01]|XX))?)?[?~%]?)(/(([0-9]{2}([0-9]{2}|[0-9]X|XX)(-(0[1-9]|1[0-2]|XX)(-(0[1-9]|[12][0-9]|3[01]|XX))?)?[?~%]?)|[.][.]))?|[.][.]/([0-9]{2}([0-9]{2}|[0-9]X|XX)(-(0[1-9]|1[0-2]|XX)(-(0[1-9]|[12][0-9]|3[01]|XX))?)?[?~%]?))$";
    const accepts = languageOf({ type: "string", pattern });
    const regex = new RegExp(pattern, "u");
    const seeds = [
      "1784",
      "1784-09-30",
      "178X",
      "1784-XX~",
      "1784?/1786-02~",
      "../1785",
      "1784/..",
      "2000-12-31%",
    ];
    let state = 1;
    const random = (): number => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647;
    };
    const alphabet = [..."0123456789X-/.?~% "];
    for (let run = 0; run < 3000; run++) {
      const chars = [...(seeds[run % seeds.length] as string)];
      const edits = Math.floor(random() * 3);
      for (let edit = 0; edit < edits; edit++) {
        const at = Math.floor(random() * (chars.length + 1));
        const char = alphabet[Math.floor(random() * alphabet.length)] as string;
        if (random() < 0.5) chars.splice(at, 1, char);
        else chars.splice(at, 0, char);
      }
      const text = chars.join("");
      expect(accepts(JSON.stringify(text)), text).toBe(regex.test(text));
    }
  });

  it.each([
    ["^(?=a)a$", "lookaround assertions are not supported", 2],
    ["a(?!b)", "lookaround assertions are not supported", 2],
    ["(?<=a)b", "lookaround assertions are not supported", 1],
    ["(a)\\1", "backreferences are not supported", 4],
    ["(?<x>a)\\k<x>", "backreferences are not supported", 8],
    ["\\bword", "word boundary assertions (\\b, \\B) are not supported", 1],
    ["\\p{Lu}", "Unicode property escapes (\\p{...}) are not supported", 1],
    ["(?i:a)", "group modifiers such as (?i:...) are not supported", 1],
    ["a^b", "^ and $ are supported only at the start and end of the pattern", 2],
    ["(^a|b)c", "^ and $ are supported only at the start and end of the pattern", 2],
    ["a{2000}", "2000 is above 1000, the largest count the grammar expands", undefined],
    ["[\\d-z]", "a class escape such as \\d cannot bound a range", 2],
    ["a{", 'incomplete quantifier "{"', 2],
    ["\\q", 'unknown escape "\\q"', 1],
  ])("refuses %j", (pattern, message, position) => {
    const schema = {
      type: "object",
      properties: { date: { $defs: {}, type: "string", pattern } },
      required: ["date"],
    };
    const [problem, ...others] = refusalOf(schema);
    expect(others).toEqual([]);
    expect(problem).toEqual({
      pointer: "/properties/date",
      keyword: "pattern",
      message: position === undefined ? message : `${message} (at character ${position} of the pattern)`,
    });
  });
});
