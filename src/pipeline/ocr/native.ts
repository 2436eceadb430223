/**
 * The native tesseract command (Debian's tesseract-ocr 5 and its language packages, which include
 * the historical models: frk, script/Fraktur, frm, enm, lat, ita_old, spa_old, grc).
 *
 * One process per page, image on stdin and hOCR on stdout, so no temporary files; where the `osd`
 * model is installed (Debian installs tesseract-ocr-osd with tesseract-ocr), one more short process
 * tells which way up the page stands (`--psm 0`). Each process runs
 * with OMP_THREAD_LIMIT=1: tesseract's own OpenMP threads made it 6x slower on a 2-core machine;
 * pages run in parallel processes instead (the OCR reader bounds how many). A process that outlives
 * its page's signal is killed.
 */
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { QUARTER_TURNS, type QuarterTurn } from "./page-geometry.js";
import type { OcrEngine, OrientationGuess } from "./port.js";

const run = promisify(execFile);

export interface NativeTesseract {
  command: string;
  version: string;
  /** Folder of the traineddata files, as tesseract reports it. */
  tessdata: string;
  models: ReadonlySet<string>;
}

/** Probes the tesseract command; undefined when it is not installed or does not answer. */
export async function findNativeTesseract(command = "tesseract"): Promise<NativeTesseract | undefined> {
  try {
    const [version, list] = await Promise.all([
      run(command, ["--version"], { timeout: 10_000 }),
      run(command, ["--list-langs"], { timeout: 10_000 }),
    ]);
    const versionLine = `${version.stdout}${version.stderr}`.match(/tesseract v?([\d.]+\S*)/i);
    const [header = "", ...names] = list.stdout.trim().split("\n");
    return {
      command,
      version: versionLine?.[1] ?? "unknown",
      tessdata: header.match(/"(.*)"/)?.[1] ?? "",
      models: new Set(names.map((name) => name.trim()).filter((name) => name !== "")),
    };
  } catch {
    return undefined;
  }
}

/** Tesseract's orientation and script detection model. */
const OSD_MODEL = "osd";

export function createNativeEngine(tesseract: NativeTesseract): OcrEngine {
  const { command } = tesseract;
  return {
    name: `tesseract ${tesseract.version}`,
    models: tesseract.models,
    recognize: async (image, models, signal) =>
      (await runTesseract(command, ["-l", models.join("+"), "hocr"], image, signal)).toString("utf8"),
    ...(tesseract.models.has(OSD_MODEL)
      ? {
          async detectOrientation(image, signal) {
            // OSD exits with an error on a page with too few characters to judge: it cannot tell.
            const output = await runTesseract(command, ["--psm", "0", "-l", OSD_MODEL], image, signal).catch(
              (error: unknown) => {
                if (signal.aborted) throw error;
                return undefined;
              },
            );
            return output && parseOsd(output.toString("utf8"));
          },
        }
      : {}),
    close: async () => {},
  };
}

/** The answer of `tesseract --psm 0` ("Rotate: 90", "Orientation confidence: 10.97"); undefined when incomplete. */
export function parseOsd(output: string): OrientationGuess | undefined {
  const turn = Number(output.match(/^Rotate:\s*(\d+)/m)?.[1]);
  const confidence = Number(output.match(/^Orientation confidence:\s*([\d.]+)/m)?.[1]);
  if (!(QUARTER_TURNS as readonly number[]).includes(turn) || !Number.isFinite(confidence)) return undefined;
  return { turn: turn as QuarterTurn, confidence };
}

/** Runs tesseract on the image (stdin) with its output on stdout, one thread. */
function runTesseract(
  command: string,
  args: readonly string[],
  image: Uint8Array,
  signal: AbortSignal,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, ["stdin", "stdout", ...args], {
      env: { ...process.env, OMP_THREAD_LIMIT: "1" },
      signal,
      killSignal: "SIGKILL",
    });
    const stdout: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    // A process killed early closes stdin under our feet; its exit tells what happened.
    child.stdin.on("error", () => {});
    child.on("error", (error) => reject(signal.aborted ? signal.reason : error));
    child.on("close", (code, killedBy) => {
      if (signal.aborted) reject(signal.reason);
      else if (code === 0) resolve(Buffer.concat(stdout));
      else
        reject(
          new Error(
            `tesseract ${killedBy ? `was killed by ${killedBy}` : `exited with code ${code}`}: ${lastLine(stderr)}`,
          ),
        );
    });
    child.stdin.end(image);
  });
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
}
