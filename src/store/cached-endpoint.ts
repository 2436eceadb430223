/**
 * The model-response cache: a decorator of the model-server port that answers a generate() it has seen
 * before (same model, same prompt, same parameters) from the store, without calling the server. BLOOM is
 * asked with greedy decoding, so the same request gives the same answer: a re-run of an unchanged batch,
 * or of a document interrupted half-way, costs no model call for what was already answered.
 */
import { createHash } from "node:crypto";
import type { GenerateRequest, GenerateResult, LlmEndpoint } from "../endpoint/port.js";
import type { Store } from "./port.js";

/** Told where each answer came from, e.g. to count a task's model calls. */
export type AnswerSource = (from: "cache" | "server") => void;

type CachedResult = Omit<GenerateResult, "attempts">;

export function withResponseCache(
  endpoint: LlmEndpoint,
  store: Store,
  answered: AnswerSource = () => {},
  now: () => number = Date.now,
): LlmEndpoint {
  return {
    info: () => endpoint.info(),
    countTokens: (text) => endpoint.countTokens(text),
    probe: (signal) => endpoint.probe(signal),
    async generate(request) {
      const info = await endpoint.info();
      const key = responseKey(`${info.kind} ${info.modelId}`, request);
      const cached = await store.getCachedResponse(key);
      if (cached !== undefined) {
        answered("cache");
        return { ...(JSON.parse(cached) as CachedResult), attempts: 1 };
      }
      const result = await endpoint.generate(request);
      answered("server");
      const { attempts: _attempts, ...answer } = result;
      await store.putCachedResponse(key, JSON.stringify(answer), now());
      return result;
    },
  };
}

/** Everything that decides the answer: the model, the prompt and the generation parameters. */
export function responseKey(model: string, request: GenerateRequest): string {
  const parameters = [request.maxNewTokens, request.schema ?? null, request.stop ?? []];
  return createHash("sha256")
    .update(JSON.stringify([model, request.prompt, parameters]))
    .digest("hex");
}
