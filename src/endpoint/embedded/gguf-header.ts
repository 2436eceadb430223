/**
 * Reads a GGUF file's header (metadata and tensor table, not the tensors) and checks that the file is a
 * whole BLOOM model before it reaches llama.cpp, which can take the whole process down on a bad file and
 * whose own messages say nothing a user can act on.
 *
 * The file is read through a bounded window at explicit positions, and every count or length is set
 * against the bytes left in the file before it is used, so a corrupt header (2^60 entries, a string
 * longer than the file) is refused at once instead of allocating or looping on its say-so.
 */
import { type FileHandle, open } from "node:fs/promises";
import { PalimpsestError } from "../../errors.js";

export type GgufScalar = number | bigint | boolean | string;

/** Arrays (the vocabulary, the merges) are skipped over: only their type and length are kept. */
export interface GgufArray {
  itemType: string;
  length: number;
}

export type GgufValue = GgufScalar | GgufArray;

export interface GgufTensor {
  name: string;
  /** Row length first, as in the file. */
  dims: number[];
  type: string;
  /** From the start of the data section. */
  offset: number;
  bytes: number;
}

export interface GgufHeader {
  version: number;
  metadata: ReadonlyMap<string, GgufValue>;
  tensors: GgufTensor[];
  /** Where tensor data starts in the file. */
  dataOffset: number;
  alignment: number;
  /** The file's length. */
  fileBytes: number;
}

/** Block length (values) and block size (bytes) of each ggml type llama.cpp reads, as in ggml.c. */
const GGML_TYPES: ReadonlyMap<number, { name: string; block: number; bytes: number }> = new Map(
  (
    [
      [0, "F32", 1, 4],
      [1, "F16", 1, 2],
      [2, "Q4_0", 32, 18],
      [3, "Q4_1", 32, 20],
      [6, "Q5_0", 32, 22],
      [7, "Q5_1", 32, 24],
      [8, "Q8_0", 32, 34],
      [9, "Q8_1", 32, 36],
      [10, "Q2_K", 256, 84],
      [11, "Q3_K", 256, 110],
      [12, "Q4_K", 256, 144],
      [13, "Q5_K", 256, 176],
      [14, "Q6_K", 256, 210],
      [15, "Q8_K", 256, 292],
      [16, "IQ2_XXS", 256, 66],
      [17, "IQ2_XS", 256, 74],
      [18, "IQ3_XXS", 256, 98],
      [19, "IQ1_S", 256, 50],
      [20, "IQ4_NL", 32, 18],
      [21, "IQ3_S", 256, 110],
      [22, "IQ2_S", 256, 82],
      [23, "IQ4_XS", 256, 136],
      [24, "I8", 1, 1],
      [25, "I16", 1, 2],
      [26, "I32", 1, 4],
      [27, "I64", 1, 8],
      [28, "F64", 1, 8],
      [29, "IQ1_M", 256, 56],
      [30, "BF16", 1, 2],
      [34, "TQ1_0", 256, 54],
      [35, "TQ2_0", 256, 66],
      [39, "MXFP4", 32, 17],
      [40, "NVFP4", 64, 36],
      [41, "Q1_0", 128, 18],
      [42, "Q2_0", 64, 18],
    ] as const
  ).map(([id, name, block, bytes]) => [id, { name, block, bytes }]),
);

/** Metadata value types, by their number in the file. */
const VALUE_TYPES = [
  "u8",
  "i8",
  "u16",
  "i16",
  "u32",
  "i32",
  "f32",
  "bool",
  "string",
  "array",
  "u64",
  "i64",
  "f64",
];
const FIXED_SIZES: Readonly<Record<string, number>> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  bool: 1,
  u64: 8,
  i64: 8,
  f64: 8,
};

