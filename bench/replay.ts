/**
 * The replaying model of the fidelity benchmark: for each prompt it finds the gold document whose
 * text the prompt carries and answers the gold mentions of that passage, in reading order, as a
 * perfect model would:
 *
 * - verbatim: each mention spelled exactly as the prompt shows it (the normalised text);
 * - noisy: each mention copied from the source with its line breaks turned into spaces, then, at
 *   random but reproducibly, its case changed, its diacritics dropped, a letter dropped (from a word
 *   of four letters or more, in names of six letters or more), plus one invented mention per passage: a name from another document that
 *   stands nowhere in this one, not even within 30% of edits.
 *
 * In both, each passage also gets near misses the product must refuse (near-misses.ts): a mention with
 * a digit changed, a look-alike name and a name from another passage of the same document.
 *
 * Only the mentions whose gold label the profile can express are answered (see replayableGold).
 */
import type { GoldDocument, GoldFile } from "../src/eval/gold.js";
import { goldLabels, labeller, type TypeMap, typeOfLabel } from "../src/eval/type-map.js";
import { documentOfPrompt } from "../src/pipeline/extract/prompt.js";
import { approximateMatches } from "../src/pipeline/ground/approximate.js";
import { normalizeForModel } from "../src/pipeline/normalize/index.js";
import type { NormalizedText } from "../src/pipeline/types.js";
import { CodePointIndex } from "../src/text/code-points.js";
import { fold, foldKey } from "../src/text/fold.js";
import { type NearMiss, nearMissesFor } from "./near-misses.js";

export type ReplayMode = "verbatim" | "noisy";

interface Answer {
  type: string;
  /** What the model answers. */
  text: string;
  /** What the text says there, as the model reads it (the normalised text). */
  read: string;
  /** Range in the normalised text. */
  start: number;
  end: number;
}

interface ReplayDocument {
  key: string;
  source: string;
  normalized: NormalizedText;
  answers: Answer[];
  invented: Answer[];
}

/** Share of a name's length an invented mention must stay away from anything in the text. */
const INVENTED_DISTANCE = 0.3;
const INVENTED_PER_DOCUMENT = 3;

/** A document's key: its file and id, since ids repeat across files. */
export const documentKey = (file: GoldFile, document: GoldDocument) => `${file.path}\u0000${document.id}`;

/**
 * The gold restricted to labels a prediction can come back as: a label the type map maps to a
 * type, and the first label of that type (topres19th's BUILDING and STREET come back as LOC, ajmc's
 * scope and object have no type). The rest is left out of the answers and of the scores.
 */
export function replayableGold(
  file: GoldFile,
  map: TypeMap,
): { file: GoldFile; leftOut: Record<string, number> } {
  const label = labeller(map, goldLabels(file));
  const keeps = (l: string) => {
    const type = typeOfLabel(map, l);
    return type !== undefined && label(type) === l;
  };
  const leftOut: Record<string, number> = {};
  const documents = file.documents.map((document) => {
    for (const m of document.mentions) if (!keeps(m.type)) leftOut[m.type] = (leftOut[m.type] ?? 0) + 1;
    return {
      ...document,
      mentions: document.mentions.filter((m) => keeps(m.type)),
      ...(document.tokens
        ? { tokens: document.tokens.map((t) => ({ ...t, tag: keeps(t.tag.slice(2)) ? t.tag : "O" })) }
        : {}),
    };
  });
  return { file: { ...file, documents }, leftOut };
}

export class Replay {
  /** Invented mentions answered, per document key. */
  readonly inventedAnswered = new Map<string, string[]>();
  /** Near misses answered (see near-misses.ts), per document key. */
  readonly nearMissesAnswered = new Map<string, NearMiss[]>();
  private readonly documents: ReplayDocument[];

