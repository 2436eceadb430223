/**
 * The GGUF header check against files llama.cpp must never see: cut short at every stage, not GGUF at
 * all, another architecture, corrupt counts and lengths, too short a context. Each is refused as
 * MODEL_INVALID naming the file, quickly, without reading tensor data.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkBloomGguf, type GgufHeader, readGgufHeader } from "../../src/endpoint/embedded/gguf-header.js";
import { PalimpsestError } from "../../src/errors.js";
import { type TinyBloomFile, writeTinyBloomGguf } from "../support/tiny-bloom-gguf.js";

let dir: string;
let tiny: TinyBloomFile;
let header: GgufHeader;
let bytes: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gguf-header-"));
  tiny = await writeTinyBloomGguf(join(dir, "tiny.gguf"));
  header = await readGgufHeader(tiny.path);
  bytes = await readFile(tiny.path);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let written = 0;
async function fileOf(content: Buffer | string): Promise<string> {
  const path = join(dir, `case-${++written}.gguf`);
  await writeFile(path, content);
  return path;
}

/** A copy of the tiny model with `edit` applied to its bytes. */
function patched(edit: (copy: Buffer) => void): Promise<string> {
  const copy = Buffer.from(bytes);
  edit(copy);
  return fileOf(copy);
}

/** Where the value after a metadata key or tensor name starts. */
function valueAfter(name: string): number {
  const at = bytes.indexOf(Buffer.from(name, "utf8"));
  expect(at).toBeGreaterThan(0);
  return at + Buffer.byteLength(name);
}

async function refusal(
  path: string,
  minContextTokens = 2048,
): Promise<{ error: PalimpsestError; ms: number }> {
  const started = performance.now();
  const error = await checkBloomGguf(path, { minContextTokens }).then(
    () => expect.fail(`${path} was accepted`),
    (reason: unknown) => reason,
  );
  const ms = performance.now() - started;
  expect(error).toBeInstanceOf(PalimpsestError);
  expect((error as PalimpsestError).code).toBe("MODEL_INVALID");
  expect((error as PalimpsestError).message).toContain(path);
  return { error: error as PalimpsestError, ms };
}

describe("a valid BLOOM GGUF", () => {
  it("is summed up from its header", async () => {
    expect(await checkBloomGguf(tiny.path, { minContextTokens: 2048 })).toEqual({
      architecture: "bloom",
      name: "tiny-bloom-2x64",
      contextLength: 2048,
      embeddingLength: 64,
      blockCount: 2,
      vocabSize: tiny.vocabulary.length,
      fileType: 0,
      bytes: tiny.bytes,
    });
  });

  it("has its tensor table read with each tensor's size and place", () => {
    expect(header.version).toBe(3);
    expect(header.alignment).toBe(32);
    expect(header.tensors).toHaveLength(3 + 2 * 12 + 2);
    expect(header.tensors[0]).toEqual({
      name: "token_embd.weight",
      dims: [64, tiny.vocabulary.length],
      type: "F32",
      offset: 0,
      bytes: 64 * tiny.vocabulary.length * 4,
    });
    const last = header.tensors.at(-1);
    expect(last?.name).toBe("output_norm.bias");
    expect(header.dataOffset % 32).toBe(0);
    expect(header.dataOffset + (last?.offset ?? 0) + (last?.bytes ?? 0)).toBe(tiny.bytes);
  });

  it("keeps big arrays as their length only", () => {
    expect(header.metadata.get("tokenizer.ggml.tokens")).toEqual({
      itemType: "string",
      length: tiny.vocabulary.length,
    });
    expect(header.metadata.get("tokenizer.ggml.merges")).toEqual({
      itemType: "string",
      length: tiny.mergeCount,
    });
    expect(header.metadata.get("tokenizer.ggml.pre")).toBe("bloom");
  });

  it("sizes quantised tensors by their blocks (Q8_0: 34 bytes per 32 weights)", async () => {
    const q8 = await writeTinyBloomGguf(join(dir, "q8.gguf"), { tensorType: "q8_0" });
    const { tensors } = await readGgufHeader(q8.path);
    const byName = new Map(tensors.map((tensor) => [tensor.name, tensor]));
    expect(byName.get("blk.1.ffn_up.weight")).toMatchObject({ type: "Q8_0", bytes: ((64 * 256) / 32) * 34 });
    expect(byName.get("blk.1.ffn_up.bias")).toMatchObject({ type: "F32", bytes: 256 * 4 });
    expect((await checkBloomGguf(q8.path, { minContextTokens: 2048 })).fileType).toBe(7);
  });
});

describe("a file cut short", () => {
  const cuts: [string, () => number][] = [
    ["in the fixed header", () => 12],
    ["in the metadata", () => valueAfter("tokenizer.ggml.tokens") + 200],
    ["in the tensor table", () => header.dataOffset - 40],
    ["at the start of tensor data", () => header.dataOffset],
    ["in the middle of tensor data", () => header.dataOffset + 50_000],
    ["one byte before its end", () => bytes.length - 1],
  ];
  it.each(cuts)("%s is truncated", async (_, at) => {
    const { error } = await refusal(await fileOf(bytes.subarray(0, at())));
    expect(error.message).toMatch(/truncated/);
  });
});