/** The smallest a metadata entry (key length, 1-byte key, type, 1-byte value) and a tensor entry can be. */
const MIN_ENTRY_BYTES = 8 + 1 + 4 + 1;
const MIN_TENSOR_ENTRY_BYTES = 8 + 1 + 4 + 4 + 8;
/** llama.cpp's limits: tensor names under 64 bytes, at most 4 dimensions. */
const MAX_TENSOR_NAME_BYTES = 63;
const MAX_DIMS = 4;
/** Far beyond any real key or value (chat templates are a few KB); a longer one is corruption. */
const MAX_KEY_BYTES = 64 * 1024;
const MAX_STRING_BYTES = 16 * 1024 * 1024;
const WINDOW_BYTES = 1024 * 1024;

const REMEDY = "Delete it to download it again, or set BLOOM_MODEL to a BLOOM GGUF file.";

function invalid(path: string, problem: string, remedy = REMEDY): PalimpsestError {
  return new PalimpsestError("MODEL_INVALID", `The model file ${path} ${problem}. ${remedy}`);
}

/** Reads forward through the file, holding at most one window (or one long string) in memory. */
class HeaderReader {
  position = 0;
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly file: FileHandle,
    readonly size: number,
    private readonly path: string,
  ) {}

  get remaining(): number {
    return this.size - this.position;
  }

  fail(problem: string): never {
    throw invalid(this.path, problem);
  }

  /** Refuses a count of items of at least `itemBytes` each that the rest of the file cannot hold. */
  bound(count: number, itemBytes: number, what: string): void {
    if (count * itemBytes > this.remaining)
      this.fail(
        `is corrupt or truncated: it declares ${count} ${what}, but only ${this.remaining} bytes follow`,
      );
  }

  /** True when the next `count` bytes are in memory already (no read needed). */
  has(count: number): boolean {
    return (
      this.position >= this.windowStart && this.position + count <= this.windowStart + this.window.length
    );
  }

  async fill(count: number): Promise<void> {
    if (count > this.remaining)
      this.fail(
        `is truncated: it ends at byte ${this.size}, inside its header (at byte ${this.position}); an interrupted download leaves files like this`,
      );
    const length = Math.min(Math.max(count, WINDOW_BYTES), this.remaining);
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.file.read(buffer, done, length - done, this.position + done);
      if (bytesRead === 0) this.fail("changed while it was being read");
      done += bytesRead;
    }
    this.window = buffer;
    this.windowStart = this.position;
  }

  /** The next `count` bytes, which `has` or `fill` made available. */
  takeLoaded(count: number): Buffer {
    const start = this.position - this.windowStart;
    this.position += count;
    return this.window.subarray(start, start + count);
  }

  async take(count: number): Promise<Buffer> {
    if (!this.has(count)) await this.fill(count);
    return this.takeLoaded(count);
  }

  skip(count: number): void {
    if (count > this.remaining) this.fail(`is truncated: it ends at byte ${this.size}, inside its header`);
    this.position += count;
  }

  async u32(): Promise<number> {
    return (await this.take(4)).readUInt32LE(0);
  }

  /** A u64 that must be a count, length or offset: beyond 2^53 it cannot describe this file. */
  async size64(what: string): Promise<number> {
    return this.safe((await this.take(8)).readBigUInt64LE(0), what);
  }

  safe(value: bigint, what: string): number {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`is corrupt: ${what} is ${value}`);
    return Number(value);
  }

  async string(maxBytes: number, what: string): Promise<string> {
    const length = await this.size64(`the length of ${what}`);
    if (length > maxBytes) this.fail(`is corrupt: ${what} is ${length} bytes long`);
    if (length > this.remaining) this.fail(`is corrupt or truncated: ${what} runs past the end of the file`);
    return (await this.take(length)).toString("utf8");
  }

  async scalar(type: string, key: string): Promise<GgufScalar> {
    if (type === "string") return this.string(MAX_STRING_BYTES, `the value of ${key}`);
    const bytes = await this.take(FIXED_SIZES[type] as number);
    switch (type) {
      case "u8":
        return bytes.readUInt8(0);
      case "i8":
        return bytes.readInt8(0);
      case "u16":
        return bytes.readUInt16LE(0);
      case "i16":
        return bytes.readInt16LE(0);
      case "u32":
        return bytes.readUInt32LE(0);
      case "i32":
        return bytes.readInt32LE(0);
      case "f32":
        return bytes.readFloatLE(0);
      case "bool":
        return bytes.readUInt8(0) !== 0;
      case "f64":
        return bytes.readDoubleLE(0);
      default: {
        const value = type === "u64" ? bytes.readBigUInt64LE(0) : bytes.readBigInt64LE(0);
        const number = Number(value);
        return Number.isSafeInteger(number) ? number : value;
      }
    }
  }

  /** Steps over an array's items, checking each string's length against the file. */
  async array(key: string): Promise<GgufArray> {
    const itemType = VALUE_TYPES[await this.u32()];
    if (itemType === undefined || itemType === "array")
      this.fail(`is corrupt: ${key} is an array of an unknown type`);
    const length = await this.size64(`the length of ${key}`);
    const fixed = FIXED_SIZES[itemType];
    if (fixed !== undefined) {
      this.bound(length, fixed, `items in ${key}`);
      this.skip(length * fixed);
      return { itemType, length };
    }
    this.bound(length, 8, `strings in ${key}`);
    for (let i = 0; i < length; i++) {
      if (!this.has(8)) await this.fill(8);
      const stringBytes = this.safe(this.takeLoaded(8).readBigUInt64LE(0), `a string's length in ${key}`);
      if (stringBytes > this.remaining)
        this.fail(`is corrupt or truncated: a string in ${key} runs past the end of the file`);
      this.position += stringBytes;
    }
    return { itemType, length };
  }
}

