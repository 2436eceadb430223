#!/usr/bin/env node
/**
 * The `palimpsest` command. Each subcommand lives in commands/; this file only dispatches, answers
 * `--help` and `--version` (on stdout, exit 0, before the configuration is read) and turns failures into
 * the exit codes of exit-codes.ts.
 */
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config.js";
import { packageVersion } from "../package-info.js";
import { type Command, UsageError } from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";

const EXIT_CODES_HELP =
  "Exit codes: 0 done, 2 usage, 3 a document was refused, 4 the model (server or file) is not available, 78 bad configuration, 1 internal error.";

/** Asks for the usage wherever it comes: `palimpsest --help`, `palimpsest keys create -h`. */
const HELP_OPTION = { help: { type: "boolean", short: "h" } } as const;

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  palimpsest ${c.name.padEnd(width)}  ${c.summary}`);
  const more = ["palimpsest COMMAND --help    a command's usage and options", "palimpsest --version"];
  return `Usage:\n${lines.join("\n")}\n${more.map((line) => `  ${line}`).join("\n")}\n\n${EXIT_CODES_HELP}\n`;
}

function commandHelp(command: Command): string {
  return `Usage: ${command.usage}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-v") return write(process.stdout, `${packageVersion()}\n`, EXIT.OK);
  if (name === undefined || name === "--help" || name === "-h") {
    return write(name ? process.stdout : process.stderr, overview(), name ? EXIT.OK : EXIT.USAGE);
  }
  if (name === "help") {
    if (rest[0] === undefined) return write(process.stdout, overview(), EXIT.OK);
    const command = COMMANDS.find((c) => c.name === rest[0]);
    if (!command) return write(process.stderr, `Unknown command "${rest[0]}".\n\n${overview()}`, EXIT.USAGE);
    return write(process.stdout, commandHelp(command), EXIT.OK);
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return write(process.stderr, `Unknown command "${name}".\n\n${overview()}`, EXIT.USAGE);
  return runCommand(command, rest);
}

async function runCommand(command: Command, argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...command.options, ...HELP_OPTION },
      allowPositionals: true,
    });
  } catch (error) {
    // An unknown option, or one without its value: say which, and where the options are listed.
    return write(
      process.stderr,
      `palimpsest ${command.name}: ${(error as Error).message}\nsee: palimpsest ${command.name} --help\n`,
      EXIT.USAGE,
    );
  }
  if (parsed.values.help === true) return write(process.stdout, commandHelp(command), EXIT.OK);
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
      return write(process.stderr, `${error.message}\n\n${commandHelp(command)}`, EXIT.USAGE);
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
// A command that failed half-way may leave connections open (a database pool) that would keep the
// process alive: once its message has had time to be written, it ends (an unref'd timer fires only then).
if (code !== EXIT.OK) setTimeout(() => process.exit(code), 200).unref();
