/**
 * What makes two results of one document interchangeable: the same model, profile, prompts, pipeline
 * settings and Palimpsest version. A stored result whose fingerprint matches is reused as it is; any
 * change (a new profile version, another model, a reworded prompt, another OCR setting) means a new run,
 * whose model calls the response cache still answers where the prompts did not change.
 */
import { createHash } from "node:crypto";
import { type Config, SETTINGS } from "../config.js";
import type { EndpointInfo } from "../endpoint/port.js";
import { packageVersion } from "../package-info.js";
import { buildPrompt } from "../pipeline/extract/prompt.js";
import { PROMPT_MESSAGES } from "../pipeline/extract/prompt-messages.js";
import type { Profile } from "../profiles/profile.js";

export function resultFingerprint(input: {
  config: Config;
  info: EndpointInfo;
  profile: Profile;
  /** The job's pipeline options (language, script, OCR models, alignment policy). */
  options: object;
}): string {
  const { config, info, profile, options } = input;
  // Settings marked as changing results (config.ts): limits, addresses and credentials leave results as they are.
  const settings = Object.entries(config).filter(([key]) => SETTINGS[key as keyof Config].affectsResults);
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
