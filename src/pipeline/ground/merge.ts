import { foldKey } from "../../text/fold.js";
import type { GroundedItem } from "../types.js";

/**
 * A grounded mention with the entity it names. `entity` is `<type>-<n>`: mentions of one type whose
 * folded text is the same (the model's spelling when it differs from the source, since that is its
 * reading of an OCR-damaged name) share it, and n counts that type's entities in order of first
 * mention. The id is stable for a given document and result, not across documents.
 */
export type MergedMention = GroundedItem & { entity: string };

/**
 * Removes the duplicates that overlapping chunks produce and groups mentions into entities.
 * Same type and same span: one is kept. Same type and overlapping spans from different chunks: one
 * chunk saw the mention cut or damaged, so the best is kept (longer, then exact, then with more
 * located fields, then from the earlier chunk). Overlapping spans from one chunk are the model's own
 * distinct items and stay. The result is in text order.
 */
export function mergeGroundedItems(items: GroundedItem[]): MergedMention[] {
  const kept: GroundedItem[] = [];
  for (const sameType of groupBy(items, (item) => item.type).values()) {
    for (const cluster of overlapClusters(sameType)) kept.push(...resolveCluster(cluster));
  }
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
  const sameSpan = a.span.start === b.span.start && a.span.end === b.span.end;
  const overlap = a.span.start < b.span.end && b.span.start < a.span.end;
  return sameSpan || (overlap && a.chunk !== b.chunk);
}

function withEntities(mentions: GroundedItem[]): MergedMention[] {
  const entityOf = new Map<string, string>();
  const countOf = new Map<string, number>();
  return mentions.map((mention) => {
    const key = `${mention.type}\u0000${foldKey(mention.span.modelText ?? mention.span.text)}`;
    let entity = entityOf.get(key);
    if (entity === undefined) {
      const n = (countOf.get(mention.type) ?? 0) + 1;
      countOf.set(mention.type, n);
      entity = `${mention.type}-${n}`;
      entityOf.set(key, entity);
    }
    return { ...mention, entity };
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
