/**
 * BLOOM_SERVER=auto with a BLOOM_ENDPOINT_URL: the protocol is the first of an ordered list of candidates
 * whose limits route answers in its own shape (create-endpoint.ts gives the list). Detection runs on first
 * use and is kept once it succeeds.
 */
import type { BaseLogger } from "pino";
import { isPalimpsestError, PalimpsestError } from "../errors.js";
import { onceSuccessful } from "./once.js";
import type { LlmEndpoint } from "./port.js";

export interface Candidate {
  endpoint: LlmEndpoint;
  /** The route its info() reads, named for the message when nothing answers: "TGI's GET /info". */
  route: string;
}

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
  candidates: readonly Candidate[],
  where: string,
  logger: Pick<BaseLogger, "info">,
): LlmEndpoint {
  let chosen: LlmEndpoint | undefined;
  const detected = onceSuccessful(async () => {
    for (const { endpoint } of candidates) {
      if (!(await speaks(endpoint))) continue;
      logger.info({ kind: (await endpoint.info()).kind }, "model server detected");
      chosen = endpoint;
      return endpoint;
    }
    throw new PalimpsestError(
      "ENDPOINT_UNREACHABLE",
      `No model server protocol answered at ${where}: none of ${candidates.map((c) => c.route).join(", ")}. Check BLOOM_ENDPOINT_URL (or set BLOOM_SERVER).`,
    );
  });
  return {
    info: async () => (await detected()).info(),
    countTokens: async (text) => (await detected()).countTokens(text),
    generate: async (request) => (await detected()).generate(request),
    // Detection retries, and a probe must not wait out retries: until detection has succeeded, the probe is
    // the first candidate's whose route the server has.
    probe: async (signal) => {
      if (chosen) return chosen.probe(signal);
      let unanswered: unknown;
      for (const { endpoint } of candidates) {
        try {
          return await endpoint.probe(signal);
        } catch (error) {
          if (!anotherProtocol(error)) throw error;
          unanswered = error;
        }
      }
      throw unanswered;
    },
  };
}
