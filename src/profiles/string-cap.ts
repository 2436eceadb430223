/**
 * The first string of a model's item longer than the cap, as a sentence naming where it is; checked
 * before the item meets the schema, so that no validation (a format, a pattern) ever runs on a string
 * of unbounded length. The walk neither recurses nor copies paths: the item is whatever the model wrote,
 * nested as deep as it liked.
 */
import { pointerOf } from "./schema-nav.js";

interface Visit {
  value: unknown;
  key?: string;
  parent?: Visit;
}

function pathOf(visit: Visit): string[] {
  const at: string[] = [];
  for (let step: Visit | undefined = visit; step?.key !== undefined; step = step.parent) at.push(step.key);
  return at.reverse();
}

export function overlongString(item: unknown, maxLength: number): string | undefined {
  const pending: Visit[] = [{ value: item }];
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    const { value } = visit;
    if (typeof value === "string" && value.length > maxLength)
      // Named as describeErrors names fields: the path below the item, or "the item" itself.
      return `${visit.parent === undefined ? "the item" : `"${pointerOf(pathOf(visit)).slice(1)}"`} is ${value.length} characters long, more than the ${maxLength} allowed (OUTPUT_MAX_STRING_LENGTH)`;
    if (value !== null && typeof value === "object")
      for (const [key, child] of Object.entries(value)) pending.push({ value: child, key, parent: visit });
  }
  return undefined;
}
