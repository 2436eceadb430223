/** Results flattened to one record per mention: what JSON Lines and CSV exports are made of. */
import type { Extraction, OutputMention, OutputSpan } from "../pipeline/extraction.js";
import type { Alignment } from "../pipeline/types.js";
import { type Box, imageRegion } from "./region.js";

export interface MentionRow {
  /** The document's id (sha256 of its bytes). */
  document: string;
  filename?: string;
  id: string;
  entity: string;
  /** The entity's most frequent form in the text. */
  entityName: string;
  type: string;
  /** Code points, half-open, into the document's text. */
  start: number;
  end: number;
  text: string;
  page: number;
  line: number;
  alignment: Alignment;
  modelText?: string;
  attributes: Record<string, unknown>;
  fields?: Record<string, OutputSpan>;
  bbox?: Box;
  /** OCR confidence (0-1) of the least sure word of the mention, and whether it is below the threshold. */
  confidence?: number;
  lowConfidence?: boolean;
  /** Of a reviewed document: whether a person confirmed, corrected or added it (or left it unreviewed). */
  review?: OutputMention["review"];
}

export function mentionRows(extractions: Extraction[]): MentionRow[] {
  return extractions.flatMap((extraction) =>
    extraction.entities.map((mention): MentionRow => {
      const region = imageRegion(extraction, mention);
      return {
        document: extraction.document.id,
        ...(extraction.document.filename ? { filename: extraction.document.filename } : {}),
        id: mention.id,
        entity: mention.entity,
        entityName: mention.entityName,
        type: mention.type,
        start: mention.start,
        end: mention.end,
        text: mention.text,
        page: mention.page,
        line: mention.line,
        alignment: mention.alignment,
        ...(mention.modelText === undefined ? {} : { modelText: mention.modelText }),
        attributes: mention.attributes,
        ...(mention.fields ? { fields: mention.fields } : {}),
        ...(region ? { bbox: region.box } : {}),
        ...ocrConfidence(mention),
        ...(mention.review === undefined ? {} : { review: mention.review }),
      };
    }),
  );
}

/** Read structurally: only mentions of OCR pages have them. */
function ocrConfidence(mention: OutputMention): Pick<MentionRow, "confidence" | "lowConfidence"> {
  const { confidence, lowConfidence } = mention as OutputMention & {
    confidence?: number;
    lowConfidence?: boolean;
  };
  return {
    ...(confidence === undefined ? {} : { confidence }),
    ...(lowConfidence === undefined ? {} : { lowConfidence }),
  };
}
