import { startServer } from "../../server.js";
import type { Command } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const serve: Command = {
  name: "serve",
  summary: "start the HTTP API (configured by environment variables)",
  usage: `palimpsest serve [--no-workers]

  --no-workers  answer the API only: queued documents and batches are processed by
                \`palimpsest worker\` processes sharing the store (STORE_URL); uploaded
                archives are still read into their documents here`,
  options: { "no-workers": { type: "boolean" } },
  async run({ config, values }) {
    await startServer(config, { processDocuments: values["no-workers"] !== true });
    return EXIT.OK;
  },
};
