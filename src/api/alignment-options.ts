/**
 * The alignment policy's options as a route's querystring declares them (POST /v1/extract), for the
 * OpenAPI description; multipart fields and JSON members of the same names are read alike (upload.ts).
 */
export const ALIGNMENT_QUERY = {
  fuzzy: {
    type: "boolean",
    description:
      "Cite a mention on source text that differs from the model's by a few letters (OCR noise); false: only as written, up to case, accents, spacing and line-end hyphens. Default: ALIGNMENT_FUZZY.",
  },
  maxEditRatio: {
    type: "number",
    minimum: 0,
    exclusiveMaximum: 1,
    description:
      "Share of a name's letters and digits that may differ (names under 4 letters: none). Numbers must always agree. Default: ALIGNMENT_MAX_EDIT_RATIO.",
  },
  nearMisses: {
    type: "string",
    enum: ["reject", "flag"],
    description:
      "A mention whose closest text differs by more than that, up to twice as much: reject (too_different) or flag (cited with nearMiss). Default: ALIGNMENT_NEAR_MISSES.",
  },
} as const;
