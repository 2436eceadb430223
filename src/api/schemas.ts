/** GET /v1/schemas and /v1/schemas/:name: the extraction profiles this service knows. */
import type { FastifyInstance } from "fastify";
import type { Profile } from "../profiles/profile.js";
import type { Services } from "../services.js";

const summary = (profile: Profile) => ({
  name: profile.name,
  title: profile.title,
  description: profile.description,
  version: profile.version,
  types: profile.itemTypes,
  verbatim: profile.verbatimPaths,
});

export async function schemaRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get(
    "/v1/schemas",
    { config: { access: "reader" }, schema: { tags: ["profiles"], summary: "List extraction profiles" } },
    async () => ({
      default: services.config.defaultProfile,
      profiles: services.profiles.list().map(summary),
    }),
  );

  app.get<{ Params: { name: string } }>(
    "/v1/schemas/:name",
    {
      config: { access: "reader" },
      schema: {
        tags: ["profiles"],
        summary: "One extraction profile with its JSON Schema",
        params: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
      },
    },
    async (request) => {
      const profile = services.profiles.get(request.params.name);
      return { ...summary(profile), schema: profile.schema, examples: profile.examples };
    },
  );
}
