/**
 * `palimpsest keys` as an operator uses it, against the store a server reads; and `palimpsest serve`
 * running open on loopback (saying so) or refusing a public address without a key.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer } from "../support/auth.js";
import { CLI, runCli } from "../support/cli.js";
import { startHarness } from "../support/harness.js";
import { startTgiTestServer, type TgiTestServer } from "../support/tgi-server.js";

describe("palimpsest keys", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "palimpsest-keys-"));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));
  const keys = (...args: string[]) => runCli(["keys", ...args], { DATA_DIR: dataDir });

  // Six runs of the CLI, each a fresh Node process: seconds each on a busy machine.
  it("creates a key shown once, lists it, and revokes it; the server follows", {
    timeout: 90_000,
  }, async () => {
    const created = await keys(
      "create",
      "--role",
      "submitter",
      "--tenant",
      "archives-lyon",
      "--name",
      "scanner",
    );
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^pal_[0-9a-f]{12}_[\w-]{43}$/);
    const id = key.slice(4, 16);
    expect(created.stderr).toContain(`Created key ${id} (submitter of tenant archives-lyon)`);

    const listed = await keys("list");
    expect(listed.stdout.split("\n")[1]).toMatch(
      new RegExp(`^${id}\\tarchives-lyon\\tsubmitter\\t\\S+\\t-\\tscanner$`),
    );
    expect(listed.stdout).not.toContain(key.slice(17));

    const harness = await startHarness({ env: { DATA_DIR: dataDir } });
    try {
      const jobs = (headers: Record<string, string>) => harness.app.inject({ url: "/v1/jobs", headers });
      expect((await jobs({})).statusCode).toBe(401);
      expect((await jobs(bearer(key))).statusCode).toBe(200);
      const usage = (await harness.app.inject({ url: "/v1/usage", headers: bearer(key) })).json();
      expect(usage).toMatchObject({ tenant: "archives-lyon", key: id });

      expect(await keys("revoke", id)).toMatchObject({ code: 0, stdout: `Revoked key ${id}.\n` });
      expect((await jobs(bearer(key))).statusCode).toBe(401);
    } finally {
      await harness.close();
    }
    expect((await keys("list")).stdout).toMatch(
      new RegExp(`^${id}\\t.*\\t\\d{4}-\\d\\d-\\d\\dT\\S+\\tscanner$`, "m"),
    );
    expect((await keys("revoke", id)).stdout).toBe(`Key ${id} was revoked already.\n`);
  });

  it("refuses a command line it cannot run, with exit code 2", async () => {
    for (const args of [
      ["create", "--role", "owner", "--tenant", "lab"],
      ["create", "--role", "reader", "--tenant", "Not A Name"],
      ["revoke", "000000000000"],
    ]) {
      const run = await keys(...args);
      expect([args.join(" "), run.code, run.stdout]).toEqual([args.join(" "), 2, ""]);
    }
  });
});

describe("palimpsest serve and API keys", () => {
  let server: TgiTestServer;
  let dataDir: string;
  beforeAll(async () => {
    server = await startTgiTestServer();
    dataDir = await mkdtemp(join(tmpdir(), "palimpsest-serve-"));
  });
  afterAll(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const env = (extra: Record<string, string>) => ({
    BLOOM_ENDPOINT_URL: server.url,
    DATA_DIR: dataDir,
    PORT: "0",
    ...extra,
  });

  it("refuses to start on a public address without a key, with exit code 78", async () => {
    const refused = await runCli(["serve"], env({ HOST: "0.0.0.0" }));
    expect(refused.code).toBe(78);
    expect(refused.stderr).toMatch(/^Invalid configuration: AUTH: HOST=0\.0\.0\.0 is not a loopback address/);
    expect(refused.stderr).toContain("palimpsest keys create");
  });

  it("runs open on loopback with no key, and says so loudly in its log", async () => {
    const child = spawn(process.execPath, [...CLI, "serve"], {
      env: { ...process.env, ...env({ HOST: "127.0.0.1", LOG_LEVEL: "info" }) },
    });
    let log = "";
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes("Palimpsest is ready")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${log}`)));
    });
    try {
      await ready;
    } finally {
      child.kill("SIGTERM");
    }
    const warning = log.split("\n").find((line) => line.includes("AUTHENTICATION IS OFF"));
    expect(JSON.parse(warning ?? "{}")).toMatchObject({ level: 40, auth: "auto", host: "127.0.0.1" });
  });
});
