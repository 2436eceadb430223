/**
 * The native tesseract adapter against stand-in commands (shell scripts), so the process handling
 * is tested on any machine: probing, one thread per process, orientation detection, a crash, and a
 * hang that must end with the process killed.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createNativeEngine, findNativeTesseract, parseOsd } from "../../src/pipeline/ocr/native.js";

const folder = mkdtempSync(join(tmpdir(), "palimpsest-fake-tesseract-"));

/** A tesseract stand-in: answers the probes, then runs `ocr` (shell) for a page. */
function fakeTesseract(name: string, ocr: string): string {
  const path = join(folder, name);
  writeFileSync(
    path,
    `#!/bin/sh
case "$1" in
  --version) echo "tesseract 5.9.9"; echo " leptonica-1.84.0"; exit 0 ;;
  --list-langs) echo 'List of available languages in "/opt/tessdata/" (2):'; echo eng; echo frk; exit 0 ;;
esac
echo $$ > "${path}.pid"
${ocr}
`,
  );
  chmodSync(path, 0o755);
  return path;
}

const image = new Uint8Array([1, 2, 3]);
const signal = () => new AbortController().signal;

describe("native tesseract adapter", () => {
  it("probes the command for its version, models and tessdata folder", async () => {
    const found = await findNativeTesseract(fakeTesseract("probe", "exit 0"));
    expect(found).toMatchObject({
      version: "5.9.9",
      tessdata: "/opt/tessdata/",
      models: new Set(["eng", "frk"]),
    });
    expect(await findNativeTesseract(join(folder, "missing"))).toBeUndefined();
  });

  it("sends the image on stdin, the models with -l, and runs with OMP_THREAD_LIMIT=1", async () => {
    const command = fakeTesseract(
      "echo",
      `cat > /dev/null; echo "<div class='ocr_page'>$OMP_THREAD_LIMIT $*</div>"`,
    );
    const engine = createNativeEngine({ command, version: "5.9.9", tessdata: "", models: new Set(["eng"]) });
    expect(engine.name).toBe("tesseract 5.9.9");
    await expect(engine.recognize(image, ["deu", "frk"], signal())).resolves.toBe(
      "<div class='ocr_page'>1 stdin stdout -l deu+frk hocr</div>\n",
    );
  });

  it("rejects with the last line of tesseract's complaint when it fails", async () => {
    const command = fakeTesseract("crash", `cat > /dev/null; echo "Error opening data file frk" >&2; exit 3`);
    const engine = createNativeEngine({ command, version: "5", tessdata: "", models: new Set() });
    await expect(engine.recognize(image, ["frk"], signal())).rejects.toThrow(
      "tesseract exited with code 3: Error opening data file frk",
    );
  });

  it("asks tesseract's OSD which way up a page stands, where the osd model is installed", async () => {
    const command = fakeTesseract(
      "osd",
      `cat > /dev/null; echo "$*" > "${folder}/osd.args"
echo "Page number: 0"; echo "Orientation in degrees: 90"; echo "Rotate: 270"
echo "Orientation confidence: 10.97"; echo "Script: Fraktur"; echo "Script confidence: 19.26"`,
    );
    const withOsd = createNativeEngine({
      command,
      version: "5",
      tessdata: "",
      models: new Set(["eng", "osd"]),
    });
    await expect(withOsd.detectOrientation?.(image, signal())).resolves.toEqual({
      turn: 270,
      confidence: 10.97,
    });
    expect(readFileSync(join(folder, "osd.args"), "utf8").trim()).toBe("stdin stdout --psm 0 -l osd");
    const without = createNativeEngine({ command, version: "5", tessdata: "", models: new Set(["eng"]) });
    expect(without.detectOrientation).toBeUndefined();
  });

  it("takes OSD's refusal of a page with too little text as not knowing", async () => {
    const command = fakeTesseract(
      "osd-refusal",
      `cat > /dev/null; echo "Too few characters. Skipping this page" >&2; echo "Error during processing." >&2; exit 1`,
    );
    const engine = createNativeEngine({ command, version: "5", tessdata: "", models: new Set(["osd"]) });
    await expect(engine.detectOrientation?.(image, signal())).resolves.toBeUndefined();
  });

  it("reads OSD's answer only when it is whole", () => {
    expect(parseOsd("Orientation in degrees: 180\nRotate: 180\nOrientation confidence: 11.39\n")).toEqual({
      turn: 180,
      confidence: 11.39,
    });
    expect(parseOsd("Rotate: 180\n")).toBeUndefined();
    expect(parseOsd("Rotate: 45\nOrientation confidence: 3\n")).toBeUndefined();
    expect(parseOsd("")).toBeUndefined();
  });

  it("kills a process that hangs once the page is given up", async () => {
    const command = fakeTesseract("hang", "exec sleep 30");
    const engine = createNativeEngine({ command, version: "5", tessdata: "", models: new Set() });
    const controller = new AbortController();
    const page = engine.recognize(image, ["eng"], controller.signal);
    // The page's timeout fires once the process has started.
    await waitFor(() => readPid(`${command}.pid`) !== undefined);
    controller.abort(new Error("page timed out"));
    await expect(page).rejects.toThrow("page timed out");
    const pid = readPid(`${command}.pid`) as number;
    await waitFor(() => !alive(pid));
    expect(alive(pid)).toBe(false);
  });
});

function readPid(path: string): number | undefined {
  try {
    return Number(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}
