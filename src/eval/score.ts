/**
 * Named-entity scores with the HIPE definitions, counted the way the official HIPE scorer
 * (hipe-eval/HIPE-scorer, `Evaluator.compute_metrics`) counts them, so that the figures of
 * `palimpsest eval` and of that scorer run on the exported predictions agree:
 *
 * - strict: a prediction is correct when a gold entity has its type and exactly its boundaries;
 * - fuzzy ("ent_type" in the scorer): correct when it has the type and overlaps a gold entity
 *   not yet matched by an overlap.
 *
 * Each prediction is matched in turn, in text order: an exact match first, else the first gold
 * entity (in text order) with the same boundaries but another type, or overlapping it and not yet
 * claimed. A claimed gold entity counts once; unclaimed ones are missed; unmatched predictions are
 * spurious. TP = correct, FP = predictions - correct, FN = gold - correct (where gold counts every
 * claim, as the scorer's `possible`). Micro figures sum the counts; macro per document averages each
 * document's precision over documents with predictions, recall over documents with gold entities,
 * and F1 over documents with both.
 */
import type { UnitSpan } from "./iob.js";

export type Scheme = "strict" | "fuzzy";
export const SCHEMES: readonly Scheme[] = ["strict", "fuzzy"];

export interface Counts {
  correct: number;
  incorrect: number;
  missed: number;
  spurious: number;
}

export interface DocumentCounts {
  overall: Record<Scheme, Counts>;
  byType: Record<string, Record<Scheme, Counts>>;
}

export interface Scores {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
}

export interface MacroScores {
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface Summary {
  micro: Record<Scheme, Scores>;
  byType: Record<string, Record<Scheme, Scores>>;
  macroDocument: Record<Scheme, MacroScores>;
}

const inTextOrder = (a: UnitSpan, b: UnitSpan) => a.start - b.start || a.end - b.end;

export function countDocument(goldSpans: UnitSpan[], predictedSpans: UnitSpan[]): DocumentCounts {
  const counts: DocumentCounts = { overall: emptySchemes(), byType: {} };
  const add = (type: string, scheme: Scheme, outcome: keyof Counts) => {
    counts.overall[scheme][outcome]++;
    counts.byType[type] ??= emptySchemes();
    counts.byType[type][scheme][outcome]++;
  };
  const gold = [...goldSpans].sort(inTextOrder);
  const claimed = new Set<UnitSpan>();
  for (const predicted of [...predictedSpans].sort(inTextOrder)) {
    const exact = gold.find((g) => sameBoundaries(g, predicted) && g.type === predicted.type);
    if (exact !== undefined) {
      claimed.add(exact);
      add(exact.type, "strict", "correct");
      add(exact.type, "fuzzy", "correct");
      continue;
    }
    const match = gold.find(
      (g) =>
        (sameBoundaries(g, predicted) && g.type !== predicted.type) ||
        (overlaps(g, predicted) && !claimed.has(g)),
    );
    if (match === undefined) {
      add(predicted.type, "strict", "spurious");
      add(predicted.type, "fuzzy", "spurious");
      continue;
    }
    claimed.add(match);
    add(match.type, "strict", "incorrect");
    add(match.type, "fuzzy", match.type === predicted.type ? "correct" : "incorrect");
  }
  for (const g of gold) {
    if (claimed.has(g)) continue;
    add(g.type, "strict", "missed");
    add(g.type, "fuzzy", "missed");
  }
  return counts;
}

export function scores(counts: Counts): Scores {
  const actual = counts.correct + counts.incorrect + counts.spurious;
  const possible = counts.correct + counts.incorrect + counts.missed;
  const precision = actual > 0 ? counts.correct / actual : 0;
  const recall = possible > 0 ? counts.correct / possible : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return {
    precision,
    recall,
    f1,
    tp: counts.correct,
    fp: actual - counts.correct,
    fn: possible - counts.correct,
  };
}

export function summarize(documents: DocumentCounts[]): Summary {
  const total = emptySchemes();
  const byType: Record<string, Record<Scheme, Counts>> = {};
  for (const document of documents) {
    addSchemes(total, document.overall);
    for (const [type, counts] of Object.entries(document.byType)) {
      byType[type] ??= emptySchemes();
      addSchemes(byType[type], counts);
    }
  }
  const perScheme = <T>(f: (scheme: Scheme) => T) =>
    Object.fromEntries(SCHEMES.map((scheme) => [scheme, f(scheme)])) as Record<Scheme, T>;
  return {
    micro: perScheme((scheme) => scores(total[scheme])),
    byType: Object.fromEntries(
      Object.entries(byType)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([type, counts]) => [type, perScheme((scheme) => scores(counts[scheme]))]),
    ),
    macroDocument: perScheme((scheme) => macro(documents.map((d) => d.overall[scheme]))),
  };
}

function macro(documents: Counts[]): MacroScores {
  const precisions: number[] = [];
  const recalls: number[] = [];
  const f1s: number[] = [];
  for (const counts of documents) {
    const s = scores(counts);
    const predicted = s.tp + s.fp > 0;
    const annotated = s.tp + s.fn > 0;
    if (predicted) precisions.push(s.precision);
    if (annotated) recalls.push(s.recall);
    if (predicted && annotated) f1s.push(s.f1);
  }
  return { precision: mean(precisions), recall: mean(recalls), f1: mean(f1s) };
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0) / values.length;
}

function sameBoundaries(a: UnitSpan, b: UnitSpan): boolean {
  return a.start === b.start && a.end === b.end;
}

function overlaps(a: UnitSpan, b: UnitSpan): boolean {
  return a.start < b.end && b.start < a.end;
}

function emptySchemes(): Record<Scheme, Counts> {
  return {
    strict: { correct: 0, incorrect: 0, missed: 0, spurious: 0 },
    fuzzy: { correct: 0, incorrect: 0, missed: 0, spurious: 0 },
  };
}

function addSchemes(into: Record<Scheme, Counts>, from: Record<Scheme, Counts>): void {
  for (const scheme of SCHEMES) {
    into[scheme].correct += from[scheme].correct;
    into[scheme].incorrect += from[scheme].incorrect;
    into[scheme].missed += from[scheme].missed;
    into[scheme].spurious += from[scheme].spurious;
  }
}
