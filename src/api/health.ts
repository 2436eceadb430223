/**
 * Liveness (the process answers, with how late its event loop has run) and readiness (the model server answers now: TGI's /health or an
 * OpenAI-compatible /v1/models; its limits, read once from /info or /v1/models, come with the answer).
 */
import type { FastifyInstance } from "fastify";
import type { Authenticator } from "../auth/authenticator.js";
import { modelServerName } from "../endpoint/where.js";
import { isPalimpsestError, PalimpsestError } from "../errors.js";
import type { EventLoopWatchdog } from "../event-loop-watchdog.js";
import type { Services } from "../services.js";

export async function healthRoutes(
  app: FastifyInstance,
  services: Services,
  authenticator: Authenticator,
  watchdog: EventLoopWatchdog,
): Promise<void> {
  app.get(
    "/health",
    {
      schema: {
        description:
          "The process is alive. `eventLoop` gives how late its event loop ran (milliseconds): median, 99th percentile and worst since start, and worst of the last second.",
        tags: ["health"],
      },
    },
    async () => ({ status: "ok", eventLoop: watchdog.figures() }),
  );

  app.get(
    "/ready",
    {
      schema: {
        description:
          "The model server answers now (TGI's GET /health, or GET /v1/models on an OpenAI-compatible server; one short attempt, never retried) and its limits are read: 200 with them, else 503 NOT_READY saying why. Once API keys are asked for, it tells only the limits (not which server or model, nor why it is not ready).",
        tags: ["health"],
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
          status: "ready",
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
