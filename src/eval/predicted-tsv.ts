/**
 * An evaluation's predictions for a HIPE gold file, written in that file's exact shape (its header,
 * comments, tokens and MISC, the predictions' tags in NE-COARSE-LIT), so the official HIPE scorer
 * can be run on them:  python clef_evaluation.py --ref GOLD.tsv --pred PREDICTED.tsv --task nerc_coarse --skip-check
 */
import { hipeTsvLike } from "../export/hipe-tsv.js";
import { isHipeFile } from "./hipe-tsv.js";
import { tagTokens } from "./iob.js";
import { type FileRun, predictionsOf } from "./run-eval.js";

/** Undefined for gold without tokens (JSON Lines). */
export function predictedTsv(run: FileRun): string | undefined {
  const { file } = run;
  if (!isHipeFile(file)) return undefined;
  const tags = file.documents.map((gold, d) => {
    const document = run.documents[d] ?? { gold };
    return tagTokens(gold.tokens, predictionsOf(run, document).mentions).tags;
  });
  return hipeTsvLike(file, tags);
}
