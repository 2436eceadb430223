import { join, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_MODEL,
  type ModelSource,
  parseModelReference,
  safeSegment,
  storedPath,
} from "../../src/endpoint/embedded/model-source.js";

const HUB = "https://hub.example";
const MODELS = resolve("/srv/models");

function remote(reference: string): Extract<ModelSource, { kind: "remote" }> {
  const source = parseModelReference(reference, HUB, "/work");
  if (source.kind !== "remote") throw new Error(`${reference} read as a local path`);
  return source;
}

describe("model references", () => {
  it("reads the default model as a hub file at revision main", () => {
    const source = remote(DEFAULT_MODEL.reference);
    expect(source.url).toBe(`${HUB}/QuantFactory/bloomz-560m-GGUF/resolve/main/bloomz-560m.Q5_K_M.gguf`);
    expect(source.fileName).toBe("bloomz-560m.Q5_K_M.gguf");
    expect(storedPath(MODELS, source)).toBe(
      join(MODELS, "hub", "QuantFactory", "bloomz-560m-GGUF", "main", "bloomz-560m.Q5_K_M.gguf"),
    );
  });

  it("takes a revision and a file in a sub-folder, and keeps revisions apart", () => {
    const pinned = remote("hf:owner/repo@v1.0/quant/model.gguf");
    expect(pinned.url).toBe(`${HUB}/owner/repo/resolve/v1.0/quant/model.gguf`);
    expect(pinned.storedAs).toBe(join("hub", "owner", "repo", "v1.0", "quant", "model.gguf"));
    expect(remote("hf:owner/repo/quant/model.gguf").storedAs).not.toBe(pinned.storedAs);
  });

  it("uses HF_ENDPOINT without a trailing slash", () => {
    const source = parseModelReference("hf:o/r/f.gguf", "http://127.0.0.1:9/mirror/");
    expect(source.kind === "remote" && source.url).toBe("http://127.0.0.1:9/mirror/o/r/resolve/main/f.gguf");
  });

  it("keeps a URL's file under its host and path; a query gets its own folder", () => {
    const plain = remote("https://files.example:8443/models/bloom.gguf");
    expect(plain.url).toBe("https://files.example:8443/models/bloom.gguf");
    expect(plain.storedAs).toBe(join("url", "files.example%3A8443", "models", "bloom.gguf"));
    const queried = remote("https://files.example:8443/models/bloom.gguf?version=2");
    expect(queried.fileName).toBe("bloom.gguf");
    expect(queried.storedAs).not.toBe(plain.storedAs);
    expect(remote("http://files.example:8443/models/bloom.gguf?version=3").storedAs).not.toBe(
      queried.storedAs,
    );
  });

  it("reads anything else as a local path, relative to the working directory", () => {
    expect(parseModelReference("models/bloom.gguf", HUB, "/work")).toEqual({
      kind: "local",
      reference: "models/bloom.gguf",
      path: resolve("/work", "models/bloom.gguf"),
    });
    expect(parseModelReference("/abs/bloom.gguf", HUB, "/work")).toMatchObject({ path: "/abs/bloom.gguf" });
  });

  it.each([
    "hf:owner/repo",
    "hf:owner/repo/",
    "hf:owner/../../etc/passwd",
    "hf:owner/repo/../../x.gguf",
    "hf:owner/repo@a@b/x.gguf",
    "hf:owner/repo@/x.gguf",
    "s3://bucket/x.gguf",
    "https://files.example/models/",
    "",
  ])("refuses %j, saying what is accepted", (reference) => {
    expect(() => parseModelReference(reference, HUB)).toThrow(/hf:owner\/repo|URL|names no file/);
  });

  it.each([
    "https://h.example/%2E%2E/%2E%2E/escape.gguf",
    "https://h.example/a/..%2F..%2F..%2Fescape.gguf",
    "https://h.example/%2e%2e%2fetc%2fpasswd",
    "https://h.example/./.%2e/x.gguf",
  ])("never stores %s outside MODELS_DIR", (reference) => {
    const path = storedPath(MODELS, remote(reference));
    expect(path.startsWith(MODELS + sep)).toBe(true);
    expect(path.split(sep)).not.toContain("..");
  });

  it("encodes names so that different names never become the same file", () => {
    const names = ["a b", "a_b", "a%20b", "a/b", "..", ".", "%2E%2E", "été", "ete"];
    const encoded = names.map(safeSegment);
    expect(new Set(encoded).size).toBe(names.length);
    for (const segment of encoded) expect(segment).toMatch(/^[A-Za-z0-9._%-]+$/);
    expect(encoded).not.toContain("..");
    expect(encoded).not.toContain(".");
  });
});
