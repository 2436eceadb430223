/** OpenAPI description of the API, generated from the route schemas and served at /docs. */
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { relaxStyles } from "./plugins/security-headers.js";

export async function registerDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: "Palimpsest",
        version,
        description:
          "Schema-valid, source-grounded entities from historical documents, extracted with BLOOM.",
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs", transformStaticCSP: relaxStyles });
}
