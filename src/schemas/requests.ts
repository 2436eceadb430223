/**
 * What requests carry: path parameters, the listings' paging, a document's options (the same in the
 * query string, as multipart fields and as JSON members), the export formats, and the bodies of the
 * upload routes. Multipart and raw bodies are read by the handlers as streams: fastify does not validate
 * them, the OpenAPI description shows them (see documentedBody in api/docs.ts).
 */
import { type TProperties, Type } from "typebox";
import { BUILT_IN_TYPE_MAPS } from "../eval/type-map.js";
import { EXPORT_FORMAT_NAMES } from "../export/formats.js";
import { JOB_KINDS, JOB_STATES, TASK_STATES } from "../store/port.js";
import { stringEnum } from "./builders.js";
import { DOCUMENT_REVIEW_STATES } from "./review.js";

export const IdParams = Type.Object({ id: Type.String() });
export const PageParams = Type.Object({ id: Type.String(), number: Type.Integer({ minimum: 1 }) });
export const NameParams = Type.Object({ name: Type.String() });

const PAGE_LIMIT = Type.Integer({
  minimum: 1,
  maximum: 200,
  default: 50,
  description: "Items per page, at most 200.",
});

/** The cursor of the listings newest first: opaque, refused (400) when the store did not give it. */
const BEFORE_CURSOR = Type.String({ minLength: 1, description: "The `next` of the page before." });

export const JobListQuery = Type.Object({
  limit: PAGE_LIMIT,
  before: Type.Optional(BEFORE_CURSOR),
  kind: Type.Optional(stringEnum(JOB_KINDS)),
  state: Type.Optional(stringEnum(JOB_STATES)),
});

export const JobDocumentsQuery = Type.Object({
  limit: PAGE_LIMIT,
  after: Type.Optional(Type.Integer({ minimum: 0, description: "The `next` of the page before." })),
  state: Type.Optional(stringEnum(TASK_STATES, { description: "Only the documents in this state." })),
});

export const DocumentListQuery = Type.Object({
  limit: PAGE_LIMIT,
  before: Type.Optional(BEFORE_CURSOR),
  profile: Type.Optional(Type.String({ minLength: 1, description: "Only the results of this profile." })),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      description: "Only the documents whose name contains this text, whatever the case (taken literally).",
    }),
  ),
  mediaType: Type.Optional(
    Type.String({
      pattern: "^[^/\\s]+/[^/\\s]+$",
      description:
        "Only the documents of this media type, e.g. application/pdf; in a URL, write `+` as %2B (application/alto%2Bxml).",
    }),
  ),
  review: Type.Optional(
    stringEnum(DOCUMENT_REVIEW_STATES, {
      description:
        "Only the documents whose review is in this state: unreviewed (no mention reviewed), in-progress, reviewed (none left).",
    }),
  ),
});

/** The alignment policy a request may ask for (see pipeline/ground/policy.ts). */
const alignmentOptions = {
  fuzzy: Type.Optional(
    Type.Boolean({
      description:
        "Cite a mention on source text that differs from the model's by a few letters (OCR noise); false: only as written, up to case, accents, spacing and line-end hyphens. Default: ALIGNMENT_FUZZY.",
    }),
  ),
  maxEditRatio: Type.Optional(
    Type.Number({
      minimum: 0,
      exclusiveMaximum: 1,
      description:
        "Share of a name's letters and digits that may differ (names under 4 letters: none). Numbers must always agree. Default: ALIGNMENT_MAX_EDIT_RATIO.",
    }),
  ),
  nearMisses: Type.Optional(
    stringEnum(["reject", "flag"], {
      description:
        "A mention whose closest text differs by more than that, up to twice as much: reject (too_different) or flag (cited with nearMiss). Default: ALIGNMENT_NEAR_MISSES.",
    }),
  ),
};

/** A document's options, read alike from the query string, multipart fields and JSON members (api/upload.ts). */
const documentOptions = {
  profile: Type.Optional(Type.String({ description: "Name of an extraction profile (GET /v1/schemas)." })),
  language: Type.Optional(
    Type.String({
      description: "ISO 639-1 code of the document's language (fr, en...); detected when absent.",
    }),
  ),
  script: Type.Optional(
    Type.String({ description: "ISO 15924 script of a scan, e.g. Latf (Fraktur): chooses the OCR models." }),
  ),
  ocr: Type.Optional(
    Type.String({
      description: 'Tesseract models for scans, joined by "+" (e.g. frk, ita_old+lat); overrides the choice.',
    }),
  ),
  ...alignmentOptions,
};

