/**
 * Work follows its requester: a client that leaves POST /v1/extract before its answer takes its
 * document's work with it. The model calls in flight are cancelled (the model server sees their
 * connections close) and those waiting for their turn never reach the server.
 */
import { request as httpRequest } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";
import { logLines } from "../support/log-lines.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const letter = (n: number) =>
  `Lettre ${n}. Monsieur, j'ai reçu la vôtre du mois dernier et je vous remercie des nouvelles de Bordeaux. ` +
  "Les affaires vont lentement en cette saison ; les vins de la dernière récolte sont de bonne qualité, " +
  "mais les routes sont mauvaises et les voitures arrivent tard.";

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(20);
}

describe("POST /v1/extract, client gone", () => {
  it("cancels the model calls in flight and withdraws the queued ones", { timeout: 20_000 }, async () => {
    const log = logLines();
    harness = await startHarness({
      server: { respond: lexiconModel([{ type: "place", text: "Bordeaux" }]) },
      env: { MODEL_CONCURRENCY: "2" },
      log: log.stream,
    });
    const { server } = harness;
    const generations = () => server.received.filter((r) => r.path === "/" || r.path === "/generate").length;
    // The first two calls are never answered: they stay in flight until their client gives up.
    server.failNext({ hang: true }, { hang: true });
    const address = new URL(await harness.app.listen({ port: 0, host: "127.0.0.1" }));
    const text = Array.from({ length: 120 }, (_, n) => letter(n)).join("\n\n");

    const client = httpRequest({
      host: "127.0.0.1",
      port: Number(address.port),
      method: "POST",
      path: "/v1/extract",
      headers: { "content-type": "application/json" },
    });
    client.on("error", () => {});
    client.end(JSON.stringify({ text }));
    await until(() => generations() === 2 && server.inFlight === 2);
    client.destroy();

    await log.line("the client went away: its extraction was stopped");
    await until(() => server.inFlight === 0);
    // The document had many more chunks; none of them was asked for once the client had left.
    expect(generations()).toBe(2);
  });
});
