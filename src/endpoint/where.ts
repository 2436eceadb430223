/** How logs and messages name where BLOOM runs: the model server's URL, or the embedded model's file. */
import type { Config } from "../config.js";
import { DEFAULT_MODEL } from "./embedded/model-source.js";

/** Whether BLOOM runs in this process: BLOOM_SERVER=embedded, or no BLOOM_ENDPOINT_URL with BLOOM_SERVER=auto. */
export function runsEmbedded(config: Pick<Config, "endpointUrls" | "serverKind">): boolean {
  return (
    config.serverKind === "embedded" || (config.serverKind === "auto" && config.endpointUrls === undefined)
  );
}

export function modelServerName(config: Pick<Config, "endpointUrls" | "serverKind" | "model">): string {
  if (runsEmbedded(config)) return `embedded:${config.model ?? DEFAULT_MODEL.reference}`;
  return config.endpointUrls?.join(", ") ?? "(no BLOOM_ENDPOINT_URL)";
}
