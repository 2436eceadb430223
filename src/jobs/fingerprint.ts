/**
 * What makes two results of one document interchangeable: the same model, profile, prompts, pipeline
 * settings and Palimpsest version. A stored result whose fingerprint matches is reused as it is; any
 * change (a new profile version, another model, a reworded prompt, another OCR setting) means a new run,
 * whose model calls the response cache still answers where the prompts did not change.
 */
import { createHash } from "node:crypto";
import type { Config } from "../config.js";
import type { EndpointInfo } from "../endpoint/port.js";
import { packageVersion } from "../package-info.js";
import { buildPrompt } from "../pipeline/extract/prompt.js";
import { PROMPT_MESSAGES } from "../pipeline/extract/prompt-messages.js";
import type { Profile } from "../profiles/profile.js";

/**
 * Settings that change how the work is done, never its result. Every other setting counts, so a
 * setting added later (an OCR option) invalidates results by default rather than reusing stale ones.
 */
const OPERATIONAL: ReadonlySet<keyof Config> = new Set<keyof Config>([
  "port",
  "host",
  "allowedHosts",
  "corsOrigins",
  "auth",
  "sessionTtlMs",
  "rateLimitPerMinute",
  "quotaConcurrentJobs",
  "quotaStoredBytes",
  "quotaOcrPagesPerDay",
  "logLevel",
  "endpointUrl",
  "serverKind",
  "hfToken",
  "model",
  "modelSha256",
  "modelsDir",
  "hubUrl",
  "hubToken",
  "modelDownloadIdleMs",
  "embeddedThreads",
  "embeddedSequences",
  "dataDir",
  "profilesDir",
  "defaultProfile",
  "schemaMaxBytes",
  "schemaMaxDepth",
  "schemaMaxNodes",
  "maxUploadBytes",
  "jsonMaxBytes",
  "maxUploadBytesInFlight",
  "bodyTimeoutMs",
  "maxConnectionsPerClient",
  "eventLoopWarnMs",
  "ocrDocumentPixels",
  "ocrDocumentSeconds",
  "requestTimeoutMs",
  "documentTimeoutMs",
  "modelRetries",
  "retryBaseMs",
  "retryMaxMs",
  "modelConcurrency",
  "storePath",
  "jobConcurrency",
  "jobAttempts",
  "jobRetryDelayMs",
  "shutdownGraceMs",
  "extractSyncMaxBytes",
  "maxArchiveBytes",
  "archiveMaxEntries",
  "archiveMaxUnpackedBytes",
  "archiveMaxRatio",
]);

export function resultFingerprint(input: {
  config: Config;
  info: EndpointInfo;
  profile: Profile;
  /** The job's pipeline options (language, script, OCR models, alignment policy). */
  options: object;
}): string {
  const { config, info, profile, options } = input;
  const settings = Object.entries(config).filter(([key]) => !OPERATIONAL.has(key as keyof Config));
  // The prompt of every language with the document left empty: its wording, the examples, the field guide.
  const prompts = Object.keys(PROMPT_MESSAGES).map((code) => buildPrompt(profile, "", { language: code }));
  const identity = {
    palimpsest: packageVersion(),
    model: [info.kind, info.modelId, info.maxInputTokens, info.maxTotalTokens],
    profile: [
      profile.name,
      profile.version,
      profile.schema,
      profile.verbatimPaths,
      profile.derived,
      profile.alignment ?? {},
    ],
    prompts,
    options,
    settings: settings.sort(([a], [b]) => (a < b ? -1 : 1)),
  };
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex");
}
