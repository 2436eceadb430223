/** Says loudly, at start, that the API asks for no key: anyone who reaches it may read and delete everything. */
import type { Logger } from "pino";
import type { Config } from "../config.js";

export function announceOpenMode(logger: Logger, config: Pick<Config, "auth" | "host" | "port">): void {
  const where = `http://${config.host}:${config.port}`;
  const why =
    config.auth === "off"
      ? "AUTH=off"
      : "no API key exists and HOST is a loopback address (create one with `palimpsest keys create --role admin --tenant NAME` to require keys)";
  logger.warn(
    { auth: config.auth, host: config.host },
    `AUTHENTICATION IS OFF: ${why}. Anyone who can reach ${where} can read, change and delete every document.`,
  );
}
