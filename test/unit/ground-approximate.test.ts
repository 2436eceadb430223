import { describe, expect, it } from "vitest";
import { approximateMatches, editDistance } from "../../src/pipeline/ground/approximate.js";

describe("approximateMatches", () => {
  const text = "fournis par m. hagenbcck, le celebre hagenbeck de hambourg";

  it("finds every occurrence within the edit budget, in text order", () => {
    const matches = approximateMatches("hagenbeck", text, 1);
    expect(matches.map((m) => [text.slice(m.start, m.end), m.edits])).toEqual([
      ["hagenbcck", 1],
      ["hagenbeck", 0],
    ]);
  });

  it("finds nothing beyond the budget", () => {
    expect(approximateMatches("hagenbach", text, 1)).toEqual([]);
    expect(approximateMatches("hagenbach", text, 2).map((m) => text.slice(m.start, m.end))).toEqual([
      "hagenbcck",
      "hagenbeck",
    ]);
  });

  it("widens a match to whole words and re-measures it", () => {
    // "berlin" stands exactly inside "berliner", but the word is two edits away.
    expect(approximateMatches("berlin", "die berliner zeitung", 1)).toEqual([]);
    const text = "les hagenbecks";
    expect(approximateMatches("hagenbeck", text, 0)).toEqual([]);
    expect(
      approximateMatches("hagenbeck", text, 1).map((m) => [text.slice(m.start, m.end), m.edits]),
    ).toEqual([["hagenbecks", 1]]);
  });

  it("returns non-overlapping matches, the fewest edits winning", () => {
    const matches = approximateMatches("anna", "annna anna", 1);
    expect(matches.map((m) => [m.start, m.end, m.edits])).toEqual([
      [0, 5, 1],
      [6, 10, 0],
    ]);
  });
});

describe("approximateMatches on planted noisy words", () => {
  /** A small deterministic generator, so a failure can be replayed. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
  }

  it("finds a word planted with up to maxEdits random edits among random words", () => {
    const next = random(42);
    const letter = () => "abcde"[Math.floor(next() * 5)] as string;
    const word = (length: number) => Array.from({ length }, letter).join("");
    for (let round = 0; round < 300; round++) {
      const pattern = word(5 + Math.floor(next() * 16));
      const maxEdits = Math.floor(pattern.length * 0.2);
      let noisy = pattern;
      for (let e = 0; e < maxEdits; e++) {
        const at = Math.floor(next() * noisy.length);
        const kind = Math.floor(next() * 3);
        noisy =
          kind === 0
            ? noisy.slice(0, at) + letter() + noisy.slice(at + 1)
            : kind === 1
              ? noisy.slice(0, at) + letter() + noisy.slice(at)
              : noisy.slice(0, at) + noisy.slice(at + 1);
      }
      const before = Array.from({ length: 1 + Math.floor(next() * 6) }, () =>
        word(3 + Math.floor(next() * 6)),
      );
      const text = `${before.join(" ")} ${noisy} ${word(4)}`;
      const plantedStart = text.length - noisy.length - 5;
      const matches = approximateMatches(pattern, text, maxEdits);
      const covering = matches.filter((m) => m.start < plantedStart + noisy.length && m.end > plantedStart);
      expect(covering, `${pattern} in ${text}`).not.toEqual([]);
      for (const m of matches) expect(editDistance(pattern, text.slice(m.start, m.end), 99)).toBe(m.edits);
    }
  });
});

describe("editDistance", () => {
  it.each([
    ["kitten", "sitting", 5, 3],
    ["", "abc", 5, 3],
    ["same", "same", 0, 0],
    ["abcdef", "uvwxyz", 2, 3],
  ])("distance(%s, %s) with limit %i is %i", (a, b, limit, expected) => {
    expect(editDistance(a, b, limit)).toBe(expected);
  });
});
