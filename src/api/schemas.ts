/** GET /v1/schemas and /v1/schemas/:name: the extraction profiles this service knows. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import type { Profile } from "../profiles/profile.js";
import { refTo } from "../schemas/builders.js";
import { ProfileList, Profile as ProfileSchema } from "../schemas/profile.js";
import { NameParams } from "../schemas/requests.js";
import type { Services } from "../services.js";

const summary = (profile: Profile) => ({
  name: profile.name,
  title: profile.title,
  description: profile.description,
  version: profile.version,
  types: profile.itemTypes,
  verbatim: profile.verbatimPaths,
});

export async function schemaRoutes(fastify: FastifyInstance, services: Services): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    "/v1/schemas",
    {
      config: { access: "reader" },
      schema: {
        operationId: "listProfiles",
        tags: ["profiles"],
        summary: "List extraction profiles",
        response: { 200: refTo(ProfileList) },
      },
    },
    async () => ({
      default: services.config.defaultProfile,
      profiles: services.profiles.list().map(summary),
    }),
  );

  app.get(
    "/v1/schemas/:name",
    {
      config: { access: "reader" },
      schema: {
        operationId: "getProfile",
        tags: ["profiles"],
        summary: "One extraction profile with its JSON Schema",
        params: NameParams,
        response: { 200: refTo(ProfileSchema) },
        errorCodes: ["UNKNOWN_PROFILE"],
      },
    },
    async (request) => {
      const profile = services.profiles.get(request.params.name);
      return { ...summary(profile), schema: profile.schema, examples: profile.examples };
    },
  );
}
