/** The `x-palimpsest` keyword of a profile: what Palimpsest needs beyond the JSON Schema itself. */
import type { AlignmentPolicy } from "../pipeline/ground/policy.js";
import type { ProfileExample } from "./profile.js";

export interface Metadata {
  version: string;
  verbatim?: string[];
  /** Attributes read off a verbatim field: `{"/value": "/text"}`. */
  derived?: Record<string, string>;
  alignment?: Partial<AlignmentPolicy>;
  examples?: ProfileExample[];
}

export const DEFAULT_VERBATIM = ["/text"];

export const METADATA_SCHEMA = {
  type: "object",
  required: ["version"],
  additionalProperties: false,
  properties: {
    version: { type: "string", minLength: 1 },
    verbatim: {
      type: "array",
      minItems: 1,
      uniqueItems: true,
      items: {
        type: "string",
        pattern: "^(/[^/]+)+$",
        description: 'a JSON Pointer such as "/text" or "/godparents/*"',
      },
    },
    derived: {
      type: "object",
      description:
        'attributes read off a verbatim field, checked against the text it is cited on: {"/value": "/text"}',
      propertyNames: { pattern: "^(/[^/*]+)+$" },
      additionalProperties: { type: "string", pattern: "^(/[^/*]+)+$" },
    },
    alignment: {
      type: "object",
      additionalProperties: false,
      properties: {
        fuzzy: { type: "boolean" },
        maxEditRatio: { type: "number", minimum: 0, exclusiveMaximum: 1 },
        nearMisses: { enum: ["reject", "flag"] },
      },
    },
    examples: {
      type: "array",
      items: {
        type: "object",
        required: ["text", "output"],
        additionalProperties: false,
        properties: {
          text: { type: "string", minLength: 1 },
          output: { type: "object" },
          language: { type: "string", pattern: "^[a-z]{2,3}$", description: "an ISO 639-1 code such as fr" },
        },
      },
    },
  },
} as const;
