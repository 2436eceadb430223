/** Liveness (the process answers) and readiness (the model server answers /info or /v1/models). */
import type { FastifyInstance } from "fastify";
import { isPalimpsestError, PalimpsestError } from "../errors.js";
import type { Services } from "../services.js";

export async function healthRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get("/health", { schema: { description: "The process is alive.", tags: ["health"] } }, async () => ({
    status: "ok",
  }));

  app.get(
    "/ready",
    { schema: { description: "The model server is reachable and its limits are read.", tags: ["health"] } },
    async () => {
      try {
        const info = await services.endpoint.info();
        return { status: "ready", endpoint: info };
      } catch (error) {
        const reason = isPalimpsestError(error) ? error.message : String(error);
        throw new PalimpsestError(
          "NOT_READY",
          `The model server at ${services.config.endpointUrl} is not ready: ${reason}`,
        );
      }
    },
  );
}
