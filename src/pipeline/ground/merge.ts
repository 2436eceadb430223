import type { GroundedItem } from "../types.js";
import { entityKey } from "./entity-key.js";

/**
 * A grounded mention with the entity it names. `entity` is `<type>-<n>`, n counting that type's
 * entities in order of first mention; `entityName` is the entity's most frequent form in the source
 * (the earliest of equally frequent ones). The id is stable for a given document and result, not
 * across documents.
 */
export type MergedMention = GroundedItem & { entity: string; entityName: string };

/**
 * Removes the duplicates that overlapping chunks produce and groups mentions into entities.
 * Same span: one is kept, unless one chunk's model gave it two types (its own distinct items). From
 * different chunks, overlapping spans of one type, or crossing spans of any types, are one mention
 * seen cut or damaged by one chunk, so the best is kept (longer, then exact, then with more located
 * fields, then from the earlier chunk); a mention nested in a longer one of another type stays. The
 * result is in text order.
 */
export function mergeGroundedItems(items: GroundedItem[]): MergedMention[] {
  const kept = overlapClusters(items).flatMap(resolveCluster);
  kept.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || compare(a.type, b.type));
  return withEntities(kept);
}

/** Runs of items (sorted by start) whose spans overlap, directly or through one another. */
function overlapClusters(items: GroundedItem[]): GroundedItem[][] {
  const sorted = [...items].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const clusters: GroundedItem[][] = [];
  let clusterEnd = Number.NEGATIVE_INFINITY;
  for (const item of sorted) {
    const current = clusters.at(-1);
    if (current !== undefined && item.span.start < clusterEnd) {
      current.push(item);
      clusterEnd = Math.max(clusterEnd, item.span.end);
    } else {
      clusters.push([item]);
      clusterEnd = item.span.end;
    }
  }
  return clusters;
}

function resolveCluster(cluster: GroundedItem[]): GroundedItem[] {
  const byQuality = [...cluster].sort(
    (a, b) =>
      length(b) - length(a) ||
      Number(b.span.alignment === "exact") - Number(a.span.alignment === "exact") ||
      Object.keys(b.fieldSpans).length - Object.keys(a.fieldSpans).length ||
      a.chunk - b.chunk,
  );
  const kept: GroundedItem[] = [];
  for (const item of byQuality) {
    if (!kept.some((other) => duplicates(item, other))) kept.push(item);
  }
  return kept;
}

function duplicates(a: GroundedItem, b: GroundedItem): boolean {
  const sameType = a.type === b.type;
  const otherChunk = a.chunk !== b.chunk;
  const sameSpan = a.span.start === b.span.start && a.span.end === b.span.end;
  if (sameSpan) return sameType || otherChunk;
  const overlap = a.span.start < b.span.end && b.span.start < a.span.end;
  const nested =
    (a.span.start <= b.span.start && b.span.end <= a.span.end) ||
    (b.span.start <= a.span.start && a.span.end <= b.span.end);
  return overlap && otherChunk && (sameType || !nested);
}

/**
 * Mentions of one type are one entity when their keys meet (entity-key.ts): the source's text, and
 * the model's reading of it for a citation within the policy (a near miss names something else).
 */
function withEntities(mentions: GroundedItem[]): MergedMention[] {
  const parent = mentions.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      const up = parent[parent[i] as number] as number;
      parent[i] = up;
      i = up;
    }
    return i;
  };
  const firstWithKey = new Map<string, number>();
  mentions.forEach((mention, i) => {
    const { text, modelText, nearMiss } = mention.span;
    const readings = modelText === undefined || nearMiss ? [text] : [text, modelText];
    for (const reading of readings) {
      const key = `${mention.type}\u0000${entityKey(reading)}`;
      const first = firstWithKey.get(key);
      if (first === undefined) firstWithKey.set(key, i);
      else parent[root(i)] = root(first);
    }
  });
  const groups = groupBy(
    mentions.map((_, i) => i),
    (i) => String(root(i)),
  );
  const names = new Map<number, string>();
  for (const members of groups.values()) {
    const counts = new Map<string, number>();
    for (const i of members) {
      const text = mentions[i]?.span.text as string;
      counts.set(text, (counts.get(text) ?? 0) + 1);
    }
    // Map order is first-seen order, so the earliest form wins a tie.
    const name = [...counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
    names.set(root(members[0] as number), name);
  }
  const entityOf = new Map<number, string>();
  const countOf = new Map<string, number>();
  return mentions.map((mention, i) => {
    const group = root(i);
    let entity = entityOf.get(group);
    if (entity === undefined) {
      const n = (countOf.get(mention.type) ?? 0) + 1;
      countOf.set(mention.type, n);
      entity = `${mention.type}-${n}`;
      entityOf.set(group, entity);
    }
    return { ...mention, entity, entityName: names.get(group) as string };
  });
}

function groupBy<T>(values: T[], keyOf: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const key = keyOf(value);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [value]);
    else group.push(value);
  }
  return groups;
}

function length(item: GroundedItem): number {
  return item.span.end - item.span.start;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
