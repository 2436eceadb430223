/**
 * A long result with every field the Extraction can carry somewhere in it (OCR and XML pages, boxes,
 * confidences, fuzzy citations with their differences, near misses, verbatim fields, mention warnings,
 * rejected items with occurrences and nearest text): what a serialiser must pass on untouched.
 */
import type { Extraction, OutputMention, OutputPage, OutputRejected } from "../../src/pipeline/extraction.js";

const LINE = "Le 12 mars, Jean Dupuy, natif de Genève, a comparu devant le notaire.";

export function richExtraction(pageCount: number): Extraction {
  const pageText = Array.from({ length: 30 }, () => LINE).join("\n");
  const text = Array.from({ length: pageCount }, () => pageText).join("\n\n");
  const pageLength = pageText.length + 2;
  const pages = Array.from({ length: pageCount }, (_, n): OutputPage => {
    const start = n * pageLength;
    const page: OutputPage = { number: n + 1, start, end: start + pageText.length, needsOcr: false };
    if (n % 3 === 0) return page;
    if (n % 3 === 1)
      return {
        ...page,
        width: 2480,
        height: 3508.5,
        reading: {
          method: "ocr",
          reason: "no-text-layer",
          engine: "tesseract 5.3.0",
          model: "frk+fra",
          image: "rendered",
          dpi: 300,
          confidence: 0.913,
        },
      };
    return { ...page, width: 1200, height: 1800, reading: { method: "alto" } };
  });
  const entities = pages.flatMap((page, n) =>
    [0, 1, 2].map((k): OutputMention => {
      const id = n * 3 + k + 1;
      const [type, offset, mention] = (
        [
          ["date", 3, "12 mars"],
          ["person", 12, "Jean Dupuy"],
          ["place", 33, "Genève"],
        ] as const
      )[k] as readonly [string, number, string];
      const start = page.start + (k + 1) * (LINE.length + 1) + offset;
      const base: OutputMention = {
        id: `m${id}`,
        entity: `${type}-1`,
        entityName: mention,
        type,
        start,
        end: start + mention.length,
        text: mention,
        page: page.number,
        line: k + 2,
        alignment: "exact",
        attributes: type === "date" ? { value: "1789-03-12" } : type === "place" ? { kind: "city" } : {},
      };
      if (id % 4 === 0)
        Object.assign(base, {
          alignment: "fuzzy",
          modelText: mention.toUpperCase(),
          editDistance: 0,
          differences: ["case"],
        });
      if (id % 7 === 0)
        Object.assign(base, { nearMiss: true, editDistance: 3, differences: ["letters", "ocr"] });
      if (page.width !== undefined)
        Object.assign(base, {
          bbox: { x: 120.5, y: 80 * k + 14, width: 210, height: 31 },
          confidence: 0.42 + k / 10,
          lowConfidence: k === 0,
        });
      if (id % 5 === 0)
        Object.assign(base, {
          warnings: [
            {
              code: "DERIVED_VALUE_DROPPED",
              message: "The value disagrees with the text.",
              page: page.number,
            },
          ],
          fields: {
            "/father": {
              start,
              end: start + 4,
              text: mention.slice(0, 4),
              page: page.number,
              line: k + 2,
              alignment: "exact",
            },
          },
        });
      return base;
    }),
  );
  const rejected: OutputRejected[] = [
    {
      reason: "outside_passage",
      message: "The text stands elsewhere in the document.",
      item: { type: "person", text: "Jean Dupuy", nested: [1, null, { deep: true }] },
      chunk: 2,
      occurrences: [{ start: 12, end: 22, text: "Jean Dupuy", page: 1, line: 1 }],
    },
    {
      reason: "different_number",
      message: "A different number.",
      item: "raw output",
      chunk: 0,
      nearest: { start: 3, end: 10, text: "12 mars", page: 1, line: 1 },
    },
    { reason: "unparseable_output", message: "Not JSON.", item: null, chunk: 1 },
  ];
  return {
    document: {
      id: "a".repeat(64),
      mediaType: "application/pdf",
      byteLength: 291_430,
      characters: text.length,
      language: "fr",
      languageSource: "detected",
      pages,
      filename: "registre.pdf",
    },
    profile: { name: "default", version: "1.0.0" },
    model: { id: "bigscience/bloomz-560m", server: "tgi", grammar: true },
    text,
    entities,
    rejected,
    warnings: [{ code: "TEXT_LAYER_REPLACED", message: "The text layer was garbage.", page: 2 }],
    stats: {
      chunks: pageCount * 2,
      modelCalls: pageCount * 2,
      retries: 1,
      reasks: 2,
      splits: 0,
      promptTokens: 123_456,
      outputTokens: 23_456,
      timings: { ingest: 120, normalize: 8, chunk: 54, extract: 9_000, ground: 40, total: 9_222 },
    },
  };
}