const alignUp = (offset: number, alignment: number) => Math.ceil(offset / alignment) * alignment;

function describeStart(start: Buffer): string {
  if (start.length < 4) return `is not a GGUF model (it holds only ${start.length} bytes)`;
  const text = start.toString("latin1");
  if (/^\s*</.test(text))
    return "is not a GGUF model but an HTML or XML page (an error page saved in place of the model?)";
  if (text.startsWith("version https://git-lfs"))
    return "is not a GGUF model but a Git LFS pointer (the repository was cloned without its large files)";
  return `is not a GGUF model (it starts with the bytes ${start.subarray(0, 4).toString("hex")}, not "GGUF")`;
}

async function readVersion(reader: HeaderReader): Promise<number> {
  const version = await reader.u32();
  // A file written on a big-endian machine reads as a huge version here.
  if (version !== 0 && (version & 0xffff) === 0)
    reader.fail("is a big-endian GGUF, which this machine cannot use");
  if (version < 2)
    reader.fail(`is GGUF version ${version}, which llama.cpp no longer reads; download a current conversion`);
  if (version > 3) reader.fail(`is GGUF version ${version}, newer than this llama.cpp reads (up to 3)`);
  return version;
}

async function readMetadata(reader: HeaderReader, count: number): Promise<Map<string, GgufValue>> {
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < count; i++) {
    const key = await reader.string(MAX_KEY_BYTES, "a metadata key");
    if (key === "" || metadata.has(key))
      reader.fail(`is corrupt: metadata key "${key}" is empty or repeated`);
    const type = VALUE_TYPES[await reader.u32()];
    if (type === undefined) reader.fail(`is corrupt: metadata key "${key}" has an unknown value type`);
    if (key === "general.alignment" && type !== "u32")
      reader.fail("is corrupt: general.alignment is not a u32");
    metadata.set(key, type === "array" ? await reader.array(key) : await reader.scalar(type, key));
  }
  return metadata;
}

