/**
 * pino, configured once for server and CLI. Authorization headers and the tokens are redacted
 * wherever they appear; document text is only ever logged at trace level.
 */
import { type Logger, type LoggerOptions, pino } from "pino";
import type { Config } from "./config.js";

/** What pipeline code needs of a logger; fastify's request logger and a pino logger both fit. */
export type Log = Pick<Logger, "trace" | "debug" | "info" | "warn" | "error">;

export function loggerOptions(level: Config["logLevel"]): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        "req.headers.authorization",
        "headers.authorization",
        "hfToken",
        "*.hfToken",
        "config.hfToken",
        "hubToken",
        "*.hubToken",
        "config.hubToken",
      ],
      censor: "[redacted]",
    },
  };
}

export function createLogger(level: Config["logLevel"], destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}
