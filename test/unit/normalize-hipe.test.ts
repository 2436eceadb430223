/**
 * Properties of the normaliser's offset map over real OCR text: HIPE-2020 newspaper excerpts in
 * French and German (test/fixtures/ingest/hipe, CC BY-NC-SA 4.0), with printed line breaks and "¬"
 * line-end hyphens.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { normalizeForModel, toSourceRange } from "../../src/pipeline/normalize/index.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/ingest/hipe/${name}`, import.meta.url), "utf8");

const LINE_END_HYPHEN_AFTER = /^[-\u2010¬⸗=\u00AD][ \t]*\n/;
const LINE_END_HYPHEN_BEFORE = /[-\u2010¬⸗=\u00AD][ \t]*\n[ \t]*$/;
const REWRITTEN_LETTERS = /[ſ\uFB00-\uFB06]/;

describe.each([
  ["French", "hipe2020-dev-fr.txt"],
  ["German", "hipe2020-dev-de.txt"],
])("normalising %s newspaper text", (_language, file) => {
  const source = fixture(file);
  const normalized = normalizeForModel(source);
  const { text, toSource } = normalized;

  it("produces model text without line-internal breaks, blank runs or stray blanks", () => {
    expect(text.length).toBeGreaterThan(10_000);
    expect(text).not.toMatch(/\r|[ \t]{2}| \n|\n | $|^ |\n{3}/);
    expect(text).not.toMatch(/(?<!\n)\n(?!\n)/);
    expect(text).toContain("\n\n");
  });

  it("is idempotent", () => {
    expect(normalizeForModel(text).text).toBe(text);
  });

  it("has a map with one entry per unit plus the end, monotonic and inside the source", () => {
    expect(toSource.length).toBe(text.length + 1);
    let previous = 0;
    for (const value of toSource) {
      expect(value).toBeGreaterThanOrEqual(previous);
      previous = value;
    }
    expect(previous).toBeLessThanOrEqual(source.length);
  });

  it("maps ranges spread over the whole text to ordered ranges inside the source", () => {
    let last: [number, number] = [0, 0];
    for (let start = 0; start < text.length; start += 37) {
      const end = Math.min(text.length, start + ((start * 7919) % 211));
      const [from, to] = toSourceRange(normalized, start, end);
      expect(0 <= from && from <= to && to <= source.length).toBe(true);
      expect(from).toBeGreaterThanOrEqual(last[0]);
      last = [from, to];
    }
  });

  it("maps every normalised word back to the same word where nothing was rewritten", () => {
    let checked = 0;
    for (const { 0: word, index } of text.matchAll(/[\p{L}\p{N}]+/gu)) {
      const [from, to] = toSourceRange(normalized, index, index + word.length);
      const original = source.slice(from, to);
      if (/[^\p{L}\p{N}]/u.test(original) || REWRITTEN_LETTERS.test(original)) continue;
      expect(original).toBe(word);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("finds every untouched source word at its own offsets in the normalised text", () => {
    let checked = 0;
    for (const { 0: word, index: start } of source.matchAll(/[\p{L}\p{N}]+/gu)) {
      const end = start + word.length;
      const hyphenated =
        LINE_END_HYPHEN_AFTER.test(source.slice(end, end + 10)) ||
        LINE_END_HYPHEN_BEFORE.test(source.slice(Math.max(0, start - 10), start));
      if (hyphenated || REWRITTEN_LETTERS.test(word) || word.normalize("NFC") !== word) continue;
      const at = toSource.indexOf(start);
      expect(at, `"${word}" at ${start}`).toBeGreaterThanOrEqual(0);
      expect(text.slice(at, at + word.length)).toBe(word);
      expect(toSourceRange(normalized, at, at + word.length)).toEqual([start, end]);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe("line-end hyphens in the German newspaper text", () => {
  const source = fixture("hipe2020-dev-de.txt");
  const normalized = normalizeForModel(source);

  it("joins every word split with ¬ and maps it back to both halves", () => {
    const splits = [...source.matchAll(/(\p{L}+)¬\n(\p{Ll}+)/gu)];
    expect(splits.length).toBeGreaterThan(50);
    for (const { 0: split, 1: head = "", 2: tail = "", index } of splits) {
      const joined = head + tail;
      const at = normalized.toSource.indexOf(index);
      expect(normalized.text.slice(at, at + joined.length)).toBe(joined);
      expect(toSourceRange(normalized, at, at + joined.length)).toEqual([index, index + split.length]);
    }
    // A "¬" is left only where a document excerpt ends mid-word: never joined across paragraphs.
    expect(normalized.text).not.toMatch(/¬(?!\n\n)/);
  });
});
