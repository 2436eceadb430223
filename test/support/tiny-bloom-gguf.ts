/**
 * Writes BLOOM-architecture GGUF files (version 3) with random weights that llama.cpp, through
 * node-llama-cpp, loads and runs: by default a tiny model (2 layers x 64, about 0.5 MB, loaded in tens of
 * milliseconds); with BLOOMZ_560M_SHAPE, one with bloomz-560m's sizes and vocabulary length, for measuring
 * speed and memory. Files are written tensor by tensor in chunks, so the 600 MB one is never in memory.
 *
 * The tokenizer is real byte-level BPE under BLOOM's pre-tokenizer (`tokenizer.ggml.pre = "bloom"`), with
 * merges learned from a small French and English corpus, so text splits, counts and detokenizes the way
 * it does with BLOOM (with other ids).
 */
import { open } from "node:fs/promises";
import { tokenTextToBytes } from "../../src/endpoint/embedded/token-bytes.js";

export type TensorType = "f32" | "f16" | "q8_0";

export interface TinyBloomOptions {
  layers?: number;
  width?: number;
  heads?: number;
  /** Inner width of the feed-forward blocks; BLOOM's is four times the width. */
  feedForward?: number;
  contextLength?: number;
  /** At least the learned vocabulary's length; longer vocabularies are padded with unused tokens. */
  vocabSize?: number;
  /** Type of the matrices; vectors (norms, biases) are always f32, as in converted BLOOM files. */
  tensorType?: TensorType;
  seed?: number;
  /** Written as `general.architecture` and as the prefix of the model keys: another name makes a non-BLOOM file. */
  architecture?: string;
}

export interface TinyBloomFile {
  path: string;
  bytes: number;
  /** Every token's text as stored in the file: GPT-2 byte spelling, so a space is `Ġ`. */
  vocabulary: readonly string[];
  mergeCount: number;
  shape: Required<TinyBloomOptions>;
}

/** The sizes of bigscience/bloomz-560m, whose 250,680 tokens are padded to 250,880 as in its converted GGUF. */
export const BLOOMZ_560M_SHAPE = {
  layers: 24,
  width: 1024,
  heads: 16,
  feedForward: 4096,
  vocabSize: 250_880,
  tensorType: "q8_0",
} as const satisfies TinyBloomOptions;

export const SPECIAL_TOKENS = { unk: 0, bos: 1, eos: 2, pad: 3 } as const;

/** A few hundred merges: enough that ordinary text takes well under one token per byte. */
const MAX_LEARNED_MERGES = 400;

/** JSON's structural pieces become tokens first (and in this order), so an answer's punctuation costs few tokens. */
const STRUCTURAL_PIECES = ['{"', '":"', '","', '"}', '":', '"}]}', '[{"', '"},{"'];

const CORPUS = `L'an mil sept cent quatre-vingt-quatre, le douze du mois de mai, a été baptisé par nous, curé
soussigné, Jean-Baptiste, né d'hier, fils légitime de Pierre Dubois, laboureur, et de Marie Lefèvre, son
épouse, demeurant en cette paroisse de Saint-Martin de Tours. Le parrain a été Jacques Moreau, marchand,
et la marraine Anne Bernard, sa cousine, qui ont signé avec nous.
Par-devant les notaires du roi au Châtelet de Paris soussignés furent présents le sieur Antoine Girard,
bourgeois de Paris, demeurant rue Saint-Honoré, paroisse Saint-Eustache, et dame Catherine Rousseau, son
épouse, de lui autorisée, lesquels ont reconnu avoir vendu à Monsieur Louis de la Fontaine, conseiller du
roi, une maison sise à Versailles, rue de la Paroisse, moyennant la somme de douze mille livres.
La Gazette de France annonce que le roi est parti de Versailles le lundi pour Fontainebleau, où la cour
séjournera jusqu'à la fin du mois d'octobre. On apprend de Lyon que la récolte des vins a été abondante.
Le citoyen Joseph Fouché, représentant du peuple, est arrivé à Nantes le 3 frimaire an II de la République.
In the year of our Lord one thousand seven hundred and eighty four, on the twelfth day of May, John Smith,
merchant of the City of London, and Mary his wife, of the parish of Saint Paul, were married in this church
by licence, in the presence of William Brown and Elizabeth Taylor, witnesses.
The Times reports that His Majesty the King left Windsor on Monday for London, where Parliament will meet
on the first of November. The ship Endeavour, Captain James Cook, arrived at Plymouth from the South Seas.
Know all men by these presents that I, Thomas Wilson of the County of York, yeoman, have sold to Robert
Johnson of Leeds, clothier, all that messuage and land in the township of Bradford for the sum of forty pounds.
{"entities":[{"type":"person","text":"Jean-Baptiste"},{"type":"place","text":"Saint-Martin de Tours"}]}
{"entities":[{"type":"person","text":"John Smith"},{"type":"organization","text":"Parliament"}]}
{"entities":[{"type":"date","text":"le douze du mois de mai","value":"1784-05-12"},{"type":"place","text":"Paris"}]}
{"entities":[{"type":"work","text":"La Gazette de France"},{"type":"event","text":"la récolte des vins"}]}
`;

