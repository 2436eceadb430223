/** The `palimpsest` command as a user runs it, in a child process (from the sources, through tsx). */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

export const CLI = ["--import", "tsx", "src/cli/main.ts"];

const run = promisify(execFile);

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command to its end with `env` added to this process's environment (logs silenced). */
export async function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...CLI, ...args], {
      env: { ...process.env, LOG_LEVEL: "silent", ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as CliRun;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