async function readTensors(reader: HeaderReader, count: number, alignment: number): Promise<GgufTensor[]> {
  const tensors: GgufTensor[] = [];
  const names = new Set<string>();
  let expectedOffset = 0;
  for (let i = 0; i < count; i++) {
    const name = await reader.string(MAX_TENSOR_NAME_BYTES, "a tensor name");
    if (names.has(name)) reader.fail(`is corrupt: tensor ${name} is listed twice`);
    names.add(name);
    const dimCount = await reader.u32();
    if (dimCount > MAX_DIMS) reader.fail(`is corrupt: tensor ${name} has ${dimCount} dimensions`);
    const dims: number[] = [];
    for (let d = 0; d < dimCount; d++) dims.push(await reader.size64(`a dimension of tensor ${name}`));
    const typeId = await reader.u32();
    const type = GGML_TYPES.get(typeId);
    if (type === undefined)
      reader.fail(`has tensor ${name} of ggml type ${typeId}, which this llama.cpp does not read`);
    if ((dims[0] ?? 1) % type.block !== 0)
      reader.fail(`is corrupt: tensor ${name}'s rows are not whole ${type.name} blocks`);
    const bytes = (dims.reduce((product, dim) => product * dim, 1) / type.block) * type.bytes;
    if (!Number.isSafeInteger(bytes)) reader.fail(`is corrupt: tensor ${name} has an impossible shape`);
    const offset = await reader.size64(`the offset of tensor ${name}`);
    // llama.cpp reads tensors only where each follows the previous one on the alignment.
    if (offset !== expectedOffset)
      reader.fail(`is corrupt: tensor ${name} starts at data offset ${offset}, not ${expectedOffset}`);
    expectedOffset += alignUp(bytes, alignment);
    tensors.push({ name, dims, type: type.name, offset, bytes });
  }
  return tensors;
}

/** The header of the GGUF file at `path`; MODEL_INVALID when it is not a whole, readable GGUF. */
export async function readGgufHeader(path: string): Promise<GgufHeader> {
  let file: FileHandle;
  try {
    file = await open(path, "r");
  } catch (error) {
    throw invalid(path, `cannot be read (${(error as Error).message})`);
  }
  try {
    const stats = await file.stat();
    if (!stats.isFile()) throw invalid(path, "is not a file");
    const size = stats.size;
    const reader: HeaderReader = new HeaderReader(file, size, path);
    const start = await reader.take(Math.min(size, 64));
    if (start.subarray(0, 4).toString("latin1") !== "GGUF") reader.fail(describeStart(start));
    reader.position = 4;
    const version = await readVersion(reader);
    const tensorCount = await reader.size64("the tensor count");
    const entryCount = await reader.size64("the metadata entry count");
    reader.bound(entryCount, MIN_ENTRY_BYTES, "metadata entries");
    const metadata = await readMetadata(reader, entryCount);
    const alignment = (metadata.get("general.alignment") as number | undefined) ?? 32;
    if (alignment === 0 || (alignment & (alignment - 1)) !== 0)
      reader.fail(`is corrupt: its alignment ${alignment} is not a power of two`);
    reader.bound(tensorCount, MIN_TENSOR_ENTRY_BYTES, "tensors");
    const tensors = await readTensors(reader, tensorCount, alignment);
    const dataOffset = alignUp(reader.position, alignment);
    const last = tensors.at(-1);
    const end = dataOffset + (last ? last.offset + last.bytes : 0);
    if (size < end)
      reader.fail(
        `is truncated: it has ${size} bytes but its tensors need ${end}; an interrupted download leaves files like this`,
      );
    return { version, metadata, tensors, dataOffset, alignment, fileBytes: size };
  } catch (error) {
    if (error instanceof PalimpsestError) throw error;
    throw invalid(path, `cannot be read (${(error as Error).message})`);
  } finally {
    await file.close();
  }
}

export interface BloomModelSummary {
  architecture: "bloom";
  name?: string;
  /** The context the model was made for, in tokens. */
  contextLength: number;
  embeddingLength: number;
  blockCount: number;
  vocabSize: number;
  /** `general.file_type`: llama.cpp's number for the main quantisation (7 Q8_0, 17 Q5_K_M...). */
  fileType?: number;
  bytes: number;
}

