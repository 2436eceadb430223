/**
 * The result of one document, as the API answers it, the CLI writes it and the store keeps it: declared
 * once here, the TypeScript types (pipeline/extraction.ts) are derived from these schemas.
 * Every offset is in Unicode code points, half-open [start, end), into the Extraction's `text`.
 */
import { type Static, Type } from "typebox";
import { count, refTo, stringEnum } from "./builders.js";

const ALIGNMENTS = ["exact", "fuzzy"] as const;

/**
 * What kind of difference a fuzzy citation has from the model's text: letterforms are long s, ligatures
 * and Fraktur letters; hyphenation a word broken at a line end; spacing line breaks, spaces, words glued
 * together or split; ocr letters OCR confuses (c/e, rn/m, 1/l, S/5...); letters other letters added,
 * dropped or changed.
 */
const DIFFERENCE_KINDS = [
  "case",
  "diacritics",
  "letterforms",
  "hyphenation",
  "spacing",
  "punctuation",
  "ocr",
  "letters",
] as const;

/**
 * Why an item of the model's answer was not kept: not_in_document, the text stands nowhere in the
 * document (a hallucination); outside_passage, it stands elsewhere in the document, not in the passage
 * the model was given; different_number, the passage has it with a number changed (a date, a year, an
 * amount, a Roman numeral); too_different, the passage's closest text differs by more than the alignment
 * policy allows.
 */
const REJECTION_REASONS = [
  "not_in_document",
  "outside_passage",
  "different_number",
  "too_different",
  "copied_from_example",
  "schema_invalid",
  "unparseable_output",
  "truncated_output",
] as const;

/**
 * The review state of a mention in a reviewed document's result (see schemas/review.ts): as the model
 * gave it, or confirmed, corrected or added by a person. Mentions a person rejected are left out.
 */
export const EXPORTED_REVIEW_STATES = ["unreviewed", "confirmed", "corrected", "added"] as const;

/** Why a page was read by OCR. */
const OCR_REASONS = ["image", "no-text-layer", "garbage-text-layer"] as const;

/** How the pages of an OCR export (ALTO, PAGE, hOCR) say they were read. */
const XML_READINGS = ["alto", "page-xml", "hocr"] as const;

export const Box = Type.Object(
  { x: Type.Number(), y: Type.Number(), width: Type.Number(), height: Type.Number() },
  {
    $id: "Box",
    description: "A rectangle in page pixels; the origin is the top-left corner of the page image.",
  },
);

