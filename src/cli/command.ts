/**
 * One `palimpsest` subcommand: its usage text, its options (node:util parseArgs), and what it does.
 * Commands are listed in commands/index.ts.
 */
import type { ParseArgsConfig } from "node:util";
import type { Config } from "../config.js";

export interface CommandContext {
  config: Config;
  /** Options and positionals as parsed with the command's own option table. */
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Synopsis and options, shown by `palimpsest NAME --help` (or `help NAME`) and on usage errors. */
  usage: string;
  /** The command's own options; `--help` (`-h`) is every command's, answered before the command runs. */
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Resolves to the process exit code (see exit-codes.ts). */
  run(context: CommandContext): Promise<number>;
}

/** Thrown for a command line that cannot be run as given; main prints the command's usage. */
export class UsageError extends Error {}