describe("a file that is not a GGUF model", () => {
  it("an HTML error page saved as .gguf is named as such", async () => {
    const { error } = await refusal(
      await fileOf("<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head></html>\n"),
    );
    expect(error.message).toMatch(/HTML/);
  });

  it("a Git LFS pointer is named as such", async () => {
    const { error } = await refusal(
      await fileOf("version https://git-lfs.github.com/spec/v1\noid sha256:0123\nsize 1000\n"),
    );
    expect(error.message).toMatch(/Git LFS pointer/);
  });

  it("random bytes are not GGUF", async () => {
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251));
    const { error } = await refusal(await fileOf(noise));
    expect(error.message).toMatch(/not a GGUF model/);
  });

  it("an empty file is not GGUF", async () => {
    await refusal(await fileOf(""));
  });

  it("a missing file cannot be read", async () => {
    const { error } = await refusal(join(dir, "absent.gguf"));
    expect(error.message).toMatch(/cannot be read/);
  });
});

describe("a GGUF that is not a usable BLOOM model", () => {
  it("another architecture is named, with what to set instead", async () => {
    const llama = await writeTinyBloomGguf(join(dir, "llama.gguf"), { architecture: "llama" });
    const { error } = await refusal(llama.path);
    expect(error.message).toContain("is a llama model");
    expect(error.message).toContain("BLOOM_MODEL");
  });

  it("a missing tensor is named", async () => {
    const path = await patched((copy) => {
      copy.write("output_norm.xxxx", valueAfter("output_norm.bias") - "output_norm.bias".length, "utf8");
    });
    const { error } = await refusal(path);
    expect(error.message).toContain("output_norm.bias");
  });

  it("a context shorter than asked for is refused, with the setting to lower", async () => {
    const short = await writeTinyBloomGguf(join(dir, "short.gguf"), { contextLength: 512 });
    const { error } = await refusal(short.path, 2048);
    expect(error.message).toContain("512");
    expect(error.message).toContain("EMBEDDED_CONTEXT");
    await expect(checkBloomGguf(short.path, { minContextTokens: 512 })).resolves.toMatchObject({
      contextLength: 512,
    });
  });

  it("a tensor type llama.cpp does not read is refused", async () => {
    const path = await patched((copy) => {
      // blk.0.attn_qkv.weight: name, 2 dimensions (u32 + 2 x u64), then its type.
      copy.writeUInt32LE(31, valueAfter("blk.0.attn_qkv.weight") + 4 + 16);
    });
    const { error } = await refusal(path);
    expect(error.message).toContain("ggml type 31");
  });

  it("a tensor out of its place is refused", async () => {
    const path = await patched((copy) => {
      const typeAt = valueAfter("blk.0.attn_qkv.weight") + 4 + 16;
      copy.writeBigUInt64LE(copy.readBigUInt64LE(typeAt + 4) + 32n, typeAt + 4);
    });
    const { error } = await refusal(path);
    expect(error.message).toMatch(/blk\.0\.attn_qkv\.weight starts at data offset/);
  });

  it.each([
    [1, /version 1/],
    [4, /version 4/],
    [0x03000000, /big-endian/],
  ])("GGUF version %i is refused", async (version, message) => {
    const { error } = await refusal(await patched((copy) => copy.writeUInt32LE(version, 4)));
    expect(error.message).toMatch(message);
  });
});

describe("corrupt counts and lengths", () => {
  // 2^40 passes as a number and must be set against the file's size; 2^60 is past 2^53 and refused as it is read.
  const huge = 2n ** 40n;
  const past53 = 2n ** 60n;
  const cases: [string, (copy: Buffer) => void, RegExp][] = [
    ["2^40 tensors", (copy) => copy.writeBigUInt64LE(huge, 8), /declares 1099511627776 tensors/],
    [
      "2^40 metadata entries",
      (copy) => copy.writeBigUInt64LE(huge, 16),
      /declares 1099511627776 metadata entries/,
    ],
    [
      "2^60 metadata entries",
      (copy) => copy.writeBigUInt64LE(past53, 16),
      /the metadata entry count is 1152921504606846976/,
    ],
    [
      "a key 2^40 bytes long",
      (copy) => copy.writeBigUInt64LE(huge, 24),
      /a metadata key is 1099511627776 bytes long/,
    ],
    // general.name: key, value type (u32), then the string's length (u64).
    [
      "a string longer than the file",
      (copy) => copy.writeBigUInt64LE(BigInt(bytes.length), valueAfter("general.name") + 4),
      /the value of general.name runs past the end of the file/,
    ],
    // tokenizer.ggml.tokens: key, value type (u32), item type (u32), item count (u64), then the items.
    [
      "a vocabulary of 2^40 tokens",
      (copy) => copy.writeBigUInt64LE(huge, valueAfter("tokenizer.ggml.tokens") + 8),
      /declares 1099511627776 strings in tokenizer.ggml.tokens/,
    ],
    [
      "a token longer than the file",
      (copy) => copy.writeBigUInt64LE(BigInt(bytes.length), valueAfter("tokenizer.ggml.tokens") + 16),
      /a string in tokenizer.ggml.tokens runs past the end of the file/,
    ],
    [
      "a tensor with 2^32 - 1 dimensions",
      (copy) => copy.writeUInt32LE(0xffffffff, valueAfter("token_embd.weight")),
      /token_embd.weight has 4294967295 dimensions/,
    ],
    [
      "a dimension of 2^60",
      (copy) => copy.writeBigUInt64LE(past53, valueAfter("token_embd.weight") + 4),
      /a dimension of tensor token_embd.weight is 1152921504606846976/,
    ],
  ];
  it.each(cases)("%s is refused as corrupt at once", async (_, edit, message) => {
    const { error, ms } = await refusal(await patched(edit));
    expect(error.message).toMatch(/corrupt/);
    expect(error.message).toMatch(message);
    expect(ms).toBeLessThan(1000);
  });
});
