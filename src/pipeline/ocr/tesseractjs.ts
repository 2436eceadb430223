/**
 * tesseract.js 7 (WebAssembly, in worker threads): the engine that needs nothing installed. It
 * reads models only from the folder assembled under DATA_DIR (never from its CDN), and keeps its
 * workers across pages and documents, one per set of models, up to the pool size.
 *
 * Failures stay contained: every worker has an errorHandler (without one, a worker error is thrown
 * from a message callback and kills the process), and a worker whose page is aborted (timeout,
 * document cancelled) is terminated and replaced, since it may be stuck in WebAssembly. Idle
 * workers do not keep the process alive, so the CLI exits once its documents are done.
 */
import { createRequire } from "node:module";
import type { Worker as ThreadWorker } from "node:worker_threads";
import Tesseract from "tesseract.js";
import { Limiter } from "../../concurrency/limiter.js";
import type { Log } from "../../logger.js";
import type { OcrEngine } from "./port.js";
import type { Tessdata } from "./tessdata.js";

interface Pooled {
  worker: Tesseract.Worker;
  key: string;
  busy: boolean;
}

export interface TesseractJsOptions {
  tessdata: Tessdata;
  /** Most workers alive at once (each takes 150-300 MiB). */
  maxWorkers: number;
  log: Log;
}

function tesseractJsVersion(): string {
  const require = createRequire(import.meta.url);
  return (require("tesseract.js/package.json") as { version: string }).version;
}

export function createTesseractJsEngine({ tessdata, maxWorkers, log }: TesseractJsOptions): OcrEngine {
  const pool: Pooled[] = [];
  const limiter = new Limiter(maxWorkers);

  async function start(models: readonly string[]): Promise<Pooled> {
    await tessdata.prepare(models);
    const worker = await Tesseract.createWorker([...models], Tesseract.OEM.LSTM_ONLY, {
      langPath: tessdata.langPath,
      cachePath: tessdata.cachePath,
      gzip: true,
      logger: () => {},
      errorHandler: (error: unknown) => log.warn({ error: String(error) }, "tesseract.js worker error"),
    });
    return { worker, key: models.join("+"), busy: false };
  }

  async function take(models: readonly string[]): Promise<Pooled> {
    const key = models.join("+");
    const idle = pool.find((entry) => !entry.busy && entry.key === key);
    if (idle) {
      idle.busy = true;
      return idle;
    }
    // The limiter guarantees a free place; an idle worker for other models gives its place up.
    if (pool.length >= maxWorkers) {
      const other = pool.find((entry) => !entry.busy);
      if (other) await discard(other);
    }
    const entry = await start(models);
    entry.busy = true;
    pool.push(entry);
    return entry;
  }

  async function discard(entry: Pooled): Promise<void> {
    const at = pool.indexOf(entry);
    if (at === -1) return;
    pool.splice(at, 1);
    await entry.worker.terminate();
  }

  async function recognize(image: Uint8Array, models: readonly string[], signal: AbortSignal) {
    signal.throwIfAborted();
    const abort = rejectOnAbort(signal);
    const taking = take(models);
    let entry: Pooled;
    try {
      entry = await Promise.race([taking, abort.promise]);
    } catch (error) {
      // A worker still starting when the page was given up must not be left running.
      taking.then(discard, () => {});
      abort.dispose();
      throw error;
    }
    const thread = threadOf(entry.worker);
    thread?.ref();
    try {
      const job = entry.worker.recognize(Buffer.from(image), {}, { hocr: true, text: false });
      const { data } = await Promise.race([job, abort.promise]);
      if (data.hocr === null) throw new Error("tesseract.js returned no hOCR");
      return data.hocr;
    } catch (error) {
      // Stuck or broken: this worker is not reused.
      await discard(entry).catch(() => {});
      throw error;
    } finally {
      abort.dispose();
      entry.busy = false;
      thread?.unref();
    }
  }

  return {
    name: `tesseract.js ${tesseractJsVersion()}`,
    models: tessdata.models,
    recognize: (image, models, signal) => limiter.run(() => recognize(image, models, signal), signal),
    async close() {
      await Promise.all([...pool].map((entry) => discard(entry)));
    },
  };
}

function rejectOnAbort(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let onAbort = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  // Nobody may be awaiting it when the signal fires after the page is done.
  promise.catch(() => {});
  return { promise, dispose: () => signal.removeEventListener("abort", onAbort) };
}

/** The worker thread behind a tesseract.js worker (its `worker` field, absent from the typings). */
function threadOf(worker: Tesseract.Worker): ThreadWorker | undefined {
  return (worker as unknown as { worker?: ThreadWorker | null }).worker ?? undefined;
}
