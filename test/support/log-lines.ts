/** A pino destination that keeps the lines a test logs, parsed, so the test can wait for one. */
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

export function logLines() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return {
    stream,
    lines,
    /** The first line with this message, once it is logged. */
    async line(msg: string): Promise<Record<string, unknown>> {
      for (;;) {
        const found = lines.find((line) => line.msg === msg);
        if (found) return found;
        await sleep(20);
      }
    },
  };
}
