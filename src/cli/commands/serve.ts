import { startServer } from "../../server.js";
import type { Command } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const serve: Command = {
  name: "serve",
  summary: "start the HTTP API (configured by environment variables)",
  usage: "palimpsest serve",
  options: {},
  async run({ config }) {
    await startServer(config);
    return EXIT.OK;
  },
};
