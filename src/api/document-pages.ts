/**
 * A document page by page, for reviewing long documents without loading them whole: GET
 * /v1/documents/:id/pages/:number is one page of the latest result (its text and the mentions that
 * start on it), GET /v1/documents/:id/pages/:number/image the page image the mentions' boxes are
 * drawn over, made from the stored bytes when asked for.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Limiter } from "../concurrency/limiter.js";
import { PalimpsestError } from "../errors.js";
import type { Extraction, OutputPage } from "../pipeline/extraction.js";
import {
  hasPageImages,
  isPageImageAsStored,
  PAGE_IMAGE_HEAD_BYTES,
  pageImage,
  pageOutOfRange,
} from "../pipeline/ingest/page-image.js";
import { parallelPages } from "../pipeline/ocr/create-engine.js";
import { servedExtraction } from "../review/served.js";
import { noContent, refTo, streamed } from "../schemas/builders.js";
import { PageView } from "../schemas/document.js";
import { PageImageQuery, PageParams, PageQuery } from "../schemas/requests.js";
import type { Services } from "../services.js";
import { sliceCodePoints } from "../text/code-points.js";
import { plainJson } from "./docs.js";
import { IMMUTABLE, matches } from "./immutable.js";
import { latestResult } from "./latest-result.js";
import { caller } from "./plugins/authentication.js";

export async function documentPageRoutes(fastify: FastifyInstance, services: Services): Promise<void> {
  const { store, blobs, config } = services;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // A page image can take tens of MiB while it is made: as many at once as OCR reads pages.
  const renders = new Limiter(parallelPages(config));

  app.get(
    "/v1/documents/:id/pages/:number",
    {
      config: { access: "reader" },
      schema: {
        operationId: "getDocumentPage",
        tags: ["documents"],
        summary: "One page of the document's latest result: its text and the mentions that start on it",
        description:
          "Offsets stay those of the whole result (code points into its text); the page's text is its [start, end).",
        params: PageParams,
        querystring: PageQuery,
        response: { 200: refTo(PageView) },
        errorCodes: ["NOT_FOUND"],
      },
      serializerCompiler: plainJson,
    },
    async (request) => {
      const { id, number } = request.params;
      const { profile } = request.query;
      const { tenant } = caller(request);
      // A reviewed document's record: its corrections, each mention's review state.
      const extraction = JSON.parse(
        await servedExtraction(store, await latestResult(store, id, tenant, profile)),
      ) as Extraction;
      const pages =
        extraction.document.pages.length > 0 ? extraction.document.pages : [wholeText(extraction)];
      const page = pages.find((candidate) => candidate.number === number);
      if (!page) throw pageOutOfRange(number, pages.length);
      const base = `/v1/documents/${id}`;
      const query = profile ? `?profile=${encodeURIComponent(profile)}` : "";
      const at = (other: number) =>
        pages.some((candidate) => candidate.number === other) ? `${base}/pages/${other}${query}` : undefined;
      return {
        page,
        text: sliceCodePoints(extraction.text, page.start, page.end),
        entities: extraction.entities.filter((mention) => mention.page === number),
        links: {
          ...(hasPageImages(extraction.document.mediaType) ? { image: `${base}/pages/${number}/image` } : {}),
          entities: `${base}/entities${query}`,
          ...optional("previous", at(number - 1)),
          ...optional("next", at(number + 1)),
        },
      };
    },
  );

  app.get(
    "/v1/documents/:id/pages/:number/image",
    {
      config: { access: "reader" },
      schema: {
        operationId: "getDocumentPageImage",
        tags: ["documents"],
        summary: "The page image, as JPEG, in the pixel space of the page's boxes",
        description:
          "Made from the stored document: an image file's page (EXIF orientation applied), or a PDF page as OCR saw it; a JPEG that needs no turning, scaling or colour conversion is sent as stored. Documents without images (text, ALTO, PAGE, hOCR) answer 404 NO_PAGE_IMAGE.",
        params: PageParams,
        querystring: PageImageQuery(config.pageImageMaxWidth),
        response: {
          200: {
            description: "The page image (ETag and Cache-Control: the same page at a width never changes).",
            content: { "image/jpeg": { schema: streamed("A JPEG image.", "binary") } },
          },
          304: noContent("Not modified: the image the If-None-Match names is still the one."),
        },
        errorCodes: [
          "NOT_FOUND",
          "NO_PAGE_IMAGE",
          "DOCUMENT_BYTES_NOT_FOUND",
          "IMAGE_TOO_LARGE",
          "CORRUPT_DOCUMENT",
        ],
      },
    },
    async (request, reply) => {
      const { id, number } = request.params;
      const { width } = request.query;
      const document = await store.getDocument(id, caller(request).tenant);
      if (!document) throw new PalimpsestError("NOT_FOUND", `There is no document ${id}.`);
      // Weak: the same page at the same width, whichever encoder and settings made the bytes.
      const etag = `W/"${id}-${number}-${width ?? "default"}"`;
      if (matches(request.headers["if-none-match"], etag))
        return reply.code(304).header("etag", etag).header("cache-control", IMMUTABLE).send();
      const options = {
        page: number,
        maxWidth: width ?? config.pageImageMaxWidth,
        dpi: config.ocrDpi,
        maxPixels: config.ocrMaxPixels,
      };
      const headers = { "content-type": "image/jpeg", etag, "cache-control": IMMUTABLE };
      const head = await blobs.read(id, { start: 0, end: PAGE_IMAGE_HEAD_BYTES });
      if (await isPageImageAsStored(head, options))
        return reply
          .headers({ ...headers, "content-length": document.byteLength })
          .send(await blobs.open(id));
      const image = await renders.run(async () => pageImage(await blobs.read(id), options));
      return reply.headers(headers).send(image);
    },
  );
}

/** A result without pages counts as one page spanning the whole text. */
function wholeText(extraction: Extraction): OutputPage {
  return { number: 1, start: 0, end: extraction.document.characters, needsOcr: false };
}

function optional(key: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [key]: value };
}
