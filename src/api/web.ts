/**
 * The review front end (web/, built by `npm run build` into dist/web), served at `/` by this process.
 * Without a build (tests, a fresh checkout) `/` says how to make one rather than failing to start.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { packageRoot } from "../package-info.js";

export async function webRoutes(
  app: FastifyInstance,
  root = join(packageRoot(), "dist", "web"),
): Promise<void> {
  if (!existsSync(join(root, "index.html"))) {
    app.get("/", { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type("text/plain; charset=utf-8")
        .send(
          "The review page is not built: run `npm run build`, then reload. The API is at /v1 and its documentation at /docs.",
        ),
    );
    return;
  }
  // wildcard: false registers the files present at start, so unknown paths keep the API's 404 answer.
  await app.register(fastifyStatic, { root, prefix: "/", wildcard: false, schemaHide: true });
}
