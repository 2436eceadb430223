/**
 * Whether the service asks for API keys. AUTH=auto keeps the laptop's `npm start` working: bound to
 * loopback with no key ever created, it runs open (one person on their own machine); bound to any other
 * interface without a key, it refuses to start rather than serve every archive to the network.
 */
import { type Config, ConfigError } from "../config.js";

/** open: no key asked (AUTH=off, or AUTH=auto before any key on loopback); keys: every /v1 request needs one. */
export type AuthMode = "open" | "keys";

export function isLoopback(host: string): boolean {
  const bare = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** The mode at start; a ConfigError naming AUTH where AUTH=auto must not start. */
export function startupMode(config: Pick<Config, "auth" | "host">, hasKeys: boolean): AuthMode {
  if (config.auth === "off") return "open";
  if (config.auth === "on" || hasKeys) return "keys";
  if (isLoopback(config.host)) return "open";
  throw new ConfigError(
    "AUTH",
    `HOST=${config.host} is not a loopback address and no API key exists: create one (palimpsest keys create --role admin --tenant NAME) or set AUTH=off to serve without authentication on purpose`,
  );
}