/** BLOOM's pre-tokenizer: a word with its leading space; whitespace and `. , ! ? …` stay apart. */
const PRE_TOKEN = / ?[^(\s|.,!?…。，、।۔،)]+/gu;

/**
 * Each byte's character in GPT-2's byte-level spelling, found by inverting the product's decoding table
 * (which puts them all below U+0200), so the vocabulary written here and the decoding agree by construction.
 */
const BYTE_CHARACTER: readonly string[] = (() => {
  const table: string[] = [];
  for (let codePoint = 0; codePoint < 512; codePoint++) {
    const character = String.fromCodePoint(codePoint);
    const bytes = tokenTextToBytes(character);
    if (bytes?.length === 1 && bytes[0] !== undefined) table[bytes[0]] = character;
  }
  return table;
})();

function spell(text: string): string[] {
  return [...Buffer.from(text, "utf8")].map((byte) => BYTE_CHARACTER[byte] as string);
}

/** Pieces as llama.cpp cuts them: each match, and each run of text between matches. */
function preTokenize(text: string): string[] {
  const pieces: string[] = [];
  let end = 0;
  for (const match of text.matchAll(PRE_TOKEN)) {
    if (match.index > end) pieces.push(text.slice(end, match.index));
    pieces.push(match[0]);
    end = match.index + match[0].length;
  }
  if (end < text.length) pieces.push(text.slice(end));
  return pieces;
}

function mergeInWord(symbols: string[], left: string, right: string): string[] {
  const merged: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i] === left && symbols[i + 1] === right) {
      merged.push(left + right);
      i++;
    } else merged.push(symbols[i] as string);
  }
  return merged;
}

/** The structural merges, then the corpus's most frequent pairs, most frequent first (ranks as in BPE). */
function learnMerges(): [string, string][] {
  const frequencies = new Map<string, number>();
  for (const piece of preTokenize(CORPUS)) frequencies.set(piece, (frequencies.get(piece) ?? 0) + 1);
  let words = [...frequencies].map(([piece, count]) => ({ symbols: spell(piece), count }));
  const merges: [string, string][] = [];
  const apply = (left: string, right: string) => {
    merges.push([left, right]);
    words = words.map((word) => ({ ...word, symbols: mergeInWord(word.symbols, left, right) }));
  };
  for (const piece of STRUCTURAL_PIECES) {
    const characters = [...piece];
    for (let i = 1; i < characters.length; i++) {
      const pair: [string, string] = [characters.slice(0, i).join(""), characters[i] as string];
      if (!merges.some(([left, right]) => left === pair[0] && right === pair[1])) apply(...pair);
    }
  }
  for (let learned = 0; learned < MAX_LEARNED_MERGES; learned++) {
    const pairs = new Map<string, { pair: [string, string]; count: number }>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const pair: [string, string] = [symbols[i] as string, symbols[i + 1] as string];
        const key = `${pair[0]} ${pair[1]}`;
        const seen = pairs.get(key);
        if (seen) seen.count += count;
        else pairs.set(key, { pair, count });
      }
    }
    let best: { pair: [string, string]; count: number } | undefined;
    for (const candidate of pairs.values()) if (!best || candidate.count > best.count) best = candidate;
    // A pair seen once would only memorise the corpus.
    if (!best || best.count < 2) break;
    apply(...best.pair);
  }
  return merges;
}

