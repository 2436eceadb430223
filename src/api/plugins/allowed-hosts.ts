/**
 * Answers only requests addressed to a host of ALLOWED_HOSTS (by default the loopback names and HOST).
 * A web page on another site can rebind its own DNS name to 127.0.0.1 and then call the service as if
 * it were that site's: the browser sends the page's name in the Host header, which this refuses with
 * 421 HOST_NOT_ALLOWED. /health and /ready answer whatever the Host, as container and cluster probes
 * address the machine by its IP; they hold no document.
 */
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config.js";
import { PalimpsestError } from "../../errors.js";

const LOOPBACK = ["localhost", "127.0.0.1", "[::1]"];
const PROBES = new Set(["/health", "/ready"]);

/** The host names to answer; undefined when any will do. */
export function allowedHosts(config: Pick<Config, "allowedHosts" | "host">): Set<string> | undefined {
  if (config.allowedHosts?.includes("*")) return undefined;
  if (config.allowedHosts !== undefined) return new Set(config.allowedHosts);
  const host = config.host.toLowerCase();
  const bound = host.includes(":") ? `[${host}]` : host;
  // A wildcard address is no name a client can use.
  return new Set([...LOOPBACK, ...(bound === "0.0.0.0" || bound === "[::]" ? [] : [bound])]);
}

/** The Host header without its port, lower-cased and without a final dot. */
function hostName(header: string | undefined): string {
  const value = (header ?? "").trim().toLowerCase();
  const name = value.startsWith("[") ? value.slice(0, value.indexOf("]") + 1) : (value.split(":")[0] ?? "");
  return name.replace(/\.$/, "");
}

export function checkHost(app: FastifyInstance, config: Pick<Config, "allowedHosts" | "host">): void {
  const allowed = allowedHosts(config);
  if (allowed === undefined) return;
  app.addHook("onRequest", async (request) => {
    if (PROBES.has(request.url.split("?")[0] ?? "")) return;
    const name = hostName(request.headers.host);
    if (allowed.has(name)) return;
    throw new PalimpsestError(
      "HOST_NOT_ALLOWED",
      `This service does not answer to the host name "${name.slice(0, 100)}". If it should, add it to ALLOWED_HOSTS.`,
    );
  });
}
