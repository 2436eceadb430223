/**
 * Scores with the HIPE definitions: each matching scenario of the official scorer on small cases,
 * then whole dev sets with predictions perturbed at random (missed, shifted, retyped, spurious),
 * whose figures must equal those the official HIPE scorer (hipe-eval/HIPE-scorer, Evaluator with
 * merge_lines) computed on the same predictions written as HIPE TSV.
 */
import { describe, expect, it } from "vitest";
import type { GoldFile } from "../../src/eval/gold.js";
import { buildReport } from "../../src/eval/report.js";
import type { FileRun } from "../../src/eval/run-eval.js";
import { countDocument, scores, summarize } from "../../src/eval/score.js";
import { resolveTypeMap, type TypeMap, typeOfLabel } from "../../src/eval/type-map.js";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { HIPE_2020, HIPE_2022, readHipe } from "../support/hipe.js";

const span = (type: string, start: number, end: number) => ({ type, start, end });

describe("countDocument, scenario by scenario", () => {
  it("I: same type and boundaries is correct in both schemes", () => {
    const { overall } = countDocument([span("pers", 0, 2)], [span("pers", 0, 2)]);
    expect(overall.strict).toEqual({ correct: 1, incorrect: 0, missed: 0, spurious: 0 });
    expect(overall.fuzzy).toEqual({ correct: 1, incorrect: 0, missed: 0, spurious: 0 });
  });

  it("II and III: a prediction overlapping nothing is spurious, a gold entity nothing overlaps is missed", () => {
    const counts = countDocument([span("loc", 5, 6)], [span("pers", 0, 2)]);
    expect(counts.overall.strict).toEqual({ correct: 0, incorrect: 0, missed: 1, spurious: 1 });
    expect(scores(counts.overall.strict)).toMatchObject({
      tp: 0,
      fp: 1,
      fn: 1,
      precision: 0,
      recall: 0,
      f1: 0,
    });
    expect(Object.keys(counts.byType).sort()).toEqual(["loc", "pers"]);
  });

  it("IV: same boundaries, other type is incorrect in both schemes, counted for the gold type", () => {
    const counts = countDocument([span("org", 0, 3)], [span("loc", 0, 3)]);
    expect(counts.overall.fuzzy).toEqual({ correct: 0, incorrect: 1, missed: 0, spurious: 0 });
    expect(scores(counts.overall.strict)).toMatchObject({ tp: 0, fp: 1, fn: 1 });
    expect(Object.keys(counts.byType)).toEqual(["org"]);
  });

  it("V: overlapping with the same type is wrong when strict, right when fuzzy", () => {
    const { overall } = countDocument([span("pers", 0, 3)], [span("pers", 1, 3)]);
    expect(scores(overall.strict)).toMatchObject({ tp: 0, fp: 1, fn: 1 });
    expect(scores(overall.fuzzy)).toMatchObject({ tp: 1, fp: 0, fn: 0, f1: 1 });
  });

  it("VI: overlapping with another type is wrong in both schemes", () => {
    const { overall } = countDocument([span("pers", 0, 3)], [span("loc", 2, 5)]);
    expect(scores(overall.fuzzy)).toMatchObject({ tp: 0, fp: 1, fn: 1 });
  });

  it("lets a gold entity be claimed by one overlap only: a second overlapping prediction is spurious", () => {
    const { overall } = countDocument([span("pers", 0, 4)], [span("pers", 0, 1), span("pers", 2, 4)]);
    expect(overall.fuzzy).toEqual({ correct: 1, incorrect: 0, missed: 0, spurious: 1 });
    expect(overall.strict).toEqual({ correct: 0, incorrect: 1, missed: 0, spurious: 1 });
  });
});

describe("summarize", () => {
  it("sums counts for micro figures and averages documents for macro ones, as the HIPE scorer does", () => {
    const perfect = countDocument([span("pers", 0, 1)], [span("pers", 0, 1)]);
    const half = countDocument([span("pers", 0, 1), span("loc", 3, 4)], [span("pers", 0, 1)]);
    const nothingPredicted = countDocument([span("loc", 0, 1)], []);
    const nothingAnnotated = countDocument([], [span("loc", 0, 1)]);
    const summary = summarize([perfect, half, nothingPredicted, nothingAnnotated]);
    expect(summary.micro.strict).toMatchObject({ tp: 2, fp: 1, fn: 2 });
    // Precision over documents with predictions, recall over documents with gold, F1 over both.
    expect(summary.macroDocument.strict).toEqual({ precision: 2 / 3, recall: 1.5 / 3, f1: (1 + 2 / 3) / 2 });
    expect(summary.byType.loc?.strict).toMatchObject({ tp: 0, fp: 1, fn: 2 });
  });
});