const filename = Type.Optional(
  Type.String({ description: "Name of a raw-body upload, kept with the result (a batch: the archive's)." }),
);

const FORMAT_OPTION = stringEnum(["json", ...EXPORT_FORMAT_NAMES], {
  description:
    "json (the default): the result itself; or one of the exports (see the README's Exports). An Accept header naming the export's media type asks for it too; this option wins over it.",
});

const LABELS_OPTION = stringEnum(Object.keys(BUILT_IN_TYPE_MAPS), {
  description:
    "hipe-tsv: write a HIPE tag set's labels (hipe2020: pers, loc, org, time, prod) through the type map `palimpsest eval` uses, instead of the profile's types; mentions of a type the map does not name are left out.",
});

export const UploadQuery = Type.Object({ ...documentOptions, filename });

export const ExtractQuery = Type.Object({
  ...documentOptions,
  filename,
  format: Type.Optional(FORMAT_OPTION),
  labels: Type.Optional(LABELS_OPTION),
});

export const EntitiesQuery = Type.Object({
  profile: Type.Optional(
    Type.String({ description: "The result of this profile (the latest of any when absent)." }),
  ),
  format: Type.Optional(FORMAT_OPTION),
  labels: Type.Optional(LABELS_OPTION),
  text: Type.Boolean({
    default: true,
    description:
      "false leaves the result's `text` out (json only), for clients that read it page by page from /v1/documents/:id/pages/:number.",
  }),
});

export const PageImageQuery = (maxWidth: number) =>
  Type.Object({
    width: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 65535,
        description: `Width to scale the image down to (never up). Default: the page's own, at most PAGE_IMAGE_MAX_WIDTH (${maxWidth}).`,
      }),
    ),
  });

export const PageQuery = Type.Object({
  profile: Type.Optional(
    Type.String({ description: "The result of this profile (the latest of any when absent)." }),
  ),
});

export const ResultsQuery = Type.Object({
  format: Type.Optional(
    stringEnum(["jsonl", "csv"], {
      description:
        "jsonl (the default): one line per entry with its Extraction; csv: one row per mention. Accept: text/csv asks for csv too; this option wins over it.",
    }),
  ),
});

const customSchema = Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.String()], {
  description: "A custom extraction profile (JSON Schema 2020-12), as an object or as JSON text.",
});

export const ExtractJsonBody = Type.Object(
  {
    text: Type.String({ description: "The document's text." }),
    filename: Type.Optional(Type.String({ description: "A name to keep with the result." })),
    schema: Type.Optional(customSchema),
    ...documentOptions,
  },
  // Swagger UI offers the example as the body to send; without one, a sample with every option set to "string".
  { examples: [{ text: "Jean-Baptiste Colbert naquit à Reims le 29 août 1619.", language: "fr" }] },
);

/**
 * A multipart upload: the file, and the options as fields (which override the query string's). Each
 * field's example is empty: Swagger UI fills a form field with a sample ("string", 0) unless its schema
 * gives one, and would send it; an empty field is not sent.
 */
function multipart(file: string, fields: TProperties) {
  const optional = Object.fromEntries(
    Object.entries(fields).map(([name, field]) => [
      name,
      Type.Optional(Type.Unsafe({ ...field, examples: [""] })),
    ]),
  );
  return Type.Object({ file: Type.String({ format: "binary", description: file }), ...optional });
}

const customSchemaField = Type.Optional(
  Type.String({
    description: "A custom extraction profile (JSON Schema 2020-12): JSON text or a .json file.",
  }),
);

export const DocumentMultipartBody = multipart("The document: text, PDF, image, ALTO, PAGE or hOCR.", {
  ...documentOptions,
  schema: customSchemaField,
});

export const ArchiveMultipartBody = multipart("The archive: ZIP, TAR or gzipped TAR.", {
  ...documentOptions,
  schema: customSchemaField,
});

/** A batch of the documents of a IIIF manifest or collection, fetched from its URL. */
export const ManifestBatchBody = Type.Object(
  {
    manifest: Type.String({
      description:
        "The URL of a IIIF Presentation manifest (3.0 or 2.1), a document, or of a collection, whose manifests are documents each. Its host must be in IIIF_ALLOWED_HOSTS.",
    }),
    schema: Type.Optional(customSchema),
    ...documentOptions,
  },
  { examples: [{ manifest: "https://iiif.example.org/manifests/kant-1784.json", language: "de" }] },
);

/** A raw body: the file's bytes themselves. */
export const BINARY = Type.String({ format: "binary" });
