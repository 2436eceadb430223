/**
 * Liveness (the process answers, with how late its event loop has run) and readiness (the model server answers now: TGI's /health or an
 * OpenAI-compatible /v1/models; its limits, read once from /info or /v1/models, come with the answer).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import type { Authenticator } from "../auth/authenticator.js";
import { modelServerName } from "../endpoint/where.js";
import { isPalimpsestError, PalimpsestError } from "../errors.js";
import type { EventLoopWatchdog } from "../event-loop-watchdog.js";
import { refTo } from "../schemas/builders.js";
import { Health, Ready } from "../schemas/health.js";
import type { Services } from "../services.js";

export async function healthRoutes(
  fastify: FastifyInstance,
  services: Services,
  authenticator: Authenticator,
  watchdog: EventLoopWatchdog,
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    "/health",
    {
      schema: {
        operationId: "getHealth",
        summary: "The process is alive, and how late its event loop runs",
        description:
          "The process is alive. `eventLoop` gives how late its event loop ran (milliseconds): median, 99th percentile and worst since start, and worst of the last second.",
        tags: ["health"],
        response: { 200: refTo(Health) },
      },
    },
    async () => ({ status: "ok" as const, eventLoop: watchdog.figures() }),
  );

  app.get(
    "/ready",
    {
      schema: {
        operationId: "getReady",
        summary: "The model server answers now: readiness, with its limits",
        description:
          "The model server answers now (TGI's GET /health, or GET /v1/models on an OpenAI-compatible server; one short attempt, never retried) and its limits are read: 200 with them, else 503 NOT_READY saying why. Once API keys are asked for, it tells only the limits (not which server or model, nor why it is not ready).",
        tags: ["health"],
        response: { 200: refTo(Ready) },
        errorCodes: ["NOT_READY"],
      },
    },
    async () => {
      // It needs no key (probes have none): with keys asked for, it tells no more than the limits.
      const full = (await authenticator.mode()) === "open";
      try {
        // info() is read once and kept, so on its own it would say "ready" long after the server went away.
        await services.endpoint.probe();
        const info = await services.endpoint.info();
        const { maxInputTokens, maxTotalTokens, maxConcurrentRequests } = info;
        return {
          status: "ready" as const,
          endpoint: full ? info : { maxInputTokens, maxTotalTokens, maxConcurrentRequests },
        };
      } catch (error) {
        if (!full) throw new PalimpsestError("NOT_READY", "The model server is not ready.");
        const reason = isPalimpsestError(error) ? error.message : String(error);
        throw new PalimpsestError(
          "NOT_READY",
          `The model server ${modelServerName(services.config)} is not ready: ${reason}`,
        );
      }
    },
  );
}