/** What each BLOOM block holds: llama.cpp refuses (or worse) a file that lacks one. */
const BLOCK_TENSORS = ["attn_norm", "attn_qkv", "attn_output", "ffn_norm", "ffn_up", "ffn_down"].flatMap(
  (part) => [`${part}.weight`, `${part}.bias`],
);

function requiredTensors(blockCount: number): string[] {
  const names = ["token_embd.weight", "token_embd_norm.weight", "token_embd_norm.bias"];
  for (let block = 0; block < blockCount; block++)
    names.push(...BLOCK_TENSORS.map((part) => `blk.${block}.${part}`));
  names.push("output_norm.weight", "output_norm.bias");
  return names;
}

/**
 * Checks that `path` is a whole BLOOM GGUF that llama.cpp can load with a context of `minContextTokens`,
 * and sums it up; MODEL_INVALID, naming the file and what to do, when it is not.
 */
export async function checkBloomGguf(
  path: string,
  options: { minContextTokens: number },
): Promise<BloomModelSummary> {
  const { metadata, tensors, fileBytes } = await readGgufHeader(path);
  const fail: (problem: string, remedy?: string) => never = (problem, remedy) => {
    throw invalid(path, problem, remedy);
  };
  const architecture = metadata.get("general.architecture");
  if (typeof architecture !== "string") fail("names no architecture (general.architecture)");
  if (architecture !== "bloom")
    fail(
      `is a ${architecture} model, not BLOOM`,
      "Set BLOOM_MODEL to a BLOOM GGUF file, or unset it to use bloomz-560m.",
    );
  const positive = (key: string): number => {
    const value = metadata.get(key);
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0)
      fail(`lacks ${key}, which a BLOOM model must have`);
    return value;
  };
  const contextLength = positive("bloom.context_length");
  const embeddingLength = positive("bloom.embedding_length");
  const blockCount = positive("bloom.block_count");
  positive("bloom.feed_forward_length");
  positive("bloom.attention.head_count");
  if (typeof metadata.get("bloom.attention.layer_norm_epsilon") !== "number")
    fail("lacks bloom.attention.layer_norm_epsilon, which a BLOOM model must have");
  if (metadata.get("tokenizer.ggml.model") !== "gpt2") fail("lacks BLOOM's byte-level BPE tokenizer");
  const list = (key: string): GgufArray => {
    const value = metadata.get(key);
    if (typeof value !== "object" || value.itemType !== "string") fail(`lacks the list ${key}`);
    return value;
  };
  const vocabSize = list("tokenizer.ggml.tokens").length;
  list("tokenizer.ggml.merges");
  const byName = new Map(tensors.map((tensor) => [tensor.name, tensor]));
  const missing = requiredTensors(blockCount).filter((name) => !byName.has(name));
  if (missing.length > 0)
    fail(
      `lacks ${missing.length} of BLOOM's tensors (${missing.slice(0, 3).join(", ")}${missing.length > 3 ? "..." : ""})`,
    );
  const embedding = byName.get("token_embd.weight")?.dims ?? [];
  if (embedding[0] !== embeddingLength || embedding[1] !== vocabSize)
    fail(
      `is corrupt: its token embedding is ${embedding.join(" x ")}, not ${embeddingLength} x ${vocabSize}`,
    );
  if (contextLength < options.minContextTokens)
    fail(
      `was made for a context of ${contextLength} tokens, fewer than the ${options.minContextTokens} asked for`,
      "Lower EMBEDDED_CONTEXT, or set BLOOM_MODEL to a BLOOM GGUF made for a longer context.",
    );
  const name = metadata.get("general.name");
  const fileType = metadata.get("general.file_type");
  return {
    architecture: "bloom",
    ...(typeof name === "string" ? { name } : {}),
    contextLength,
    embeddingLength,
    blockCount,
    vocabSize,
    ...(typeof fileType === "number" ? { fileType } : {}),
    bytes: fileBytes,
  };
}
