/** Stored documents: the listing, one document with its results, and one page of a result. */
import { type Static, Type } from "typebox";
import { count, dateTime, link, refTo } from "./builders.js";
import { Mention, Page } from "./extraction.js";
import { ReviewProgress } from "./review.js";

export const Document = Type.Object(
  {
    id: Type.String({ description: "sha256 of the bytes, hex." }),
    name: Type.String({ description: "The file name it was uploaded under (a batch entry's path)." }),
    mediaType: Type.String(),
    pages: count(),
    mentions: count(),
    rejected: count(),
    profile: Type.String(),
    createdAt: dateTime("When this result was stored."),
    review: refTo(ReviewProgress, { description: "How far people reviewed the document's record." }),
    links: Type.Object({ self: link(), entities: link(), pages: link("Its first page."), record: link() }),
  },
  {
    $id: "Document",
    description: "A stored document with its latest result for one profile, as GET /v1/documents lists it.",
  },
);

export const DocumentList = Type.Object(
  {
    documents: Type.Array(refTo(Document)),
    next: Type.Optional(Type.String({ description: "Pass it as `before` for the next page." })),
    links: Type.Object({ next: Type.Optional(link("The next page, absent on the last.")) }),
  },
  { $id: "DocumentList" },
);

export const StoredDocument = Type.Object(
  {
    id: Type.String(),
    byteLength: count(),
    createdAt: dateTime("When the document became the tenant's."),
    results: Type.Array(
      Type.Object({ profile: Type.String(), pages: count(), chunks: count(), createdAt: dateTime() }),
    ),
    links: Type.Object({ entities: link() }),
  },
  { $id: "StoredDocument", description: "A stored document and the results kept for it." },
);

export const PageView = Type.Object(
  {
    page: refTo(Page),
    text: Type.String({ description: "The page's text: the result's text between page.start and page.end." }),
    entities: Type.Array(refTo(Mention), { description: "The mentions that start on the page." }),
    links: Type.Object({
      image: Type.Optional(link("The page image, for documents that have one.")),
      entities: link(),
      previous: Type.Optional(link()),
      next: Type.Optional(link()),
    }),
  },
  {
    $id: "PageView",
    description: "One page of a document's result; offsets stay those of the whole result.",
  },
);

export type Document = Static<typeof Document>;
export type DocumentList = Static<typeof DocumentList>;
export type StoredDocument = Static<typeof StoredDocument>;
export type PageView = Static<typeof PageView>;
