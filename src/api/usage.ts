/** GET /v1/usage: the caller's quotas and what it has used of them (see auth/quotas.ts). */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { usageOf } from "../auth/quotas.js";
import { refTo } from "../schemas/builders.js";
import { Usage } from "../schemas/usage.js";
import type { Services } from "../services.js";
import { caller } from "./plugins/authentication.js";

export async function usageRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    "/v1/usage",
    {
      config: { access: "reader" },
      schema: {
        operationId: "getUsage",
        tags: ["session"],
        summary:
          "The key's quotas and usage: requests per minute, jobs at once, stored bytes, OCR pages today",
        description: "A limit of 0 means none (as in open mode, where no key is used).",
        response: { 200: refTo(Usage) },
      },
    },
    async (request) => usageOf(services.store, services.config, caller(request)),
  );
}
