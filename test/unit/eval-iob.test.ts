/** IOB tags read as the official HIPE scorer reads them, and mentions put on tokens. */
import { describe, expect, it } from "vitest";
import { decodeIob, tagTokens } from "../../src/eval/iob.js";

describe("decodeIob", () => {
  it.each([
    [
      "B- I- runs",
      ["B-pers", "I-pers", "O", "B-loc"],
      [
        ["pers", 0, 2],
        ["loc", 3, 4],
      ],
    ],
    ["I- after O, which starts an entity", ["O", "I-loc", "I-loc"], [["loc", 1, 3]]],
    [
      "B- right after an entity of its type",
      ["B-loc", "I-loc", "B-loc"],
      [
        ["loc", 0, 2],
        ["loc", 2, 3],
      ],
    ],
    [
      "I- of another type",
      ["B-pers", "I-org"],
      [
        ["pers", 0, 1],
        ["org", 1, 2],
      ],
    ],
    [
      "IOBES",
      ["S-loc", "B-pers", "E-pers"],
      [
        ["loc", 0, 1],
        ["pers", 1, 3],
      ],
    ],
    ["cells marking no annotation", ["_", "-", "", "O"], []],
  ])("reads %s", (_, tags, expected) => {
    expect(decodeIob(tags).map((s) => [s.type, s.start, s.end])).toEqual(expected);
  });
});

describe("tagTokens", () => {
  const tokens = [
    { start: 0, end: 2 }, // "M."
    { start: 3, end: 9 }, // "Dupont"
    { start: 10, end: 12 }, // "de"
    { start: 13, end: 23 }, // "l'Autriche"
  ];

  it("tags every token a mention shares a character with, the whole token when cut inside it", () => {
    const { tags, leftOut } = tagTokens(tokens, [
      { type: "pers", start: 0, end: 9 },
      { type: "loc", start: 15, end: 23 },
    ]);
    expect(tags).toEqual(["B-pers", "I-pers", "O", "B-loc"]);
    expect(leftOut).toEqual([]);
  });

  it("keeps the first of overlapping mentions in reading order, the longer at the same start", () => {
    const nested = { type: "pers", start: 3, end: 9 };
    const crossing = { type: "loc", start: 10, end: 23 };
    const { tags, leftOut } = tagTokens(tokens, [nested, { type: "pers", start: 3, end: 12 }, crossing]);
    expect(tags).toEqual(["O", "B-pers", "I-pers", "O"]);
    expect(leftOut).toEqual([nested, crossing]);
  });

  it("starts adjacent mentions of one type with B-, so they stay two entities", () => {
    const { tags } = tagTokens(tokens, [
      { type: "loc", start: 10, end: 12 },
      { type: "loc", start: 13, end: 23 },
    ]);
    expect(decodeIob(tags).map((s) => [s.start, s.end])).toEqual([
      [2, 3],
      [3, 4],
    ]);
  });
});
