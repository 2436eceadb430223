/** Services for commands that run the pipeline in-process: logs go to stderr so stdout carries only results. */
import type { Config } from "../config.js";
import { createLogger } from "../logger.js";
import { createServices, type Services } from "../services.js";

export function cliServices(config: Config): Promise<Services> {
  const level = config.logLevel === "info" ? "warn" : config.logLevel;
  return createServices(config, createLogger(level, process.stderr));
}