const TOKEN_TYPE = { normal: 1, control: 3, unused: 5 } as const;

interface Vocabulary {
  tokens: string[];
  types: number[];
  merges: string[];
}

let learned: Vocabulary | undefined;

/** Learned once per process: special tokens as BLOOM numbers them, the 256 bytes, then merge results. */
function learnedVocabulary(): Vocabulary {
  if (learned) return learned;
  const tokens = ["<unk>", "<s>", "</s>", "<pad>", ...BYTE_CHARACTER];
  const types = [...tokens].map((_, id) => (id < 4 ? TOKEN_TYPE.control : TOKEN_TYPE.normal));
  const known = new Set(tokens);
  const merges = learnMerges();
  for (const [left, right] of merges) {
    // Two merges may spell the same token ("ab"+"c", "a"+"bc"); the token is listed once.
    if (known.has(left + right)) continue;
    known.add(left + right);
    tokens.push(left + right);
    types.push(TOKEN_TYPE.normal);
  }
  learned = { tokens, types, merges: merges.map(([left, right]) => `${left} ${right}`) };
  return learned;
}

/** Padded the way BLOOM's converted vocabulary is: `[PAD<id>]` tokens marked unused, never produced by text. */
function vocabularyOfSize(size: number | undefined): Vocabulary {
  const base = learnedVocabulary();
  if (size === undefined) return base;
  if (size < base.tokens.length)
    throw new Error(`vocabSize ${size} is below the ${base.tokens.length} learned tokens`);
  const tokens = [...base.tokens];
  const types = [...base.types];
  for (let id = tokens.length; id < size; id++) {
    tokens.push(`[PAD${id}]`);
    types.push(TOKEN_TYPE.unused);
  }
  // llama.cpp aborts the whole process on a duplicate token text: refuse to write such a file.
  if (new Set(tokens).size !== tokens.length) throw new Error("the vocabulary holds a token twice");
  return { tokens, types, merges: base.merges };
}

