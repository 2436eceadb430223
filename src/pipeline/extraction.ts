/**
 * The result of one document, as the API answers it and the CLI writes it. Its shape is declared once,
 * as the API's schema (schemas/extraction.ts), and these types are derived from it.
 * Every offset here is in Unicode code points, half-open [start, end), into `text`.
 */
export type {
  Extraction,
  ExtractionOutline,
  Mention as OutputMention,
  Page as OutputPage,
  Range as OutputRange,
  Rejected as OutputRejected,
  Span as OutputSpan,
  StageTimings,
} from "../schemas/extraction.js";
