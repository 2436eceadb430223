#!/usr/bin/env node
/**
 * The `palimpsest` command: `serve` starts the API; `extract FILE...` runs the same pipeline
 * without a server and writes the same JSON the API answers; `profiles` lists the profiles.
 */
import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { packageVersion } from "../package-info.js";
import { runPipeline } from "../pipeline/run.js";
import { resolveProfile } from "../profiles/resolve.js";
import { startServer } from "../server.js";
import { createServices } from "../services.js";
import { EXIT, exitCodeFor, worstExitCode } from "./exit-codes.js";

const USAGE = `Usage:
  palimpsest serve                      start the HTTP API (configured by environment variables)
  palimpsest extract FILE... [options]  extract grounded entities from text or PDF files
  palimpsest profiles                   list the extraction profiles

Options of extract:
  --profile NAME|FILE.json  extraction profile by name, or a custom profile file (default: DEFAULT_PROFILE)
  --language CODE           ISO 639-1 language of the documents (default: detected)
  --out PATH                write the result there instead of standard output
                            (one file: a JSON object; several files: JSON Lines, one result per line)

Exit codes: 0 done, 2 usage, 3 a document was refused, 4 the model server failed, 78 bad configuration, 1 internal error.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      profile: { type: "string" },
      language: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
  const [command, ...files] = positionals;
  if (values.version) return print(`${packageVersion()}\n`);
  if (values.help || !command) return print(`${USAGE}\n`, command ? EXIT.OK : EXIT.USAGE);

  const config = loadConfig();
  if (command === "serve") {
    await startServer(config);
    return EXIT.OK;
  }
  // Logs go to standard error so that standard output carries only results.
  const services = await createServices(
    config,
    createLogger(config.logLevel === "info" ? "warn" : config.logLevel, process.stderr),
  );
  if (command === "profiles") {
    return print(
      services.profiles
        .list()
        .map((p) => `${p.name}\t${p.version}\t${p.title}`)
        .join("\n")
        .concat("\n"),
    );
  }
  if (command !== "extract") return print(`Unknown command "${command}".\n\n${USAGE}\n`, EXIT.USAGE);
  if (files.length === 0) return print(`extract needs at least one FILE.\n\n${USAGE}\n`, EXIT.USAGE);

  const profile = values.profile?.endsWith(".json")
    ? resolveProfile(
        services.profiles,
        { profile: basename(values.profile, ".json"), schema: await readFile(values.profile, "utf8") },
        config.defaultProfile,
      )
    : resolveProfile(
        services.profiles,
        values.profile ? { profile: values.profile } : {},
        config.defaultProfile,
      );

  const lines: string[] = [];
  const codes: number[] = [];
  for (const file of files) {
    try {
      const result = await runPipeline(
        {
          bytes: await readFile(file),
          profile,
          filename: basename(file),
          ...(values.language ? { language: values.language } : {}),
        },
        { config, endpoint: services.endpoint, logger: services.logger },
      );
      lines.push(JSON.stringify(result, null, files.length === 1 ? 2 : undefined));
      codes.push(EXIT.OK);
    } catch (error) {
      const code = exitCodeFor(error);
      const body =
        error instanceof Error && "toJSON" in error
          ? (error as { toJSON(): object }).toJSON()
          : { error: { code: "INTERNAL", message: String(error) } };
      process.stderr.write(`${file}: ${(error as Error).message}\n`);
      lines.push(JSON.stringify({ file, ...body }));
      codes.push(code);
    }
  }
  const output = `${lines.join("\n")}\n`;
  if (values.out) await writeFile(values.out, output);
  else process.stdout.write(output);
  return worstExitCode(codes);
}

function print(text: string, code: number = EXIT.OK): number {
  (code === EXIT.OK ? process.stdout : process.stderr).write(text);
  return code;
}

try {
  const code = await main(process.argv.slice(2));
  if (code !== EXIT.OK || process.argv[2] !== "serve") process.exitCode = code;
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = EXIT.CONFIG;
  } else if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exitCode = EXIT.USAGE;
  } else {
    process.stderr.write(`palimpsest: ${(error as Error).message}\n`);
    process.exitCode = exitCodeFor(error);
  }
}
