/**
 * Gets the embedded model ready once per process: find or download the file, check its header (a bad
 * file must be an error, not a native crash), load it into llama.cpp. Until it is ready, readiness probes
 * say what is going on (downloading 43 %, loading); a failure is kept for the probes and tried again at
 * the next call, so a download that failed for want of network resumes when the network is back.
 */
import type { BaseLogger } from "pino";
import { isPalimpsestError, PalimpsestError } from "../../errors.js";
import { checkBloomGguf } from "./gguf-header.js";
import { loadRuntime, type Runtime, type RuntimeOptions } from "./runtime.js";

export interface ModelHostOptions extends Omit<RuntimeOptions, "modelPath"> {
  /** Path of a local model file, downloading it first where needed; reports progress as it goes. */
  locate: (onProgress: (fraction: number) => void) => Promise<string>;
  logger: Pick<BaseLogger, "debug" | "info" | "warn">;
}

type Phase =
  | { name: "idle" }
  | { name: "locating"; fraction: number | undefined }
  | { name: "loading"; path: string }
  | { name: "ready"; runtime: Runtime }
  | { name: "failed"; error: PalimpsestError };

export class ModelHost {
  private phase: Phase = { name: "idle" };
  private pending: Promise<Runtime> | undefined;

  constructor(private readonly options: ModelHostOptions) {}

  /** The loaded model, preparing it on the first call (and again after a failure). */
  ready(): Promise<Runtime> {
    if (this.phase.name === "ready") return Promise.resolve(this.phase.runtime);
    this.pending ??= this.prepare().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /**
   * For readiness probes: resolves once the model is loaded; otherwise starts preparing it in the
   * background and throws what is happening now, without waiting for a download.
   */
  check(): void {
    const phase = this.phase;
    if (phase.name === "ready") return;
    if (phase.name === "idle" || phase.name === "failed") this.ready().catch(() => {});
    if (phase.name === "failed") throw phase.error;
    throw new PalimpsestError("NOT_READY", this.describe());
  }

  private describe(): string {
    const phase = this.phase;
    if (phase.name === "locating")
      return phase.fraction === undefined
        ? "the embedded model's file is being looked for or downloaded"
        : `the embedded model is downloading (${(phase.fraction * 100).toFixed(1)} %)`;
    if (phase.name === "loading") return `the embedded model is loading from ${phase.path}`;
    return "the embedded model is being prepared";
  }

  private async prepare(): Promise<Runtime> {
    const { locate, logger, ...runtimeOptions } = this.options;
    try {
      this.phase = { name: "locating", fraction: undefined };
      const path = await locate((fraction) => {
        this.phase = { name: "locating", fraction };
      });
      this.phase = { name: "loading", path };
      const summary = await checkBloomGguf(path, { minContextTokens: runtimeOptions.contextSize });
      const started = Date.now();
      const runtime = await loadRuntime({ ...runtimeOptions, modelPath: path, logger });
      logger.info(
        { model: path, ...summary, threads: runtime.threads, ms: Date.now() - started },
        "embedded model loaded",
      );
      this.phase = { name: "ready", runtime };
      return runtime;
    } catch (error) {
      const failure = isPalimpsestError(error)
        ? error
        : new PalimpsestError("MODEL_INVALID", `The embedded model could not be prepared: ${String(error)}`);
      this.phase = { name: "failed", error: failure };
      throw failure;
    }
  }
}