/** mulberry32: small, fast and deterministic for a seed. */
function randomBits(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * Every weight is STEP x k, with k an integer drawn from a normal of standard deviation 40 (so weights
 * have a standard deviation near 0.02 and activations stay finite). A power-of-two step makes every
 * weight exact in f32, f16 and Q8_0 alike: one seed gives the same model in the three encodings.
 */
const STEP = 2 ** -11;
const K_SIGMA = 40;

const F32 = new Float32Array(1);
const F32_BITS = new Uint32Array(F32.buffer);

/** f16 bits of zero or of a normal number with at most 11 significant bits (all this file writes). */
function halfBits(value: number): number {
  if (value === 0) return 0;
  F32[0] = value;
  const bits = F32_BITS[0] as number;
  return ((bits >>> 16) & 0x8000) | ((((bits >>> 23) & 0xff) - 112) << 10) | ((bits >>> 13) & 0x3ff);
}

/** 16 random bits pick k through these tables: the normal's quantiles over 65,536 equal slices. */
const K_BY_INDEX = (() => {
  const weights: number[] = [];
  for (let k = -127; k <= 127; k++) weights.push(Math.exp(-(k * k) / (2 * K_SIGMA * K_SIGMA)));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const table = new Int8Array(65_536);
  let cumulative = 0;
  let k = -127;
  for (let index = 0; index < table.length; index++) {
    while ((index + 0.5) / table.length > (cumulative + (weights[k + 127] as number)) / total) {
      cumulative += weights[k + 127] as number;
      k++;
    }
    table[index] = k;
  }
  return table;
})();
const F32_BY_INDEX = Float32Array.from(K_BY_INDEX, (k) => k * STEP);
const F16_BY_INDEX = Uint16Array.from(K_BY_INDEX, (k) => halfBits(k * STEP));

const GGML_TYPE_ID: Record<TensorType, number> = { f32: 0, f16: 1, q8_0: 8 };
/** `general.file_type`: all f32, mostly f16, mostly Q8_0. */
const FILE_TYPE: Record<TensorType, number> = { f32: 0, f16: 1, q8_0: 7 };
const Q8_0_BLOCK = 32;
const Q8_0_BLOCK_BYTES = 2 + Q8_0_BLOCK;

function tensorBytes(type: TensorType, values: number): number {
  if (type === "q8_0") return (values / Q8_0_BLOCK) * Q8_0_BLOCK_BYTES;
  return values * (type === "f16" ? 2 : 4);
}

/** `count` random weights (a multiple of 32) encoded as `type`; each 32 random bits give two weights. */
function randomWeights(type: TensorType, count: number, next: () => number): Buffer {
  if (type === "q8_0") {
    const out = Buffer.alloc(tensorBytes("q8_0", count));
    const quants = new Int8Array(out.buffer, out.byteOffset, out.length);
    const scale = halfBits(STEP);
    for (let at = 0; at < out.length; at += Q8_0_BLOCK_BYTES) {
      out[at] = scale & 0xff;
      out[at + 1] = scale >>> 8;
      for (let j = at + 2; j < at + Q8_0_BLOCK_BYTES; j += 2) {
        const bits = next();
        quants[j] = K_BY_INDEX[bits & 0xffff] as number;
        quants[j + 1] = K_BY_INDEX[bits >>> 16] as number;
      }
    }
    return out;
  }
  const [table, out] =
    type === "f32" ? [F32_BY_INDEX, new Float32Array(count)] : [F16_BY_INDEX, new Uint16Array(count)];
  for (let i = 0; i < count; i += 2) {
    const bits = next();
    out[i] = table[bits & 0xffff] as number;
    out[i + 1] = table[bits >>> 16] as number;
  }
  return Buffer.from(out.buffer);
}

interface TensorPlan {
  name: string;
  /** GGUF order: the row length first. */
  dims: number[];
  type: TensorType;
  fill: "random" | "ones" | "zeros";
}

function tensorPlan(shape: Required<TinyBloomOptions>): TensorPlan[] {
  const { width, feedForward, tensorType, vocabSize } = shape;
  const matrix = (name: string, dims: number[]): TensorPlan => ({
    name,
    dims,
    type: tensorType,
    fill: "random",
  });
  const vector = (name: string, length: number, fill: "ones" | "zeros"): TensorPlan => ({
    name,
    dims: [length],
    type: "f32",
    fill,
  });
  const norm = (name: string) => [
    vector(`${name}.weight`, width, "ones"),
    vector(`${name}.bias`, width, "zeros"),
  ];
  const plan = [matrix("token_embd.weight", [width, vocabSize]), ...norm("token_embd_norm")];
  for (let layer = 0; layer < shape.layers; layer++) {
    const block = `blk.${layer}`;
    plan.push(
      ...norm(`${block}.attn_norm`),
      matrix(`${block}.attn_qkv.weight`, [width, 3 * width]),
      vector(`${block}.attn_qkv.bias`, 3 * width, "zeros"),
      matrix(`${block}.attn_output.weight`, [width, width]),
      vector(`${block}.attn_output.bias`, width, "zeros"),
      ...norm(`${block}.ffn_norm`),
      matrix(`${block}.ffn_up.weight`, [width, feedForward]),
      vector(`${block}.ffn_up.bias`, feedForward, "zeros"),
      matrix(`${block}.ffn_down.weight`, [feedForward, width]),
      vector(`${block}.ffn_down.bias`, width, "zeros"),
    );
  }
  // No output.weight: BLOOM ties the output projection to the token embedding.
  plan.push(...norm("output_norm"));
  return plan;
}

const ALIGNMENT = 32;
const alignUp = (offset: number) => Math.ceil(offset / ALIGNMENT) * ALIGNMENT;

const VALUE_TYPE = { u32: 4, i32: 5, f32: 6, string: 8, array: 9 } as const;

/** Little-endian GGUF header fields, collected then joined. */
class HeaderWriter {
  private readonly parts: Buffer[] = [];

  raw(bytes: Buffer): void {
    this.parts.push(bytes);
  }

  u32(value: number): void {
    const part = Buffer.alloc(4);
    part.writeUInt32LE(value);
    this.parts.push(part);
  }

  u64(value: number): void {
    const part = Buffer.alloc(8);
    part.writeBigUInt64LE(BigInt(value));
    this.parts.push(part);
  }

  string(text: string): void {
    const bytes = Buffer.from(text, "utf8");
    this.u64(bytes.length);
    this.parts.push(bytes);
  }

  key(name: string, type: number): void {
    this.string(name);
    this.u32(type);
  }

  keyU32(name: string, value: number): void {
    this.key(name, VALUE_TYPE.u32);
    this.u32(value);
  }

  keyF32(name: string, value: number): void {
    this.key(name, VALUE_TYPE.f32);
    const part = Buffer.alloc(4);
    part.writeFloatLE(value);
    this.parts.push(part);
  }

  keyString(name: string, value: string): void {
    this.key(name, VALUE_TYPE.string);
    this.string(value);
  }

  keyStrings(name: string, values: readonly string[]): void {
    this.key(name, VALUE_TYPE.array);
    this.u32(VALUE_TYPE.string);
    this.u64(values.length);
    for (const value of values) this.string(value);
  }

  keyI32s(name: string, values: readonly number[]): void {
    this.key(name, VALUE_TYPE.array);
    this.u32(VALUE_TYPE.i32);
    this.u64(values.length);
    const part = Buffer.alloc(4 * values.length);
    values.forEach((value, i) => {
      part.writeInt32LE(value, 4 * i);
    });
    this.parts.push(part);
  }

  /** The header, padded with zeros to where tensor data starts. */
  bytes(): Buffer {
    const joined = Buffer.concat(this.parts);
    return Buffer.concat([joined, Buffer.alloc(alignUp(joined.length) - joined.length)]);
  }
}

function header(shape: Required<TinyBloomOptions>, vocabulary: Vocabulary, plan: TensorPlan[]): Buffer {
  const arch = shape.architecture;
  const keys: ((writer: HeaderWriter) => void)[] = [
    (w) => w.keyString("general.architecture", arch),
    (w) => w.keyString("general.name", `tiny-bloom-${shape.layers}x${shape.width}`),
    (w) => w.keyU32("general.file_type", FILE_TYPE[shape.tensorType]),
    (w) => w.keyU32("general.alignment", ALIGNMENT),
    (w) => w.keyU32(`${arch}.context_length`, shape.contextLength),
    (w) => w.keyU32(`${arch}.embedding_length`, shape.width),
    (w) => w.keyU32(`${arch}.block_count`, shape.layers),
    (w) => w.keyU32(`${arch}.feed_forward_length`, shape.feedForward),
    (w) => w.keyU32(`${arch}.attention.head_count`, shape.heads),
    (w) => w.keyU32(`${arch}.attention.head_count_kv`, shape.heads),
    (w) => w.keyF32(`${arch}.attention.layer_norm_epsilon`, 1e-5),
    (w) => w.keyString("tokenizer.ggml.model", "gpt2"),
    (w) => w.keyString("tokenizer.ggml.pre", "bloom"),
    (w) => w.keyStrings("tokenizer.ggml.tokens", vocabulary.tokens),
    (w) => w.keyI32s("tokenizer.ggml.token_type", vocabulary.types),
    (w) => w.keyStrings("tokenizer.ggml.merges", vocabulary.merges),
    (w) => w.keyU32("tokenizer.ggml.bos_token_id", SPECIAL_TOKENS.bos),
    (w) => w.keyU32("tokenizer.ggml.eos_token_id", SPECIAL_TOKENS.eos),
    (w) => w.keyU32("tokenizer.ggml.unknown_token_id", SPECIAL_TOKENS.unk),
    (w) => w.keyU32("tokenizer.ggml.padding_token_id", SPECIAL_TOKENS.pad),
  ];
  const writer = new HeaderWriter();
  writer.raw(Buffer.from("GGUF", "latin1"));
  writer.u32(3);
  writer.u64(plan.length);
  writer.u64(keys.length);
  for (const key of keys) key(writer);
  // Tensors are consecutive, each starting on the alignment, as llama.cpp requires.
  let offset = 0;
  for (const tensor of plan) {
    writer.string(tensor.name);
    writer.u32(tensor.dims.length);
    for (const dim of tensor.dims) writer.u64(dim);
    writer.u32(GGML_TYPE_ID[tensor.type]);
    writer.u64(offset);
    offset += alignUp(tensorBytes(tensor.type, valueCount(tensor)));
  }
  return writer.bytes();
}

const valueCount = (tensor: TensorPlan) => tensor.dims.reduce((product, dim) => product * dim, 1);

/** Weights generated and written this many at a time (a multiple of the Q8_0 block): about 1-4 MB. */
const CHUNK_VALUES = 1 << 20;

function shapeOf(options: TinyBloomOptions): Omit<Required<TinyBloomOptions>, "vocabSize"> {
  const width = options.width ?? 64;
  const shape = {
    layers: options.layers ?? 2,
    width,
    heads: options.heads ?? 4,
    feedForward: options.feedForward ?? 4 * width,
    contextLength: options.contextLength ?? 2048,
    tensorType: options.tensorType ?? "f32",
    seed: options.seed ?? 1,
    architecture: options.architecture ?? "bloom",
  };
  if (width % shape.heads !== 0) throw new Error(`width ${width} is not a multiple of ${shape.heads} heads`);
  if (shape.tensorType === "q8_0" && (width % Q8_0_BLOCK !== 0 || shape.feedForward % Q8_0_BLOCK !== 0))
    throw new Error("Q8_0 rows need a width and a feed-forward width that are multiples of 32");
  return shape;
}

/** Writes the model to `path` (replacing any file there) and tells what it holds. */
export async function writeTinyBloomGguf(
  path: string,
  options: TinyBloomOptions = {},
): Promise<TinyBloomFile> {
  const vocabulary = vocabularyOfSize(options.vocabSize);
  const shape = { ...shapeOf(options), vocabSize: vocabulary.tokens.length };
  const plan = tensorPlan(shape);
  const next = randomBits(shape.seed);
  const file = await open(path, "w");
  let bytes = 0;
  const writeAll = async (buffer: Buffer) => {
    for (let done = 0; done < buffer.length; ) done += (await file.write(buffer, done)).bytesWritten;
  };
  // One write in flight while the next chunk is generated: the disk and the generator overlap.
  let pending = Promise.resolve();
  const write = async (buffer: Buffer) => {
    await pending;
    pending = writeAll(buffer);
    bytes += buffer.length;
  };
  try {
    await write(header(shape, vocabulary, plan));
    for (const tensor of plan) {
      const values = valueCount(tensor);
      if (tensor.fill === "random")
        for (let done = 0; done < values; done += CHUNK_VALUES)
          await write(randomWeights(tensor.type, Math.min(CHUNK_VALUES, values - done), next));
      else await write(Buffer.from(new Float32Array(values).fill(tensor.fill === "ones" ? 1 : 0).buffer));
      const size = tensorBytes(tensor.type, values);
      await write(Buffer.alloc(alignUp(size) - size));
    }
    await pending;
  } finally {
    // A failed generation must not close the file under a write still in flight.
    await Promise.allSettled([pending]);
    await file.close();
  }
  return { path, bytes, vocabulary: vocabulary.tokens, mergeCount: vocabulary.merges.length, shape };
}
