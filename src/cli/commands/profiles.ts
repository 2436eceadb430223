import { cliServices } from "../cli-services.js";
import type { Command } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const profiles: Command = {
  name: "profiles",
  summary: "list the extraction profiles (name, version, title)",
  usage: "palimpsest profiles",
  options: {},
  async run({ config, stdout }) {
    const { profiles } = await cliServices(config);
    for (const p of profiles.list()) stdout.write(`${p.name}\t${p.version}\t${p.title}\n`);
    return EXIT.OK;
  },
};
