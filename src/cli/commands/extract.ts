import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { namedTypeMap } from "../../eval/type-map.js";
import { EXPORT_FORMAT_NAMES, EXPORT_FORMATS, isExportFormat } from "../../export/formats.js";
import type { Extraction } from "../../pipeline/extraction.js";
import { runPipeline } from "../../pipeline/run.js";
import { cliServices } from "../cli-services.js";
import { type Command, UsageError } from "../command.js";
import { EXIT, errorBody, exitCodeFor, worstExitCode } from "../exit-codes.js";
import { profileOption } from "../profile-option.js";

export const extract: Command = {
  name: "extract",
  summary: "extract grounded entities from text or PDF files",
  usage: `palimpsest extract FILE... [options]
  --profile NAME|FILE.json  extraction profile by name, or a custom profile file (default: DEFAULT_PROFILE)
  --language CODE           ISO 639-1 language of the documents (default: detected)
  --script CODE             ISO 15924 script of scanned documents, e.g. Latf (Fraktur), for OCR
  --ocr MODELS              tesseract models for scans, joined by + (e.g. frk, ita_old+lat)
  --out PATH                write the result there instead of standard output
                            (one file: a JSON object; several files: JSON Lines, one result per line)
  --format FORMAT           write an export of all results instead: ${EXPORT_FORMAT_NAMES.join(", ")}
                            (jsonl and csv: one mention per line; hipe-tsv: HIPE shared-task TSV;
                            webanno: W3C Web Annotation JSON-LD; tei: TEI P5; alto, page: the one
                            ALTO or PAGE FILE given, with its entities tagged; iiif: the one IIIF
                            manifest given, as a manifest with its entities on its canvases)
  --labels MAP|FILE.json    hipe-tsv: write a tag set's labels through an eval type map
                            (hipe2020: pers, loc, org, time, prod; newseye, ajmc, topres19th)`,
  options: {
    profile: { type: "string" },
    language: { type: "string" },
    script: { type: "string" },
    ocr: { type: "string" },
    out: { type: "string" },
    format: { type: "string" },
    labels: { type: "string" },
  },
  async run({ config, values, positionals: files, stdout, stderr }) {
    if (files.length === 0) throw new UsageError("extract needs at least one FILE.");
    const format = values.format ?? "json";
    if (format !== "json" && !isExportFormat(format)) {
      throw new UsageError(`--format must be json or one of ${EXPORT_FORMAT_NAMES.join(", ")}.`);
    }
    const exporter = isExportFormat(format) ? EXPORT_FORMATS[format] : undefined;
    const labels = values.labels === undefined ? undefined : await namedTypeMap(values.labels as string);
    const services = await cliServices(config);
    const language = values.language as string | undefined;
    const profile = await profileOption(services, config, values.profile as string | undefined);

    const lines: string[] = [];
    const results: Extraction[] = [];
    // alto, page: the files the results were read from, which those exports write the entities into.
    const sources = new Map<string, Uint8Array>();
    const codes: number[] = [];
    for (const file of files) {
      try {
        const bytes = await readFile(file);
        const result = await runPipeline(
          {
            bytes,
            profile,
            filename: basename(file),
            ...(language ? { language } : {}),
            ...(values.script ? { script: values.script as string } : {}),
            ...(values.ocr ? { ocrModels: (values.ocr as string).split("+") } : {}),
          },
          { config, endpoint: services.endpoint, logger: services.logger, ocr: services.ocr },
        );
        results.push(result);
        if (exporter && "onlyFor" in exporter) sources.set(result.document.id, bytes);
        lines.push(JSON.stringify(result, null, files.length === 1 ? 2 : undefined));
        codes.push(EXIT.OK);
      } catch (error) {
        stderr.write(`${file}: ${(error as Error).message}\n`);
        lines.push(JSON.stringify({ file, ...errorBody(error) }));
        codes.push(exitCodeFor(error));
      }
    }
    const output = exporter
      ? exporter.render(results, { ...(labels ? { labels } : {}), sources })
      : `${lines.join("\n")}\n`;
    if (values.out) await writeFile(values.out as string, output);
    else stdout.write(output);
    return worstExitCode(codes);
  },
};