const PRODUCT_TYPES = ["person", "place", "organization", "date", "work", "event"];

/** The product's answers on a gold file, damaged at random but reproducibly. */
function perturbedRun(file: GoldFile, typeMap: TypeMap): FileRun {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)] as T;
  const documents = file.documents.map((gold) => {
    const length = [...gold.text].length;
    const entities: { type: string; start: number; end: number }[] = [];
    for (const mention of gold.mentions) {
      const roll = random();
      if (roll < 0.15) continue;
      const type =
        roll >= 0.35 && roll < 0.5 ? pick(PRODUCT_TYPES) : (typeOfLabel(typeMap, mention.type) ?? "event");
      const shifted = roll >= 0.15 && roll < 0.35;
      const start = shifted ? Math.max(0, mention.start + Math.floor(random() * 7) - 3) : mention.start;
      const end = shifted
        ? Math.min(length, Math.max(start + 1, mention.end + Math.floor(random() * 7) - 3))
        : mention.end;
      entities.push({ type, start, end });
      if (random() < 0.1) {
        const at = Math.floor(random() * length);
        entities.push({
          type: pick(PRODUCT_TYPES),
          start: at,
          end: Math.min(length, at + 1 + Math.floor(random() * 15)),
        });
      }
    }
    return { gold, extraction: { entities, rejected: [] } as unknown as Extraction };
  });
  return { file, typeMap, documents };
}

/** Figures of the official HIPE scorer on the perturbed predictions: TP, FP, FN and macro-document F1. */
const OFFICIAL = [
  {
    path: `${HIPE_2020}/HIPE-data-v1.4-dev-fr.tsv`,
    strict: { counts: [1057, 490, 672], macroF1: 0.6588864387 },
    fuzzy: { counts: [1271, 276, 458], macroF1: 0.7883159259 },
    byType: {
      loc: [491, 183, 283],
      org: [102, 62, 57],
      pers: [396, 177, 283],
      prod: [27, 30, 22],
      time: [41, 38, 27],
    },
  },
  {
    path: `${HIPE_2022}/HIPE-2022-v2.1-newseye-dev-fr.tsv`,
    strict: { counts: [445, 206, 307], macroF1: 0.6536623179 },
    fuzzy: { counts: [544, 107, 208], macroF1: 0.7849913518 },
    byType: { HumanProd: [7, 11, 4], LOC: [194, 86, 141], ORG: [73, 40, 40], PER: [171, 69, 122] },
  },
  {
    path: `${HIPE_2022}/HIPE-2022-v2.1-ajmc-dev-en.tsv`,
    strict: { counts: [150, 78, 266], macroF1: 0.4939612378 },
    fuzzy: { counts: [180, 48, 236], macroF1: 0.5904857795 },
    byType: { date: [4, 5, 1], loc: [3, 4, 0], pers: [80, 28, 50], scope: [0, 15, 162], work: [63, 26, 53] },
  },
];

describe.each(OFFICIAL)("on $path with perturbed predictions", (official) => {
  it("gives the official HIPE scorer's figures, overall, per type and per document", async () => {
    const file = readHipe(official.path);
    const report = buildReport([perturbedRun(file, await resolveTypeMap(undefined, file, PRODUCT_TYPES))], {
      name: "default",
      version: "test",
    });
    for (const scheme of ["strict", "fuzzy"] as const) {
      const micro = report.overall.micro[scheme];
      expect([micro.tp, micro.fp, micro.fn], scheme).toEqual(official[scheme].counts);
      expect(report.overall.macroDocument[scheme].f1).toBeCloseTo(official[scheme].macroF1, 9);
    }
    const byType = Object.fromEntries(
      Object.entries(report.overall.byType).map(([type, s]) => [
        type,
        [s.strict.tp, s.strict.fp, s.strict.fn],
      ]),
    );
    expect(byType).toEqual(official.byType);
  });
});
