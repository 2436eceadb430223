/**
 * What every task of one job shares: its profile (a registered one, or the custom schema the job
 * carries), its pipeline options, and the fingerprint its results are stored under.
 */
import type { Config } from "../config.js";
import type { EndpointInfo } from "../endpoint/port.js";
import type { PipelineInput } from "../pipeline/run.js";
import type { Profile } from "../profiles/profile.js";
import type { ProfileRegistry } from "../profiles/registry.js";
import { resolveProfile } from "../profiles/resolve.js";
import type { JobRecord } from "../store/port.js";
import { failureKey } from "./failure-memory.js";
import { resultFingerprint } from "./fingerprint.js";

export interface JobContext {
  profile: Profile;
  /** The job's options for the pipeline (language, script, OCR models, alignment), as runPipeline takes them. */
  options: Pick<PipelineInput, "language" | "script" | "ocrModels" | "alignment">;
  fingerprint: string;
  /** What a document's hard failure is remembered under (failure-memory.ts). */
  failureKey: string;
  /** Whose results the tasks make and reuse, and the key whose quotas they count against. */
  tenant: string;
  createdBy?: string;
  /** The request that created the job: its work's model calls carry it. */
  requestId?: string;
}

export function jobContext(
  job: Pick<JobRecord, "spec" | "tenant" | "createdBy" | "requestId">,
  deps: { config: Config; profiles: ProfileRegistry; info: EndpointInfo },
): JobContext {
  const { config, profiles, info } = deps;
  const { profile: name, schema, language, script, ocrModels, alignment } = job.spec;
  const profile = resolveProfile(
    profiles,
    { profile: name, ...(schema === undefined ? {} : { schema }) },
    config.defaultProfile,
  );
  const options = {
    ...(language ? { language } : {}),
    ...(script ? { script } : {}),
    ...(ocrModels ? { ocrModels } : {}),
    ...(alignment ? { alignment } : {}),
  };
  const fingerprint = resultFingerprint({ config, info, profile, options });
  return {
    profile,
    options,
    fingerprint,
    failureKey: failureKey({ tenant: job.tenant, fingerprint }, config),
    tenant: job.tenant,
    ...(job.createdBy === undefined ? {} : { createdBy: job.createdBy }),
    ...(job.requestId === undefined ? {} : { requestId: job.requestId }),
  };
}
