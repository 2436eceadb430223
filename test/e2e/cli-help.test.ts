/**
 * The command line's conventions, as a user meets them: --help after the command, any command or
 * subcommand, and --version, print to stdout and exit 0 (whatever the configuration); an unknown option
 * is a usage error that says where the options are listed.
 */
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands/index.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import { packageVersion } from "../../src/package-info.js";
import { runCli } from "../support/cli.js";

/** A configuration that would stop any command that read it: help must not need one. */
const BROKEN_CONFIG = { PORT: "not-a-port" };

// Each case runs the command in a child process, which loads the whole program through tsx.
describe("palimpsest --help and --version", { timeout: 60_000 }, () => {
  it("lists every command, and how to ask for one's help", async () => {
    const help = await runCli(["--help"], BROKEN_CONFIG);
    expect(help).toMatchObject({ code: EXIT.OK, stderr: "" });
    for (const command of COMMANDS) expect(help.stdout).toContain(`palimpsest ${command.name}`);
    expect(help.stdout).toContain("palimpsest COMMAND --help");
    expect(await runCli(["-h"], BROKEN_CONFIG)).toMatchObject({ code: EXIT.OK, stdout: help.stdout });
  });

  it("prints the version", async () => {
    const version = await runCli(["--version"], BROKEN_CONFIG);
    expect(version).toMatchObject({ code: EXIT.OK, stdout: `${packageVersion()}\n`, stderr: "" });
  });

  it("prints each command's usage for COMMAND --help, before reading the configuration", {
    timeout: 180_000,
  }, async () => {
    // One at a time: each run loads the whole program, and the machine has few cores.
    for (const command of COMMANDS) {
      const run = await runCli([command.name, "--help"], BROKEN_CONFIG);
      expect(run, command.name).toMatchObject({
        code: EXIT.OK,
        stdout: `Usage: ${command.usage}\n`,
        stderr: "",
      });
    }
    const extract = COMMANDS.find((c) => c.name === "extract");
    expect(await runCli(["extract", "-h"], BROKEN_CONFIG)).toMatchObject({
      code: EXIT.OK,
      stdout: `Usage: ${extract?.usage}\n`,
    });
  });

  it.each([
    ["keys", "create"],
    ["models", "pull"],
  ])("prints %s's usage for %s --help, doing nothing", { timeout: 60_000 }, async (name, action) => {
    const command = COMMANDS.find((c) => c.name === name);
    const run = await runCli([name, action, "--help"], BROKEN_CONFIG);
    expect(run).toMatchObject({ code: EXIT.OK, stdout: `Usage: ${command?.usage}\n`, stderr: "" });
    expect(run.stdout).toContain(`palimpsest ${name} ${action}`);
  });

  it("answers `help COMMAND` as COMMAND --help, and an unknown one as a usage error", async () => {
    const batch = COMMANDS.find((c) => c.name === "batch");
    expect(await runCli(["help", "batch"], BROKEN_CONFIG)).toMatchObject({
      code: EXIT.OK,
      stdout: `Usage: ${batch?.usage}\n`,
    });
    const unknown = await runCli(["help", "frobnicate"], BROKEN_CONFIG);
    expect(unknown.code).toBe(EXIT.USAGE);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
  });
});

describe("unknown options", { timeout: 60_000 }, () => {
  it("names the option and the command's help, and exits with the usage code", async () => {
    const run = await runCli(["extract", "--frobnicate", "lettre.txt"], {});
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("'--frobnicate'");
    expect(run.stderr).toContain("see: palimpsest extract --help");
  });

  it("says so for a subcommand's unknown option too", async () => {
    const run = await runCli(["keys", "create", "--rol", "admin"], {});
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.stderr).toContain("'--rol'");
    expect(run.stderr).toContain("see: palimpsest keys --help");
  });
});
