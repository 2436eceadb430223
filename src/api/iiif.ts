/**
 * Page images through the IIIF Image API 3.0 (level 1, and the level 2 features that cost nothing),
 * for deep-zoom viewers: GET /iiif/:document/:page/info.json describes a page, GET
 * /iiif/:document/:page/{region}/{size}/{rotation}/{quality}.{format} cuts and scales it. The pages
 * are those of GET /v1/documents/:id/pages/:number/image (pipeline/ingest/page-image.ts), at their own
 * size, in the pixel space of the mentions' boxes; the access and tenant rules are the document
 * routes'. Decoded pages are kept for the next tiles (iiif/page-cache.ts).
 */
import { createHash } from "node:crypto";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Limiter } from "../concurrency/limiter.js";
import { PalimpsestError } from "../errors.js";
import { imageOperation } from "../iiif/image-request.js";
import { iiifInfo } from "../iiif/info.js";
import { type DecodedPage, decodePage, fromPixels, PageCache } from "../iiif/page-cache.js";
import { pageDecoder } from "../pipeline/ingest/page-image.js";
import { parallelPages } from "../pipeline/ocr/create-engine.js";
import { noContent, refTo, streamed } from "../schemas/builders.js";
import { IIIF_CONTEXT, IiifImageParams, IiifInfo, IiifPageParams } from "../schemas/iiif.js";
import type { Services } from "../services.js";
import { IMMUTABLE, matches } from "./immutable.js";
import { caller } from "./plugins/authentication.js";

const PAGE_ERRORS = ["NOT_FOUND", "NO_PAGE_IMAGE", "IMAGE_TOO_LARGE", "CORRUPT_DOCUMENT"] as const;
const JSON_LD = `application/ld+json;profile="${IIIF_CONTEXT}"`;
const MEDIA_TYPES = { jpg: "image/jpeg", png: "image/png" } as const;
const JPEG_QUALITY = 85;

export async function iiifRoutes(fastify: FastifyInstance, services: Services): Promise<void> {
  const { store, blobs, config } = services;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const cache = new PageCache(config.iiifCacheBytes);
  // A page being decoded can take tens of MiB: as many at once as OCR reads pages.
  const decodes = new Limiter(parallelPages(config));
  const limits = { maxWidth: config.iiifMaxWidth, maxArea: config.iiifMaxArea };

  /** NOT_FOUND unless the caller's tenant owns the document. */
  async function checkOwned(request: FastifyRequest, document: string): Promise<void> {
    if (!(await store.getDocument(document, caller(request).tenant)))
      throw new PalimpsestError("NOT_FOUND", `There is no document ${document}.`);
  }

  /** The page of a document the caller may read, decoded at its own size. */
  async function page(document: string, number: number): Promise<DecodedPage> {
    const options = {
      page: number,
      maxWidth: Number.POSITIVE_INFINITY,
      dpi: config.ocrDpi,
      maxPixels: config.ocrMaxPixels,
    };
    return cache.get(`${document}/${number}`, () =>
      decodes.run(async () => decodePage(await pageDecoder(await blobs.read(document), options))),
    );
  }

  app.get(
    "/iiif/:document/:page",
    {
      config: { access: "reader" },
      schema: {
        operationId: "iiifImageService",
        tags: ["iiif"],
        summary: "A page's IIIF image service: redirects to its info.json",
        params: IiifPageParams,
        response: { 303: noContent("See info.json.") },
      },
    },
    async (request, reply) =>
      reply.redirect(`/iiif/${request.params.document}/${request.params.page}/info.json`, 303),
  );

  app.get(
    "/iiif/:document/:page/info.json",
    {
      config: { access: "reader" },
      schema: {
        operationId: "iiifInfo",
        tags: ["iiif"],
        summary: "A page image's IIIF Image API 3.0 description: size, limits, tiles",
        description:
          "Scans only (PDFs and image files): text documents and OCR exports answer 404 NO_PAGE_IMAGE. Its width and height are the space of the mentions' boxes. JSON-LD when Accept asks for application/ld+json.",
        params: IiifPageParams,
        response: { 200: refTo(IiifInfo) },
        errorCodes: PAGE_ERRORS,
      },
    },
    async (request, reply) => {
      const { document, page: number } = request.params;
      await checkOwned(request, document);
      const decoded = await page(document, number);
      const id = `${request.protocol}://${request.host}/iiif/${document}/${number}`;
      const jsonLd = request.headers.accept?.includes("application/ld+json") ?? false;
      reply.type(jsonLd ? JSON_LD : "application/json; charset=utf-8").header("vary", "accept");
      return iiifInfo(id, decoded, { ...limits, tileSize: config.iiifTileSize });
    },
  );

  app.get(
    "/iiif/:document/:page/:region/:size/:rotation/:file",
    {
      config: { access: "reader" },
      schema: {
        operationId: "iiifImage",
        tags: ["iiif"],
        summary: "A region of a page image, scaled, turned, in grey or colour, as JPEG or PNG",
        description:
          "{region}: full, square, x,y,w,h or pct:x,y,w,h; {size}: max, w,, ,h, pct:n, w,h or !w,h (no upscaling); {rotation}: 0, 90, 180 or 270; {quality}.{format}: default, color or gray; jpg or png. Cached for good (ETag, immutable).",
        params: IiifImageParams,
        response: {
          200: {
            description: "The image.",
            content: {
              "image/jpeg": { schema: streamed("A JPEG image.", "binary") },
              "image/png": { schema: streamed("A PNG image.", "binary") },
            },
          },
          304: noContent("Not modified: the image the If-None-Match names is still the one."),
        },
        errorCodes: [...PAGE_ERRORS, "INVALID_IMAGE_REQUEST"],
      },
    },
    async (request, reply) => {
      const { document, page: number, region, size, rotation, file } = request.params;
      // Weak: the same cut of the same page, whichever encoder and settings made the bytes. Hashed, as
      // the parameters hold commas, which separate the tags of If-None-Match.
      const cut = createHash("sha256")
        .update(`${region}/${size}/${rotation}/${file}`)
        .digest("hex")
        .slice(0, 24);
      const etag = `W/"${document}-${number}-${cut}"`;
      await checkOwned(request, document);
      if (matches(request.headers["if-none-match"], etag))
        return reply.code(304).header("etag", etag).header("cache-control", IMMUTABLE).send();
      const decoded = await page(document, number);
      const operation = imageOperation({ region, size, rotation, file }, decoded, limits);
      let image = fromPixels(decoded)
        .extract(operation.region)
        .resize({ width: operation.width, height: operation.height, fit: "fill" });
      if (operation.rotation !== 0)
        // Turned after the cut and the scaling, which sharp would otherwise do first.
        image = fromPixels(await decodePage(image)).rotate(operation.rotation);
      if (operation.gray) image = image.grayscale().toColourspace("b-w");
      const bytes = await (operation.format === "png"
        ? image.png()
        : image.jpeg({ quality: JPEG_QUALITY })
      ).toBuffer();
      return reply
        .headers({ "content-type": MEDIA_TYPES[operation.format], etag, "cache-control": IMMUTABLE })
        .send(bytes);
    },
  );
}
