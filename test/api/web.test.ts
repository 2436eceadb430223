import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { webRoutes } from "../../src/api/web.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function appWith(root: string) {
  const app = Fastify();
  await webRoutes(app, root);
  return app;
}

describe("the review front end at /", () => {
  it("says how to build it when dist/web is missing, and the server still starts", async () => {
    const app = await appWith(join(tmpdir(), "palimpsest-no-such-web-build"));
    const response = await app.inject({ url: "/" });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("npm run build");
    await app.close();
  });

  it("serves the built index at / and leaves other paths to the API's 404", async () => {
    const root = await mkdtemp(join(tmpdir(), "palimpsest-web-"));
    dirs.push(root);
    await writeFile(join(root, "index.html"), "<!doctype html><title>Palimpsest review</title>");
    const app = await appWith(root);
    const index = await app.inject({ url: "/" });
    expect(index.statusCode).toBe(200);
    expect(index.headers["content-type"]).toContain("text/html");
    expect(index.body).toContain("Palimpsest review");
    expect((await app.inject({ url: "/v1/nothing-here" })).statusCode).toBe(404);
    await app.close();
  });
});
