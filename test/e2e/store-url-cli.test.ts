/** STORE_URL as an operator meets it: a database that cannot be reached stops start-up, named. */

import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

/** A port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("palimpsest with STORE_URL", () => {
  it("exits 78 naming STORE_URL and the server when the database cannot be reached, without the password", async () => {
    const port = await closedPort();
    const result = await runCli(["serve"], {
      STORE_URL: `postgres://palimpsest:s3cret-pass@127.0.0.1:${port}/palimpsest`,
      DATA_DIR: await mkdtemp(join(tmpdir(), "palimpsest-store-url-")),
      BLOOM_ENDPOINT_URL: "http://127.0.0.1:9",
      PORT: "0",
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain("STORE_URL");
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.stderr).toMatch(/ECONNREFUSED/);
    expect(`${result.stdout}${result.stderr}`).not.toContain("s3cret-pass");
  });

  it("exits 78 for a STORE_URL that is not a postgres:// URL, without repeating it", async () => {
    const result = await runCli(["keys", "list"], { STORE_URL: "mysql://root:hunter2@db/palimpsest" });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain("STORE_URL");
    expect(result.stderr).not.toContain("hunter2");
  });
});
