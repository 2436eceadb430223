/**
 * BLOOM_SERVER=auto: the protocol is whichever answers first, TGI's `GET /info` (native generation with a
 * grammar) before an OpenAI-compatible `GET /v1/models`. Detection runs on first use and is kept once it
 * succeeds.
 */
import type { BaseLogger } from "pino";
import { isPalimpsestError, PalimpsestError } from "../errors.js";
import { onceSuccessful } from "./once.js";
import type { LlmEndpoint } from "./port.js";

/**
 * True when a call failed because the server does not speak the adapter's protocol: no such route, or an
 * answer of another shape. Anything else (refused connection, 401 without HF_TOKEN, a server still loading)
 * is the real problem and is reported as it is.
 */
function anotherProtocol(error: unknown): boolean {
  if (!isPalimpsestError(error)) return false;
  const status = error.details?.upstreamStatus;
  return error.code === "ENDPOINT_BAD_RESPONSE" || status === 404 || status === 405;
}

/** True when the adapter's info() works, false when the server does not speak its protocol. */
async function speaks(endpoint: LlmEndpoint): Promise<boolean> {
  try {
    await endpoint.info();
    return true;
  } catch (error) {
    if (anotherProtocol(error)) return false;
    throw error;
  }
}

export function detectServer(
  tgi: LlmEndpoint,
  openai: LlmEndpoint,
  where: string,
  logger: Pick<BaseLogger, "info">,
): LlmEndpoint {
  let chosen: LlmEndpoint | undefined;
  const detected = onceSuccessful(async () => {
    const endpoint = (await speaks(tgi)) ? tgi : (await speaks(openai)) ? openai : undefined;
    if (endpoint === undefined)
      throw new PalimpsestError(
        "ENDPOINT_UNREACHABLE",
        `No model server protocol answered at ${where}: neither TGI's GET /info nor an OpenAI-compatible GET /v1/models. Check BLOOM_ENDPOINT_URL (or set BLOOM_SERVER).`,
      );
    logger.info({ kind: (await endpoint.info()).kind }, "model server detected");
    chosen = endpoint;
    return endpoint;
  });
  return {
    info: async () => (await detected()).info(),
    countTokens: async (text) => (await detected()).countTokens(text),
    generate: async (request) => (await detected()).generate(request),
    // Detection retries, and a probe must not wait out retries: until detection has succeeded, the probe
    // is TGI's, or the OpenAI-compatible one where the server has no TGI route.
    probe: async (signal) => {
      if (chosen) return chosen.probe(signal);
      try {
        await tgi.probe(signal);
      } catch (error) {
        if (!anotherProtocol(error)) throw error;
        await openai.probe(signal);
      }
    },
  };
}
