/**
 * Entities of a record: mentions grouped under an id `<type>-<n>` (as the pipeline numbers them,
 * pipeline/ground/merge.ts), named by their most frequent form.
 */
import type { ReviewedMention } from "../schemas/review.js";

/** An entity id of the type that no mention of the record uses yet. */
export function newEntityId(mentions: readonly ReviewedMention[], type: string): string {
  const prefix = `${type}-`;
  let highest = 0;
  for (const { entity } of mentions) {
    if (!entity.startsWith(prefix)) continue;
    const n = Number(entity.slice(prefix.length));
    if (Number.isInteger(n) && n > highest) highest = n;
  }
  return `${prefix}${highest + 1}`;
}

/**
 * Each entity's name again, from the mentions a person has not rejected: the most frequent form, the
 * earliest of equally frequent ones (in reading order). An entity all of whose mentions are rejected
 * keeps its name.
 */
export function renameEntities(mentions: ReviewedMention[]): ReviewedMention[] {
  const forms = new Map<string, Map<string, number>>();
  for (const mention of mentions) {
    if (mention.review === "rejected") continue;
    const counts = forms.get(mention.entity) ?? new Map<string, number>();
    counts.set(mention.text, (counts.get(mention.text) ?? 0) + 1);
    forms.set(mention.entity, counts);
  }
  const names = new Map(
    [...forms].map(([entity, counts]) => [
      entity,
      [...counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0],
    ]),
  );
  return mentions.map((mention) => {
    const name = names.get(mention.entity);
    return name === undefined || name === mention.entityName ? mention : { ...mention, entityName: name };
  });
}

/** The type of an entity's mentions (those not rejected first), or undefined for an unknown entity. */
export function entityType(mentions: readonly ReviewedMention[], entity: string): string | undefined {
  const members = mentions.filter((mention) => mention.entity === entity);
  return (members.find((mention) => mention.review !== "rejected") ?? members[0])?.type;
}
