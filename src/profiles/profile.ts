/** An extraction profile: a JSON Schema 2020-12 file of schemas/ (or a user's), compiled. */
import type { DerivedFields } from "../pipeline/ground/derived.js";
import type { AlignmentPolicy } from "../pipeline/ground/policy.js";
import type { ModelItem } from "../pipeline/types.js";
import type { JsonObject } from "./schema-nav.js";

export interface ProfileExample {
  /** A short document snippet. */
  text: string;
  /** What the model should answer for it (valid against the profile's schema). */
  output: { entities: ModelItem[] };
  /** Language of `text` (ISO 639-1), used to pick examples in the document's language. */
  language?: string;
}

export interface Profile {
  /** The file name without ".json", or the name given with a per-request schema. */
  name: string;
  title: string;
  description: string;
  version: string;
  /** The JSON Schema sent to the model server as grammar (the profile without `x-palimpsest`). */
  schema: JsonObject;
  /** Problems of one item, as sentences naming the field (empty when the item is valid). */
  validateItem: (item: unknown) => string[];
  /** JSON Pointers, relative to an item, of the verbatim string fields ("/text", "/godparents/*"). */
  verbatimPaths: string[];
  examples: ProfileExample[];
  /**
   * Every verbatim string of the examples' outputs, RAW (as written in the profile, not folded):
   * the grounding stage folds them with its own folding to spot mentions copied from the examples.
   */
  exampleMentions: Set<string>;
  /** The values the items' `type` can take; empty when some item schema leaves `type` free. */
  itemTypes: string[];
  /** Attributes read off a verbatim field (pointer to pointer), checked against its cited text. */
  derived: DerivedFields;
  /** The profile's alignment policy, over the service's. */
  alignment?: Partial<AlignmentPolicy>;
}
