/**
 * The evaluation report: scores over every gold document (micro per type and overall, macro per
 * document), by language, per document, and what was not scored and why, as JSON for programs.
 * markdown.ts renders it for people.
 */
import { isPalimpsestError } from "../errors.js";
import type { Extraction } from "../pipeline/extraction.js";
import type { RejectionReason } from "../pipeline/types.js";
import type { GoldFormat } from "./gold.js";
import { type FileRun, predictionsOf } from "./run-eval.js";
import {
  countDocument,
  type DocumentCounts,
  type Scheme,
  type Scores,
  type Summary,
  summarize,
} from "./score.js";
import { goldLabels, type TypeMap } from "./type-map.js";
import { documentSpans } from "./units.js";

/** Best published strict micro F1 at HIPE-2020 (coarse, literal), the reference for a real model run. */
export const HIPE_2020_BEST_STRICT_F1: Readonly<Record<string, number>> = { fr: 0.84, de: 0.8, en: 0.63 };

export interface DocumentReport {
  file: string;
  id: string;
  language?: string;
  /** Gold entities scored, and predictions scored. */
  gold: number;
  predicted: number;
  strict: Scores;
  fuzzy: Scores;
  error?: { code: string; message: string };
}

export interface LanguageReport {
  documents: number;
  gold: number;
  micro: Record<Scheme, Scores>;
}

export interface EvalReport {
  profile: Extraction["profile"];
  model?: Extraction["model"];
  files: {
    path: string;
    format: GoldFormat;
    dataset?: string;
    /** What boundaries are counted in: the gold's tokens (HIPE TSV) or code points (JSON Lines). */
    units: "tokens" | "code points";
    typeMap: TypeMap;
    documents: number;
    gold: number;
  }[];
  overall: Summary & { documents: number; gold: number; predicted: number };
  byLanguage: Record<string, LanguageReport>;
  documents: DocumentReport[];
  notScored: {
    /** Predictions of product types the type map gives no gold label, by type. */
    unmappedTypes: Record<string, number>;
    /** Predictions whose label the gold file never uses (the official scorer ignores them too), by label. */
    labelsNotInGold: Record<string, number>;
    /** Predictions overlapping an earlier one on the same gold tokens (one tag per token). */
    overlapping: number;
  };
  /** What the product itself refused (hallucinations, schema violations...), by reason. */
  rejected: Partial<Record<RejectionReason, number>>;
  failedDocuments: number;
  reference: { hipe2020BestStrictF1: Readonly<Record<string, number>>; note: string };
}

export function buildReport(runs: FileRun[], profile: Extraction["profile"]): EvalReport {
  const documents: DocumentReport[] = [];
  const counted: { language: string; counts: DocumentCounts; gold: number }[] = [];
  const notScored: EvalReport["notScored"] = { unmappedTypes: {}, labelsNotInGold: {}, overlapping: 0 };
  const rejected: EvalReport["rejected"] = {};
  let model: Extraction["model"] | undefined;

  for (const run of runs) {
    const labels = goldLabels(run.file);
    for (const document of run.documents) {
      const predictions = predictionsOf(run, document);
      addAll(notScored.unmappedTypes, predictions.unmapped);
      const spans = documentSpans(document.gold, predictions.mentions);
      notScored.overlapping += spans.leftOut.length;
      const scored = spans.predicted.filter((span) => {
        if (!labels.has(span.type))
          notScored.labelsNotInGold[span.type] = (notScored.labelsNotInGold[span.type] ?? 0) + 1;
        return labels.has(span.type);
      });
      const counts = countDocument(spans.gold, scored);
      for (const item of document.extraction?.rejected ?? [])
        rejected[item.reason] = (rejected[item.reason] ?? 0) + 1;
      model ??= document.extraction?.model;
      const language = document.gold.language ?? "unknown";
      counted.push({ language, counts, gold: spans.gold.length });
      documents.push({
        file: run.file.path,
        id: document.gold.id,
        ...(document.gold.language ? { language: document.gold.language } : {}),
        gold: spans.gold.length,
        predicted: scored.length,
        ...summarize([counts]).micro,
        ...(document.error === undefined ? {} : { error: describe(document.error) }),
      });
    }
  }

  const byLanguage: Record<string, LanguageReport> = {};
  for (const language of [...new Set(counted.map((c) => c.language))].sort()) {
    const subset = counted.filter((c) => c.language === language);
    byLanguage[language] = {
      documents: subset.length,
      gold: sum(subset.map((c) => c.gold)),
      micro: summarize(subset.map((c) => c.counts)).micro,
    };
  }
  return {
    profile,
    ...(model ? { model } : {}),
    files: runs.map((run) => ({
      path: run.file.path,
      format: run.file.format,
      ...(run.file.dataset ? { dataset: run.file.dataset } : {}),
      units: run.file.format === "hipe-tsv" ? "tokens" : "code points",
      typeMap: run.typeMap,
      documents: run.documents.length,
      gold: sum(documents.filter((d) => d.file === run.file.path).map((d) => d.gold)),
    })),
    overall: {
      ...summarize(counted.map((c) => c.counts)),
      documents: documents.length,
      gold: sum(documents.map((d) => d.gold)),
      predicted: sum(documents.map((d) => d.predicted)),
    },
    byLanguage,
    documents,
    notScored,
    rejected,
    failedDocuments: documents.filter((d) => d.error !== undefined).length,
    reference: {
      hipe2020BestStrictF1: HIPE_2020_BEST_STRICT_F1,
      note: "The best published HIPE-2020 systems' strict micro F1 on coarse literal entities, by language: compare a real model's strict F1 with these.",
    },
  };
}

function describe(error: unknown): { code: string; message: string } {
  if (isPalimpsestError(error)) return { code: error.code, message: error.message };
  return { code: "INTERNAL", message: error instanceof Error ? error.message : String(error) };
}

function addAll(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
}

function sum(values: number[]): number {
  return values.reduce((total, v) => total + v, 0);
}
