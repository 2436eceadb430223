/** The fair gate: model calls of several jobs take turns, whatever order they were queued in. */
import { describe, expect, it } from "vitest";
import { FairGate } from "../../src/concurrency/fair-gate.js";

/** A call that finishes when told, recording when it started. */
function controllable(started: string[], name: string) {
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    run: async () => {
      started.push(name);
      await done;
    },
    finish: () => finish(),
  };
}

describe("FairGate", () => {
  it("serves jobs in turn: a single call of a new job waits for one call of the big one, not its backlog", async () => {
    const gate = new FairGate(() => 1);
    const started: string[] = [];
    const big = Array.from({ length: 5 }, (_, i) => controllable(started, `big${i}`));
    const small = controllable(started, "small");
    const runs = big.map((call) => gate.run("big", call.run));
    runs.push(gate.run("small", small.run));
    for (const call of [big[0], big[1], small, big[2], big[3], big[4]]) {
      await new Promise((resolve) => setImmediate(resolve));
      call?.finish();
    }
    await Promise.all(runs);
    expect(started).toEqual(["big0", "big1", "small", "big2", "big3", "big4"]);
  });

  it("alternates between jobs that both have a backlog, and never exceeds its width", async () => {
    let active = 0;
    let most = 0;
    const order: string[] = [];
    const gate = new FairGate(() => 2);
    const call = (key: string) =>
      gate.run(key, async () => {
        order.push(key);
        most = Math.max(most, ++active);
        await new Promise((resolve) => setTimeout(resolve, 1));
        active--;
      });
    await Promise.all([
      ...Array.from({ length: 6 }, () => call("a")),
      ...Array.from({ length: 3 }, () => call("b")),
    ]);
    expect(most).toBe(2);
    // Two slots taken by a's first calls; then, a having started to wait first, a and b take turns.
    expect(order).toEqual(["a", "a", "a", "b", "a", "b", "a", "b", "a"]);
  });

  it("lets a waiting call that is aborted leave the line without taking a slot", async () => {
    const gate = new FairGate(() => 1);
    const started: string[] = [];
    const first = controllable(started, "first");
    const running = gate.run("a", first.run);
    const controller = new AbortController();
    const aborted = gate.run("b", async () => started.push("aborted"), controller.signal);
    const last = gate.run("c", async () => {
      started.push("last");
    });
    controller.abort(new Error("gave up"));
    await expect(aborted).rejects.toThrow("gave up");
    first.finish();
    await Promise.all([running, last]);
    expect(started).toEqual(["first", "last"]);
  });
});
