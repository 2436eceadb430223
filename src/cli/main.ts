#!/usr/bin/env node
/**
 * The `palimpsest` command. Each subcommand lives in commands/; this file only dispatches and turns
 * failures into the exit codes of exit-codes.ts.
 */
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config.js";
import { packageVersion } from "../package-info.js";
import { type Command, UsageError } from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";

const EXIT_CODES_HELP =
  "Exit codes: 0 done, 2 usage, 3 a document was refused, 4 the model (server or file) is not available, 78 bad configuration, 1 internal error.";

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  palimpsest ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage:\n${lines.join("\n")}\n  palimpsest help COMMAND\n\n${EXIT_CODES_HELP}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-v") return write(process.stdout, `${packageVersion()}\n`, EXIT.OK);
  if (name === undefined || name === "--help" || name === "-h") {
    return write(name ? process.stdout : process.stderr, overview(), name ? EXIT.OK : EXIT.USAGE);
  }
  if (name === "help") {
    const command = COMMANDS.find((c) => c.name === rest[0]);
    return write(process.stdout, command ? `${command.usage}\n` : overview(), EXIT.OK);
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return write(process.stderr, `Unknown command "${name}".\n\n${overview()}`, EXIT.USAGE);
  return runCommand(command, rest);
}

async function runCommand(command: Command, argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: command.options, allowPositionals: true });
  } catch (error) {
    return write(process.stderr, `${(error as Error).message}\n\nUsage: ${command.usage}\n`, EXIT.USAGE);
  }
  try {
    return await command.run({
      config: loadConfig(),
      values: parsed.values,
      positionals: parsed.positionals,
      stdout: process.stdout,
      stderr: process.stderr,
    });
  } catch (error) {
    if (error instanceof UsageError)
      return write(process.stderr, `${error.message}\n\nUsage: ${command.usage}\n`, EXIT.USAGE);
    if (error instanceof ConfigError) return write(process.stderr, `${error.message}\n`, EXIT.CONFIG);
    return write(
      process.stderr,
      `palimpsest ${command.name}: ${(error as Error).message}\n`,
      exitCodeFor(error),
    );
  }
}

function write(stream: NodeJS.WritableStream, text: string, code: number): number {
  stream.write(text);
  return code;
}

const code = await main(process.argv.slice(2));
// `serve` keeps running: its exit is decided by the signal handlers.
if (code !== EXIT.OK || process.argv[2] !== "serve") process.exitCode = code;
