import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { runPipeline } from "../../pipeline/run.js";
import { resolveProfile } from "../../profiles/resolve.js";
import { cliServices } from "../cli-services.js";
import { type Command, UsageError } from "../command.js";
import { EXIT, errorBody, exitCodeFor, worstExitCode } from "../exit-codes.js";

export const extract: Command = {
  name: "extract",
  summary: "extract grounded entities from text or PDF files",
  usage: `palimpsest extract FILE... [options]
  --profile NAME|FILE.json  extraction profile by name, or a custom profile file (default: DEFAULT_PROFILE)
  --language CODE           ISO 639-1 language of the documents (default: detected)
  --out PATH                write the result there instead of standard output
                            (one file: a JSON object; several files: JSON Lines, one result per line)`,
  options: { profile: { type: "string" }, language: { type: "string" }, out: { type: "string" } },
  async run({ config, values, positionals: files, stdout, stderr }) {
    if (files.length === 0) throw new UsageError("extract needs at least one FILE.");
    const services = await cliServices(config);
    const profileOption = values.profile as string | undefined;
    const language = values.language as string | undefined;
    const profile = profileOption?.endsWith(".json")
      ? resolveProfile(
          services.profiles,
          { profile: basename(profileOption, ".json"), schema: await readFile(profileOption, "utf8") },
          config.defaultProfile,
        )
      : resolveProfile(
          services.profiles,
          profileOption ? { profile: profileOption } : {},
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
            ...(language ? { language } : {}),
          },
          { config, endpoint: services.endpoint, logger: services.logger },
        );
        lines.push(JSON.stringify(result, null, files.length === 1 ? 2 : undefined));
        codes.push(EXIT.OK);
      } catch (error) {
        stderr.write(`${file}: ${(error as Error).message}\n`);
        lines.push(JSON.stringify({ file, ...errorBody(error) }));
        codes.push(exitCodeFor(error));
      }
    }
    const output = `${lines.join("\n")}\n`;
    if (values.out) await writeFile(values.out as string, output);
    else stdout.write(output);
    return worstExitCode(codes);
  },
};