  constructor(files: { file: GoldFile; map: TypeMap }[], mode: ReplayMode) {
    const pool: { type: string; text: string }[] = [];
    this.documents = files.flatMap(({ file, map }) =>
      file.documents.map((document) => {
        const key = documentKey(file, document);
        const random = seeded(key);
        const normalized = normalizeForModel(document.text);
        const index = new CodePointIndex(document.text);
        const at = (codePoint: number) => {
          const unit = index.toUtf16(codePoint);
          return normalized.toSource.findIndex((source) => source >= unit);
        };
        const answers = document.mentions.flatMap((m) => {
          const type = typeOfLabel(map, m.type);
          const start = at(m.start);
          const end = at(m.end);
          const read = normalized.text.slice(start, end).trim();
          if (type === undefined || read === "") return [];
          pool.push({ type, text: m.text.replace(/\s+/g, " ") });
          return [{ type, start, end, read, text: mode === "verbatim" ? read : noisy(m.text, random) }];
        });
        return { key, source: document.text, normalized, answers, invented: [] as Answer[] };
      }),
    );
    if (mode === "noisy")
      for (const document of this.documents) document.invented = inventedFor(document, pool);
  }

  readonly respond = (prompt: string): string => {
    const chunk = documentOfPrompt(prompt) ?? "";
    const document = this.documents.find((d) => d.normalized.text.includes(chunk));
    if (document === undefined || chunk === "") return '{"entities": []}';
    const offset = document.normalized.text.indexOf(chunk);
    const inside = document.answers.filter((a) => a.start >= offset && a.end <= offset + chunk.length);
    const entities = inside.map(({ type, text }) => ({ type, text }));
    const passage = { start: offset, end: offset + chunk.length };
    const misses = nearMissesFor(document, passage, seeded(`${document.key}\u0000${offset}`));
    entities.push(...misses.map(({ type, text }) => ({ type, text })));
    this.nearMissesAnswered.set(document.key, [
      ...(this.nearMissesAnswered.get(document.key) ?? []),
      ...misses,
    ]);
    const invented = document.invented[offset % Math.max(1, document.invented.length)];
    if (invented !== undefined) {
      entities.push({ type: invented.type, text: invented.text });
      const answered = this.inventedAnswered.get(document.key) ?? [];
      answered.push(invented.text);
      this.inventedAnswered.set(document.key, answered);
    }
    return JSON.stringify({ entities });
  };
}

function noisy(source: string, random: () => number): string {
  let text = source.replace(/\s+/g, " ").trim();
  if (random() < 0.5) text = random() < 0.5 ? text.toUpperCase() : text.toLowerCase();
  if (random() < 0.5) text = text.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC");
  // A letter of a word of four letters or more: a misspelt word, not a vanished initial ("M." of "M. Couve").
  const letters = [...text.matchAll(/\p{L}{4,}/gu)].flatMap((word) =>
    [...word[0].matchAll(/\p{L}/gu)].map((letter) => ({
      at: word.index + letter.index,
      length: letter[0].length,
    })),
  );
  if (letters.length >= 6 && random() < 0.3) {
    const letter = letters[Math.floor(random() * letters.length)];
    if (letter !== undefined) text = text.slice(0, letter.at) + text.slice(letter.at + letter.length);
  }
  return text;
}

/** Names of other documents that stand nowhere in this one, not even approximately. */
function inventedFor(document: ReplayDocument, pool: { type: string; text: string }[]) {
  const random = seeded(`${document.key}\u0000invented`);
  const folded = fold(document.source).text;
  const chosen: Answer[] = [];
  for (let tries = 0; tries < 200 && chosen.length < INVENTED_PER_DOCUMENT && pool.length > 0; tries++) {
    const candidate = pool[Math.floor(random() * pool.length)];
    if (candidate === undefined || chosen.some((c) => c.text === candidate.text)) continue;
    const key = foldKey(candidate.text);
    if (key.length < 6 || folded.includes(key)) continue;
    if (approximateMatches(key, folded, Math.floor(key.length * INVENTED_DISTANCE)).length > 0) continue;
    chosen.push({ ...candidate, read: candidate.text, start: 0, end: 0 });
  }
  return chosen;
}

/** A reproducible random sequence per key (FNV-1a seed, mulberry32). */
function seeded(key: string): () => number {
  let seed = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) seed = Math.imul(seed ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
