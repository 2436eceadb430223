/**
 * What the server, the CLI and the tests share: configuration, logger, model endpoint, profiles and
 * the OCR reader.
 */
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { createEndpoint, type EndpointDeps } from "./endpoint/create-endpoint.js";
import type { LlmEndpoint } from "./endpoint/port.js";
import { runsEmbedded } from "./endpoint/where.js";
import { JobRunner } from "./jobs/runner.js";
import { createOcr } from "./pipeline/ocr/index.js";
import type { OcrReader } from "./pipeline/ocr/reader.js";
import { loadProfiles, type ProfileRegistry } from "./profiles/registry.js";
import type { BlobStore } from "./store/blobs.js";
import { openStore } from "./store/open-store.js";
import type { Store } from "./store/port.js";

export interface Services {
  config: Config;
  logger: Logger;
  endpoint: LlmEndpoint;
  profiles: ProfileRegistry;
  ocr: OcrReader;
  /** Documents, jobs, results and the model-response cache (opened on first use). */
  store: Store;
  blobs: BlobStore;
  /** The batch-job workers (started by the server, by a CLI batch, or by the first job submitted). */
  jobs: JobRunner;
}

export async function createServices(
  config: Config,
  logger: Logger,
  endpointDeps: Omit<EndpointDeps, "logger"> = {},
): Promise<Services> {
  const profiles = await loadProfiles(config.profilesDir ? [config.profilesDir] : [], config);
  const endpoint = createEndpoint(config, { logger, ...endpointDeps });
  const ocr = await createOcr(config, logger);
  const { store, blobs } = openStore(config);
  const jobs = new JobRunner({ config, logger, endpoint, profiles, store, blobs, pipeline: { ocr } });
  return { config, logger, endpoint, profiles, ocr, store, blobs, jobs };
}

/**
 * Downloads (with its progress) and loads the embedded model now, not at the first document; /ready
 * tells how far. Nothing to do for a model server.
 */
export function warmUpModel({ config, endpoint, logger }: Services): void {
  if (!runsEmbedded(config)) return;
  endpoint.info().catch((error: unknown) => {
    logger.error({ err: error }, "the embedded model is not available");
  });
}
