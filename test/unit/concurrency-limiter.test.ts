import { describe, expect, it } from "vitest";
import { Limiter } from "../../src/concurrency/limiter.js";

/** A task that finishes when the test says so. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe("Limiter", () => {
  it("runs at most `limit` tasks at once and starts the waiting ones in arrival order", async () => {
    const limiter = new Limiter(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, index) =>
      limiter.run(async () => {
        started.push(index);
        await g.opened;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);

    gates[1]?.open();
    await runs[1];
    expect(started).toEqual([0, 1, 2]);

    gates[0]?.open();
    await runs[0];
    expect(started).toEqual([0, 1, 2, 3]);

    for (const g of gates) g.open();
    await Promise.all(runs);
  });

  it("releases the slot when a task fails", async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(limiter.run(async () => "next")).resolves.toBe("next");
  });

  it("lets a caller that aborts while queued leave the queue without taking a slot", async () => {
    const limiter = new Limiter(1);
    const busy = gate();
    const first = limiter.run(() => busy.opened);
    const controller = new AbortController();
    const reason = new Error("gave up");
    const abandoned = limiter.run(async () => "never", controller.signal);
    const third = limiter.run(async () => "third");

    controller.abort(reason);
    await expect(abandoned).rejects.toBe(reason);
    busy.open();
    await first;
    await expect(third).resolves.toBe("third");
  });
});
