/**
 * Many parallel large uploads against the running service, as a hostile client (or a crowd) sends
 * them: CLIENTS clients at once each upload a document of SIZE_MB MiB (each one different bytes) to
 * POST /v1/documents as the raw body, and send it again after the Retry-After of a 503, until it is
 * taken. Meanwhile /health is asked every 100 ms. Prints the service's peak memory (VmHWM) and its
 * memory at rest, /health latency (median, p99, worst), uploads taken and refused, and the time it took.
 *
 * The service is the built `palimpsest serve` in a child process (its own DATA_DIR, a TGI test
 * server in this process). The documents are junk behind a PNG signature, which jobs refuse at once as
 * damaged (CORRUPT_DOCUMENT): the figures are those of receiving and storing uploads, not of reading
 * documents.
 *
 *   npx tsx bench/hostile-uploads.ts                   CLIENTS=50 SIZE_MB=48 FORM=raw by default
 *   FORM=multipart | FORM=json                         the file as a multipart field, or as JSON {"text": ...}
 *                                                      (with an unknown profile: parsed, then refused with 404)
 *   MAX_UPLOAD_BYTES_IN_FLIGHT=1099511627776 npx tsx bench/hostile-uploads.ts   (no limit on bytes in flight)
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../test/support/free-port.js";
import { startTgiTestServer } from "../test/support/tgi-server.js";
import { memoryOf, percentile, startService, watchHealth } from "./support/service.js";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
/** The built command, as users run it (the bench builds it first). */
const CLI = ["dist/src/cli/main.js"];
const CLIENTS = env("CLIENTS", 50);
const SIZE = env("SIZE_MB", 48) * 1024 * 1024;
const CHUNK = 64 * 1024;
/** Filler shared by all uploads (random, so nothing compresses it); each upload starts with its own bytes. */
const FILLER = randomBytes(CHUNK);
/** Hexadecimal digits, for a JSON string. */
const HEX_FILLER = Buffer.from(FILLER.toString("hex").slice(0, CHUNK));
/** A PNG signature before junk: a damaged image, which a job refuses without decoding it in JavaScript. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** raw (the file as the body), multipart (field `file`) or json (`{"text": ...}`). */
const FORM = process.env.FORM ?? "raw";

interface Form {
  type: string;
  /** The body is `head`, filler up to SIZE bytes, then `tail`. */
  head: Buffer;
  fill: Buffer;
  tail: Buffer;
}

/** One upload in the form asked for, starting with its own name so that every one is different. */
function form(name: string): Form {
  const document = Buffer.concat([PNG_SIGNATURE, Buffer.from(name)]);
  if (FORM === "json") {
    // An unknown profile: the body is parsed, then refused, so only receiving it costs.
    const head = Buffer.from(`{"profile":"no-such-profile","text":"${name}`);
    return { type: "application/json", head, fill: HEX_FILLER, tail: Buffer.from('"}') };
  }
  if (FORM === "multipart") {
    const boundary = `bench-${randomBytes(16).toString("hex")}`;
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}.png"\r\nContent-Type: image/png\r\n\r\n`;
    return {
      type: `multipart/form-data; boundary=${boundary}`,
      head: Buffer.concat([Buffer.from(head), document]),
      fill: FILLER,
      tail: Buffer.from(`\r\n--${boundary}--\r\n`),
    };
  }
  return { type: "application/octet-stream", head: document, fill: FILLER, tail: Buffer.alloc(0) };
}

/** The body, streamed as it is sent. */
function body({ head, fill, tail }: Form): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= SIZE) return void this.push(sent++ === SIZE ? tail : null);
      const chunk = sent === 0 ? Buffer.concat([head, fill]) : fill;
      const part = chunk.subarray(0, Math.min(CHUNK, SIZE - sent));
      sent += part.length;
      this.push(part);
    },
  });
}

/** Sends the upload once: its status, and the Retry-After of a 503 (the rest of the body is not sent). */
function post(port: number, name: string): Promise<{ status: number; retryAfter: number }> {
  return new Promise((resolve, reject) => {
    const upload = form(name);
    const source = body(upload);
    const req = request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: `/v1/documents?filename=${name}.png`,
      headers: { "content-type": upload.type, "content-length": SIZE + upload.tail.length },
    });
    req.on("response", (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      const retryAfter = Number(response.headers["retry-after"] ?? 1);
      if (status === 503) {
        source.unpipe(req);
        req.destroy();
      }
      response.on("end", () => resolve({ status, retryAfter }));
      response.on("error", () => resolve({ status, retryAfter }));
    });
    req.on("error", (error) => {
      // A 503 answered before the body was sent: the connection is closed under the rest of it.
      if (req.destroyed) return;
      reject(error);
    });
    source.pipe(req);
  });
}

async function upload(port: number, name: string, tally: { taken: number; busy: number; other: number }) {
  for (;;) {
    const { status, retryAfter } = await post(port, name);
    if (status === 202 || (FORM === "json" && status === 404)) return void tally.taken++;
    if (status !== 503) return void tally.other++;
    tally.busy++;
    await sleep(retryAfter * 1000);
  }
}

/** /health every 100 ms until stopped: each answer's latency, in ms. */
async function main() {
  execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
  const model = await startTgiTestServer({ respond: () => '{"entities":[]}' });
  const dataDir = await mkdtemp(join(tmpdir(), "bench-uploads-"));
  const port = await freePort();
  const service = await startService(CLI, port, dataDir, model.url);
  try {
    await sleep(1000);
    const rest = memoryOf(service.pid as number);
    let peak = rest?.rssMiB ?? 0;
    const sampler = setInterval(() => {
      const memory = memoryOf(service.pid as number);
      if (memory) peak = Math.max(peak, memory.hwmMiB);
    }, 100);
    const health = watchHealth(port, 100);
    const tally = { taken: 0, busy: 0, other: 0 };
    const started = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, (_, n) => upload(port, `upload-${n}`, tally)));
    const seconds = (performance.now() - started) / 1000;
    // The jobs refuse the documents: their reading (the whole document in memory) counts too.
    await sleep(3000);
    const latencies = await health.stop();
    clearInterval(sampler);
    const limit = process.env.MAX_UPLOAD_BYTES_IN_FLIGHT ?? "268435456 (default)";
    console.log(
      `\n${CLIENTS} clients, ${SIZE / 1024 / 1024} MiB each, ${FORM}, MAX_UPLOAD_BYTES_IN_FLIGHT=${limit}`,
    );
    console.log(
      "| uploads taken | 503 UPLOADS_BUSY | other answers | seconds | memory at rest | peak memory (VmHWM) | /health median | p99 | worst | answers over 1 s |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|---|");
    console.log(
      `| ${tally.taken} | ${tally.busy} | ${tally.other} | ${seconds.toFixed(1)} | ${rest?.rssMiB.toFixed(0)} MiB | ${peak.toFixed(0)} MiB | ${percentile(latencies, 0.5).toFixed(1)} ms | ${percentile(latencies, 0.99).toFixed(1)} ms | ${Math.max(...latencies).toFixed(0)} ms | ${latencies.filter((ms) => ms > 1000).length} of ${latencies.length} |`,
    );
  } finally {
    service.kill("SIGTERM");
    await new Promise((resolve) => service.once("exit", resolve));
    await model.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
