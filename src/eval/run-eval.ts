/**
 * `palimpsest eval`'s work without the command line: the product runs on each gold document's text
 * through the configured endpoint (the same runPipeline as the API and `extract`), and each result
 * is kept beside its gold for scoring (report.ts) and for export in the gold's shape.
 */
import type { Extraction } from "../pipeline/extraction.js";
import { type PipelineDeps, runPipeline } from "../pipeline/run.js";
import type { Profile } from "../profiles/profile.js";
import type { GoldDocument, GoldFile } from "./gold.js";
import type { PlacedMention } from "./iob.js";
import { goldLabels, labeller, resolveTypeMap, type TypeMap } from "./type-map.js";

export interface DocumentRun {
  gold: GoldDocument;
  extraction?: Extraction;
  /** Why the product gave no result for this document; its gold mentions then count as missed. */
  error?: unknown;
}

export interface FileRun {
  file: GoldFile;
  typeMap: TypeMap;
  documents: DocumentRun[];
}

export interface EvalOptions {
  files: GoldFile[];
  profile: Profile;
  /** A built-in type map's name or a JSON file; chosen per gold file when absent (see type-map.ts). */
  typeMap?: string;
  /** Documents in flight at once; the endpoint still bounds model calls on its own. */
  concurrency: number;
}

export async function runEval(options: EvalOptions, deps: PipelineDeps): Promise<FileRun[]> {
  const runs: FileRun[] = [];
  for (const file of options.files) {
    const typeMap = await resolveTypeMap(options.typeMap, file, options.profile.itemTypes);
    const documents = await mapConcurrently(file.documents, options.concurrency, (gold) =>
      runDocument(gold, options.profile, deps),
    );
    runs.push({ file, typeMap, documents });
  }
  return runs;
}

async function runDocument(gold: GoldDocument, profile: Profile, deps: PipelineDeps): Promise<DocumentRun> {
  try {
    const extraction = await runPipeline(
      {
        bytes: new TextEncoder().encode(gold.text),
        profile,
        filename: gold.id,
        ...(gold.language ? { language: gold.language } : {}),
      },
      deps,
    );
    if (extraction.text !== gold.text) {
      throw new Error(`the product read the text of document ${gold.id} differently from the gold`);
    }
    return { gold, extraction };
  } catch (error) {
    deps.logger.warn({ document: gold.id, err: error }, "evaluation document failed");
    return { gold, error };
  }
}

export interface Predictions {
  /** The result's mentions under the gold's labels. */
  mentions: PlacedMention[];
  /** Product types the type map gives no label, with how many mentions had each. */
  unmapped: Record<string, number>;
}

/** A document's predictions as the gold file's labels name them (see type-map.ts). */
export function predictionsOf(run: FileRun, document: DocumentRun): Predictions {
  const label = labeller(run.typeMap, goldLabels(run.file));
  const mentions: PlacedMention[] = [];
  const unmapped: Record<string, number> = {};
  for (const entity of document.extraction?.entities ?? []) {
    const type = label(entity.type);
    if (type === undefined) unmapped[entity.type] = (unmapped[entity.type] ?? 0) + 1;
    else mentions.push({ type, start: entity.start, end: entity.end });
  }
  return { mentions, unmapped };
}

async function mapConcurrently<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
