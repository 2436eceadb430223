/**
 * tesseract.js 7 (WebAssembly, in worker threads): the engine that needs nothing installed. It
 * reads models only from the folder assembled under DATA_DIR (never from its CDN), and keeps its
 * workers across pages and documents, one per set of models, up to the pool size, plus one worker of
 * tesseract's legacy engine for orientation detection (its `osd` model comes with the npm packages).
 *
 * Failures stay contained: every worker has an errorHandler (without one, a worker error is thrown
 * from a message callback and kills the process), and a worker whose page is aborted (timeout,
 * document cancelled) is terminated and replaced, since it may be stuck in WebAssembly. Idle
 * workers do not keep the process alive, so the CLI exits once its documents are done.
 */
import { createRequire } from "node:module";
import type { Worker as ThreadWorker } from "node:worker_threads";
import sharp from "sharp";
import Tesseract from "tesseract.js";
import { Limiter } from "../../concurrency/limiter.js";
import type { Log } from "../../logger.js";
import { QUARTER_TURNS, type QuarterTurn } from "./page-geometry.js";
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

const OSD_MODEL = "osd";

export function createTesseractJsEngine({ tessdata, maxWorkers, log }: TesseractJsOptions): OcrEngine {
  const workerOptions = {
    langPath: tessdata.langPath,
    cachePath: tessdata.cachePath,
    gzip: true,
    logger: () => {},
    errorHandler: (error: unknown) => log.warn({ error: String(error) }, "tesseract.js worker error"),
  };
  const readers = createWorkerPool(maxWorkers);
  // Orientation needs tesseract's legacy engine, a build of its own: one worker of it beside the
  // readers, since a page's orientation takes a fraction of its reading.
  const orienters = createWorkerPool(1);

  async function startReader(models: readonly string[]): Promise<Tesseract.Worker> {
    await tessdata.prepare(models);
    return Tesseract.createWorker([...models], Tesseract.OEM.LSTM_ONLY, workerOptions);
  }

  async function startOrienter(): Promise<Tesseract.Worker> {
    await tessdata.prepare([OSD_MODEL]);
    return Tesseract.createWorker([OSD_MODEL], Tesseract.OEM.TESSERACT_ONLY, {
      ...workerOptions,
      legacyCore: true,
      legacyLang: true,
    });
  }

  return {
    name: `tesseract.js ${tesseractJsVersion()}`,
    models: tessdata.models,
    recognize: (image, models, signal) =>
      readers.run(
        models.join("+"),
        () => startReader(models),
        async (worker) => {
          const { data } = await worker.recognize(Buffer.from(image), {}, { hocr: true, text: false });
          if (data.hocr === null) throw new Error("tesseract.js returned no hOCR");
          return data.hocr;
        },
        signal,
      ),
    ...(tessdata.models.has(OSD_MODEL)
      ? {
          detectOrientation: async (image, signal) => {
            const withResolution = await resolutionRecorded(image);
            return orienters.run(
              OSD_MODEL,
              startOrienter,
              async (worker) => {
                const { data } = await worker.detect(withResolution);
                const turn = data.orientation_degrees;
                const confidence = data.orientation_confidence;
                if (turn === null || confidence === null || !(QUARTER_TURNS as number[]).includes(turn))
                  return undefined;
                return { turn: turn as QuarterTurn, confidence };
              },
              signal,
            );
          },
        }
      : {}),
    async close() {
      await Promise.all([readers.close(), orienters.close()]);
    },
  };
}

/**
 * The image with its resolution written in it: OSD complains on stderr, for every page, of an image
 * that records none. sharp reports 72 dpi for a PNG that records none, so that is what it gets.
 */
async function resolutionRecorded(image: Uint8Array): Promise<Buffer> {
  const { density = 72 } = await sharp(image).metadata();
  return sharp(image).withMetadata({ density }).png({ compressionLevel: 1 }).toBuffer();
}

interface WorkerPool {
  /**
   * Runs `job` on an idle worker of `key` (started with `start` when there is none), at most `size`
   * jobs at once. A worker whose job fails or is aborted is terminated, since it may be stuck.
   */
  run<T>(
    key: string,
    start: () => Promise<Tesseract.Worker>,
    job: (worker: Tesseract.Worker) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T>;
  close(): Promise<void>;
}

function createWorkerPool(size: number): WorkerPool {
  const pool: Pooled[] = [];
  const limiter = new Limiter(size);

  async function take(key: string, start: () => Promise<Tesseract.Worker>): Promise<Pooled> {
    const idle = pool.find((entry) => !entry.busy && entry.key === key);
    if (idle) {
      idle.busy = true;
      return idle;
    }
    // The limiter guarantees a free place; an idle worker for other models gives its place up.
    if (pool.length >= size) {
      const other = pool.find((entry) => !entry.busy);
      if (other) await discard(other);
    }
    const entry = { worker: await start(), key, busy: true };
    pool.push(entry);
    return entry;
  }

  async function discard(entry: Pooled): Promise<void> {
    const at = pool.indexOf(entry);
    if (at === -1) return;
    pool.splice(at, 1);
    await entry.worker.terminate();
  }

  async function use<T>(
    key: string,
    start: () => Promise<Tesseract.Worker>,
    job: (worker: Tesseract.Worker) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    signal.throwIfAborted();
    const abort = rejectOnAbort(signal);
    const taking = take(key, start);
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
      return await Promise.race([job(entry.worker), abort.promise]);
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
    run: (key, start, job, signal) => limiter.run(() => use(key, start, job, signal), signal),
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
