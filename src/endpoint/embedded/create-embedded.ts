/** The embedded endpoint from the configuration: BLOOM_MODEL's file, EMBEDDED_* settings, the logger. */
import type { BaseLogger } from "pino";
import type { Config } from "../../config.js";
import { EmbeddedEndpoint } from "./embedded-endpoint.js";
import { configuredModel, ensureModelFile } from "./model-file.js";
import { ModelHost } from "./model-host.js";

export function createEmbeddedEndpoint(
  config: Config,
  logger: Pick<BaseLogger, "debug" | "info" | "warn">,
): EmbeddedEndpoint {
  // Read now, so a BLOOM_MODEL that is not a reference stops start-up with a message naming it.
  const source = configuredModel(config);
  const host = new ModelHost({
    locate: (onFraction) => ensureModelFile(config, { logger, onFraction }),
    contextSize: config.embeddedContext,
    sequences: config.embeddedSequences,
    ...(config.embeddedThreads === undefined ? {} : { threads: config.embeddedThreads }),
    logger,
  });
  return new EmbeddedEndpoint({ host, modelId: source.reference });
}
