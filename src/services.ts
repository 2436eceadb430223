/**
 * What the server, the CLI and the tests share: configuration, logger, model endpoint, profiles, the
 * OCR reader, and the metrics they report to.
 */
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { createEndpoint, type EndpointDeps } from "./endpoint/create-endpoint.js";
import type { LlmEndpoint } from "./endpoint/port.js";
import { LocalSlots, type ModelSlots } from "./endpoint/slots.js";
import { runsEmbedded } from "./endpoint/where.js";
import { JobRunner } from "./jobs/runner.js";
import { Metrics } from "./observability/metrics.js";
import { observeModelCalls } from "./observability/model-calls.js";
import { observeOcrEngine } from "./observability/ocr-engine.js";
import { queueDepthReader } from "./observability/queue-depth.js";
import { createOcr } from "./pipeline/ocr/index.js";
import type { OcrReader } from "./pipeline/ocr/reader.js";
import { loadProfiles, type ProfileRegistry } from "./profiles/registry.js";
import type { BlobStore } from "./store/blobs.js";
import { openStore } from "./store/open-store.js";
import type { Store } from "./store/port.js";
import type { PgDatabase } from "./store/postgres/database.js";
import { PgSlots } from "./store/postgres/model-slots.js";

export interface Services {
  config: Config;
  logger: Logger;
  endpoint: LlmEndpoint;
  profiles: ProfileRegistry;
  ocr: OcrReader;
  /** Documents, jobs, results and the model-response cache (opened on first use). */
  store: Store;
  blobs: BlobStore;
  /** The budget of model calls in flight: the store's when every process shares it, else this process's. */
  slots: ModelSlots;
  /** The batch-job workers (started by the server, by a CLI batch, or by the first job submitted). */
  jobs: JobRunner;
  /** What GET /metrics reports; this services' own registry. */
  metrics: Metrics;
}

export async function createServices(
  config: Config,
  logger: Logger,
  endpointDeps: Omit<EndpointDeps, "logger"> = {},
): Promise<Services> {
  const profiles = await loadProfiles(config.profilesDir ? [config.profilesDir] : [], config);
  const metrics = new Metrics();
  const { store, blobs, database } = await openStore(config, logger);
  const slots = endpointDeps.slots ?? modelSlots(config, database);
  metrics.watchSlots(() => slots.held());
  const endpoint = createEndpoint(config, {
    logger,
    ...endpointDeps,
    slots,
    observe: (server) => observeModelCalls(server, metrics),
  });
  const ocr = await createOcr(config, logger, (engine) => observeOcrEngine(engine, metrics));
  metrics.watchQueue(queueDepthReader(store));
  const jobs = new JobRunner({
    config,
    logger,
    endpoint,
    profiles,
    store,
    blobs,
    pipeline: { ocr, metrics },
    metrics,
  });
  return { config, logger, endpoint, profiles, ocr, store, blobs, slots, jobs, metrics };
}

/** Stops the job workers (documents in progress finish or go back to the queue), then closes the store. */
export async function closeServices({ jobs, slots, store }: Services): Promise<void> {
  await jobs.stop();
  await slots.close();
  await store.close();
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

/**
 * The budget of model calls in flight: shared by every process through the PostgreSQL store when there
 * is one, else counted in this process, as it always is for BLOOM embedded (each process runs its own
 * model).
 */
export function modelSlots(
  config: Pick<Config, "endpointUrls" | "serverKind" | "modelSlotLeaseMs">,
  database: PgDatabase | undefined,
): ModelSlots {
  return database && !runsEmbedded(config)
    ? new PgSlots(database, config.modelSlotLeaseMs)
    : new LocalSlots();
}
