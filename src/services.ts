/**
 * What the server, the CLI and the tests share: configuration, logger, model endpoint and profiles.
 */
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { createEndpoint, type EndpointDeps } from "./endpoint/create-endpoint.js";
import type { LlmEndpoint } from "./endpoint/port.js";
import { loadProfiles, type ProfileRegistry } from "./profiles/registry.js";

export interface Services {
  config: Config;
  logger: Logger;
  endpoint: LlmEndpoint;
  profiles: ProfileRegistry;
}

export async function createServices(
  config: Config,
  logger: Logger,
  endpointDeps: Omit<EndpointDeps, "logger"> = {},
): Promise<Services> {
  const profiles = await loadProfiles(config.profilesDir ? [config.profilesDir] : []);
  const endpoint = createEndpoint(config, { logger, ...endpointDeps });
  return { config, logger, endpoint, profiles };
}
