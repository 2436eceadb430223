import { mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { isPalimpsestError } from "../../errors.js";
import type { GoldFile } from "../../eval/gold.js";
import { reportMarkdown } from "../../eval/markdown.js";
import { predictedTsv } from "../../eval/predicted-tsv.js";
import { readGoldFile } from "../../eval/read-gold.js";
import { buildReport, type EvalReport } from "../../eval/report.js";
import { type FileRun, runEval } from "../../eval/run-eval.js";
import { BUILT_IN_TYPE_MAPS } from "../../eval/type-map.js";
import { cliServices } from "../cli-services.js";
import { type Command, UsageError } from "../command.js";
import { EXIT, exitCodeFor, worstExitCode } from "../exit-codes.js";
import { profileOption } from "../profile-option.js";

export const evaluate: Command = {
  name: "eval",
  summary: "score the product against annotated documents (HIPE TSV or JSON Lines gold)",
  usage: `palimpsest eval --gold FILE... [options]
  --gold FILE...             gold files: HIPE TSV (HIPE-2020 or HIPE-2022), or JSON Lines with one
                             {"id", "language", "text", "mentions": [{"type", "start", "end"}]} per line
                             (offsets in Unicode code points)
  --profile NAME|FILE.json   extraction profile (default: DEFAULT_PROFILE)
  --type-map NAME|FILE.json  which profile type each gold label stands for: ${Object.keys(BUILT_IN_TYPE_MAPS).join(", ")},
                             identity, or a JSON file such as {"PER": "person", "LOC": "place"}
                             (default: the file's data set, else the map fitting its labels best)
  --out DIR                  also write report.md, report.json, predictions.jsonl (the product's
                             results) and, for each HIPE file, NAME.predictions.tsv for the official scorer
Runs the product on each gold document's text through the configured model server, then prints the
Markdown report (strict and fuzzy precision, recall and F1, per type, per language, per document).`,
  options: {
    gold: { type: "string", multiple: true },
    profile: { type: "string" },
    "type-map": { type: "string" },
    out: { type: "string" },
  },
  async run({ config, values, positionals, stdout, stderr }) {
    const paths = [...((values.gold as string[] | undefined) ?? []), ...positionals];
    if (paths.length === 0) throw new UsageError("eval needs at least one gold file: --gold FILE.");
    const files = await Promise.all(paths.map(readGold));
    const services = await cliServices(config);
    const profile = await profileOption(services, config, values.profile as string | undefined);
    const runs = await runEval(
      {
        files,
        profile,
        ...(values["type-map"] ? { typeMap: values["type-map"] as string } : {}),
        concurrency: config.modelConcurrency,
      },
      { config, endpoint: services.endpoint, logger: services.logger },
    );
    const report = buildReport(runs, { name: profile.name, version: profile.version });
    const markdown = reportMarkdown(report);
    if (values.out) {
      const written = await writeOutputs(values.out as string, runs, report, markdown);
      stderr.write(`Wrote ${written.join(", ")}\n`);
    }
    stdout.write(markdown);
    const codes = runs.flatMap((run) =>
      run.documents.map((d) => (d.error === undefined ? EXIT.OK : exitCodeFor(d.error))),
    );
    for (const failed of report.documents.filter((d) => d.error)) {
      stderr.write(`${failed.file} ${failed.id}: ${failed.error?.message}\n`);
    }
    return worstExitCode(codes);
  },
};

async function readGold(path: string): Promise<GoldFile> {
  try {
    return await readGoldFile(path);
  } catch (error) {
    if (isPalimpsestError(error)) throw error;
    throw new UsageError(`Cannot read the gold file ${path}: ${(error as Error).message}`);
  }
}

async function writeOutputs(dir: string, runs: FileRun[], report: EvalReport, markdown: string) {
  await mkdir(dir, { recursive: true });
  const outputs = new Map<string, string>([
    ["report.md", markdown],
    ["report.json", `${JSON.stringify(report, null, 2)}\n`],
    [
      "predictions.jsonl",
      runs
        .flatMap((run) =>
          run.documents.flatMap((d) => (d.extraction ? [`${JSON.stringify(d.extraction)}\n`] : [])),
        )
        .join(""),
    ],
  ]);
  for (const run of runs) {
    const tsv = predictedTsv(run);
    if (tsv === undefined) continue;
    const stem = basename(run.file.path).replace(/\.tsv$/i, "");
    let name = `${stem}.predictions.tsv`;
    for (let n = 2; outputs.has(name); n++) name = `${stem}.${n}.predictions.tsv`;
    outputs.set(name, tsv);
  }
  for (const [name, content] of outputs) await writeFile(join(dir, name), content);
  return [...outputs.keys()].map((name) => join(dir, name));
}
