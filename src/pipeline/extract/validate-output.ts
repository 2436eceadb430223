/**
 * A parsed answer checked against the profile item by item: one bad item does not cost the good ones,
 * and the bad ones come with sentences naming the field, for the re-ask and for RejectedItem messages.
 */

import { show } from "../../profiles/error-messages.js";
import type { Profile } from "../../profiles/profile.js";
import { isObject } from "../../profiles/schema-nav.js";
import type { ModelItem } from "../types.js";

export interface OutputValidation {
  items: ModelItem[];
  /** `index` is the item's position in the answer's "entities". */
  invalid: { index: number; item: unknown; errors: string[] }[];
  /** Problems of the answer as a whole (no "entities" array): then there are no items at all. */
  errors: string[];
}

export function validateOutput(profile: Profile, value: unknown): OutputValidation {
  // Other top-level fields are ignored: without a grammar base BLOOM sometimes adds one, and it harms nothing.
  if (!isObject(value) || !Array.isArray(value.entities))
    return {
      items: [],
      invalid: [],
      errors: [`the answer must be an object {"entities": [...]} (got ${show(value)})`],
    };
  const result: OutputValidation = { items: [], invalid: [], errors: [] };
  for (const [index, item] of value.entities.entries()) {
    const errors = profile.validateItem(item);
    if (errors.length === 0) result.items.push(item as ModelItem);
    else result.invalid.push({ index, item, errors });
  }
  return result;
}