export const Warning = Type.Object(
  {
    code: Type.String(),
    message: Type.String(),
    page: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { $id: "Warning", description: "Something the user should know about the reading or the result." },
);

export const PageReading = Type.Union(
  [
    Type.Object({ method: stringEnum(["text-layer"]) }),
    Type.Object({ method: stringEnum(XML_READINGS) }),
    Type.Object({
      method: stringEnum(["iiif-annotations"], {
        description: "The transcription a IIIF manifest gives as text annotations of the canvas.",
      }),
    }),
    Type.Object({
      method: stringEnum(["ocr"]),
      reason: stringEnum(OCR_REASONS),
      engine: Type.String({
        description: 'Engine and version, e.g. "tesseract 5.3.0" or "tesseract.js 7.0.0".',
      }),
      model: Type.String({ description: 'Models (traineddata) used, e.g. "frk" or "eng+fra".' }),
      image: stringEnum(["file", "embedded", "rendered"], {
        description:
          "Where the page image came from: the uploaded file, an image embedded in the PDF, or a rendering.",
      }),
      dpi: Type.Optional(
        Type.Number({ description: "Resolution of a PDF page's image (rendered, or the embedded scan's)." }),
      ),
      confidence: Type.Optional(
        Type.Number({ minimum: 0, maximum: 1, description: "Mean word confidence of the page." }),
      ),
      rotation: Type.Optional(
        Type.Unsafe<0 | 90 | 180 | 270>({
          type: "integer",
          enum: [0, 90, 180, 270],
          description:
            "Degrees the page image was turned clockwise to stand upright before it was read (OCR_ORIENTATION); absent when orientation was not looked for. Boxes are in the image as stored, not turned.",
        }),
      ),
      textArea: Type.Optional(
        refTo(Box, {
          description:
            "Where the page's text stands: words read outside it (binding, page edge, rulers) were dropped (OCR_TEXT_AREA).",
        }),
      ),
      dropped: Type.Optional(
        Type.Object(
          {
            lines: count("Lines dropped whole."),
            words: count("Words dropped, those of the dropped lines included."),
          },
          {
            description:
              "What the engine read but is not the page's text (margins, junk lines), left out of the document's text.",
          },
        ),
      ),
    }),
  ],
  {
    $id: "PageReading",
    description: "How the page's text was obtained: text layer, OCR (engine, model, why) or an XML export.",
  },
);

export const Page = Type.Object(
  {
    number: Type.Integer({ minimum: 1 }),
    start: count(),
    end: count(),
    needsOcr: Type.Boolean(),
    width: Type.Optional(Type.Number({ description: "Page image width in pixels, the space of the boxes." })),
    height: Type.Optional(Type.Number()),
    reading: Type.Optional(refTo(PageReading)),
    canvas: Type.Optional(
      Type.Object(
        {
          id: Type.String({ description: "The canvas's IRI." }),
          width: Type.Number({
            description: "The canvas's width: boxes are scaled to it to target the canvas.",
          }),
          height: Type.Number(),
          image: Type.Optional(
            Type.Object(
              {
                id: Type.String({ description: "The image the manifest paints on the canvas." }),
                format: Type.Optional(Type.String()),
                service: Type.Optional(
                  Type.Object({
                    id: Type.String(),
                    type: Type.String(),
                    profile: Type.Optional(Type.String()),
                  }),
                ),
              },
              {
                description: "The canvas's image and its IIIF Image API service, as the manifest names them.",
              },
            ),
          ),
        },
        { description: "Of a document read from a IIIF manifest: the canvas the page is." },
      ),
    ),
  },
  { $id: "Page", description: "A page of the document: its range of the text, and how it was read." },
);

const spanProperties = {
  start: count(),
  end: count(),
  text: Type.String({ description: "Exactly the source's text between start and end." }),
  page: Type.Integer({ minimum: 1 }),
  line: Type.Integer({ minimum: 1 }),
  alignment: stringEnum(ALIGNMENTS),
  modelText: Type.Optional(Type.String({ description: "What the model wrote, when it differs from text." })),
  editDistance: Type.Optional(
    count(
      "Of a fuzzy span: letters and digits added, dropped or changed (0 when only case, accents, spacing differ).",
    ),
  ),
  differences: Type.Optional(
    Type.Array(stringEnum(DIFFERENCE_KINDS), {
      description: "Of a fuzzy span: what differs from the model's text.",
    }),
  ),
  nearMiss: Type.Optional(
    Type.Literal(true, {
      description: "Over the alignment policy's edit budget, cited only because near misses are flagged.",
    }),
  ),
  bbox: Type.Optional(
    refTo(Box, { description: "Union of the boxes of the words covered (OCR and XML pages)." }),
  ),
  lineBoxes: Type.Optional(
    Type.Array(refTo(Box), {
      description: "Of a span over several lines: the union of its words on each line, in reading order.",
    }),
  ),
  confidence: Type.Optional(
    Type.Number({ minimum: 0, maximum: 1, description: "OCR confidence of the least sure word covered." }),
  ),
  lowConfidence: Type.Optional(
    Type.Boolean({
      description: "Set when confidence is below OCR_LOW_CONFIDENCE: the reading may be wrong.",
    }),
  ),
};

export const Span = Type.Object(spanProperties, {
  $id: "Span",
  description: "A verbatim string located in the source text.",
});

export const Mention = Type.Object(
  {
    id: Type.String({ description: "Stable within the document: m1, m2... in reading order." }),
    entity: Type.String({ description: "Groups the mentions of one entity: person-1, place-2..." }),
    entityName: Type.String({ description: "The entity's most frequent form in the text." }),
    type: Type.String(),
    ...spanProperties,
    attributes: Type.Record(Type.String(), Type.Unknown(), {
      description: "The profile's other fields, validated.",
    }),
    warnings: Type.Optional(Type.Array(refTo(Warning))),
    fields: Type.Optional(
      Type.Record(Type.String(), refTo(Span), {
        description: "Other verbatim fields of the item located in the text, keyed by JSON pointer.",
      }),
    ),
    review: Type.Optional(
      stringEnum(EXPORTED_REVIEW_STATES, {
        description: "Of a reviewed document: whether a person confirmed, corrected or added the mention.",
      }),
    ),
  },
  { $id: "Mention", description: "One mention of an entity, cited in the source." },
);

export const Range = Type.Object(
  { start: count(), end: count(), text: Type.String(), page: Type.Integer(), line: Type.Integer() },
  { $id: "Range", description: "A range of the text, with where it stands." },
);

export const Rejected = Type.Object(
  {
    reason: stringEnum(REJECTION_REASONS),
    message: Type.String({ description: "A sentence a person can act on." }),
    item: Type.Unknown({ description: "The item (or raw output) as the model gave it." }),
    chunk: count(),
    occurrences: Type.Optional(
      Type.Array(refTo(Range), {
        description: "outside_passage: where the text does stand in the document.",
      }),
    ),
    nearest: Type.Optional(
      refTo(Range, { description: "different_number, too_different: the passage's closest text." }),
    ),
  },
  { $id: "Rejected", description: "What the model answered that was not kept, and why." },
);

export const StageTimings = Type.Object(
  {
    ingest: count(),
    normalize: count(),
    chunk: count(),
    extract: count(),
    ground: count(),
    total: count(),
  },
  { description: "Milliseconds per stage." },
);

export const Extraction = Type.Object(
  {
    document: Type.Object({
      id: Type.String({ description: "sha256 of the bytes, hex." }),
      mediaType: Type.String(),
      encoding: Type.Optional(Type.String()),
      byteLength: count(),
      characters: count(),
      language: Type.Optional(Type.String()),
      languageSource: Type.Optional(stringEnum(["given", "detected"])),
      pages: Type.Array(refTo(Page)),
      filename: Type.Optional(Type.String()),
      title: Type.Optional(
        Type.String({
          description: "The title the source gives: a METS's MODS title, a IIIF manifest's label.",
        }),
      ),
      identifier: Type.Optional(
        Type.String({
          description:
            "The source's identifier: a METS's MODS identifier (URN, PURL...), a IIIF manifest's id.",
        }),
      ),
    }),
    profile: Type.Object({ name: Type.String(), version: Type.String() }),
    model: Type.Object({ id: Type.String(), server: Type.String(), grammar: Type.Boolean() }),
    text: Type.String({ description: "The text as extracted; every offset points into it, in code points." }),
    entities: Type.Array(refTo(Mention)),
    review: Type.Optional(
      Type.Object(
        {
          revision: Type.Integer({ minimum: 1 }),
          updatedAt: Type.String({ format: "date-time" }),
          result: Type.Integer({ description: "The id of the model result the record is built on." }),
        },
        {
          description:
            "Set when people reviewed the document: `entities` are then the record's (GET /v1/documents/:id/record), rejected mentions left out.",
        },
      ),
    ),
    rejected: Type.Array(refTo(Rejected)),
    warnings: Type.Array(refTo(Warning)),
    stats: Type.Object({
      chunks: count(),
      modelCalls: count(),
      retries: count(),
      reasks: count(),
      splits: count(),
      promptTokens: count(),
      outputTokens: count(),
      timings: StageTimings,
    }),
  },
  {
    $id: "Extraction",
    description: "The grounded entities of one document, with what was rejected and why.",
  },
);

/** A stored result without its text, for clients that read the text page by page. */
export const ExtractionOutline = Type.Omit(Extraction, ["text"], {
  $id: "ExtractionOutline",
  description: "An Extraction without its text (GET /v1/documents/:id/entities?text=false).",
});

export type Box = Static<typeof Box>;
export type Warning = Static<typeof Warning>;
export type PageReading = Static<typeof PageReading>;
export type Page = Static<typeof Page>;
export type Span = Static<typeof Span>;
export type Mention = Static<typeof Mention>;
export type Range = Static<typeof Range>;
export type Rejected = Static<typeof Rejected>;
export type StageTimings = Static<typeof StageTimings>;
export type Extraction = Static<typeof Extraction>;
export type ExtractionOutline = Static<typeof ExtractionOutline>;
export type Alignment = (typeof ALIGNMENTS)[number];
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];
export type RejectionReason = (typeof REJECTION_REASONS)[number];
export type OcrReason = (typeof OCR_REASONS)[number];
export type XmlReading = (typeof XML_READINGS)[number];
