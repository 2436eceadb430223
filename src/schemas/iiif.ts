/**
 * The IIIF Image API 3.0 (level 1, with a few level 2 features) over a stored document's page images:
 * /iiif/{document}/{page}/info.json describes a page, /iiif/{document}/{page}/{region}/{size}/{rotation}/
 * {quality}.{format} cuts and scales it. Pages are numbered from 1, as in /v1/documents/:id/pages/:number.
 */
import { type Static, Type } from "typebox";
import { count } from "./builders.js";

export const IIIF_CONTEXT = "http://iiif.io/api/image/3/context.json";

export const IiifInfo = Type.Object(
  {
    "@context": Type.Literal(IIIF_CONTEXT),
    id: Type.String({ description: "The image service's base URI: /iiif/{document}/{page} on this host." }),
    type: Type.Literal("ImageService3"),
    protocol: Type.Literal("http://iiif.io/api/image"),
    profile: Type.Literal("level1"),
    width: count("The page image's width in pixels: the space of the mentions' boxes."),
    height: count(),
    maxWidth: count("The widest image this service makes (IIIF_MAX_WIDTH)."),
    maxArea: count("The most pixels of an image this service makes (IIIF_MAX_AREA)."),
    sizes: Type.Array(Type.Object({ width: count(), height: count() }), {
      description: "Whole-page sizes a client may ask for, smallest first.",
    }),
    tiles: Type.Array(
      Type.Object({
        width: count(),
        height: count(),
        scaleFactors: Type.Array(Type.Integer({ minimum: 1 })),
      }),
    ),
    extraQualities: Type.Array(Type.String()),
    extraFormats: Type.Array(Type.String()),
    extraFeatures: Type.Array(Type.String()),
  },
  { $id: "IiifInfo", description: "A page image's IIIF Image API 3.0 description (info.json)." },
);

export const IiifPageParams = Type.Object({
  document: Type.String({ description: "The document id (sha256 of its bytes)." }),
  page: Type.Integer({ minimum: 1, description: "The page number, from 1." }),
});

export const IiifImageParams = Type.Object({
  ...IiifPageParams.properties,
  region: Type.String({ description: "full, square, x,y,w,h or pct:x,y,w,h." }),
  size: Type.String({ description: "max, w,, ,h, pct:n, w,h or !w,h (no upscaling: ^ is refused)." }),
  rotation: Type.String({ description: "0, 90, 180 or 270 (no mirroring)." }),
  file: Type.String({ description: "{quality}.{format}: default, color or gray; jpg or png." }),
});

export type IiifInfo = Static<typeof IiifInfo>;
