/**
 * IIIF Presentation manifests (3.0 and 2.1) and collections, read into what a document needs: the
 * canvases in order, each with its size, the image painted on it (and its Image API service), and its
 * annotation pages (embedded, or referenced to be fetched), where a transcription may stand.
 */
import { PalimpsestError } from "../errors.js";
import { idOf, isObject, type Json, labelOf, numberOf, objects, typeOf } from "./json-ld.js";

export interface ImageService {
  id: string;
  /** "ImageService3", "ImageService2" (2.1 services are typed by their context). */
  type: string;
  profile?: string;
}

export interface CanvasImage {
  id: string;
  format?: string;
  width?: number;
  height?: number;
  service?: ImageService;
}

export interface IiifCanvas {
  id: string;
  label?: string;
  width: number;
  height: number;
  image?: CanvasImage;
  /** Annotation pages (3: `annotations`; 2.1: `otherContent`), embedded or only named by their IRI. */
  annotationPages: Json[];
}

export interface IiifManifest {
  version: 2 | 3;
  id: string;
  label?: string;
  canvases: IiifCanvas[];
}

export type IiifDocument =
  | { kind: "manifest"; manifest: IiifManifest }
  /** The IRIs of the manifests and collections a collection lists, in order. */
  | { kind: "collection"; id: string; members: { id: string; kind: "manifest" | "collection" }[] };

/** Whether a JSON value is a IIIF Presentation manifest or collection, from its context or type. */
export function isIiifPresentation(value: unknown): boolean {
  if (!isObject(value)) return false;
  const contexts = [value["@context"]].flat().filter((context) => typeof context === "string") as string[];
  if (contexts.some((context) => context.includes("iiif.io/api/presentation"))) return true;
  const type = typeOf(value);
  return type === "Manifest" || type === "Collection";
}

export function readIiif(value: unknown): IiifDocument {
  if (!isObject(value) || !isIiifPresentation(value))
    throw invalidManifest(
      "it is not a IIIF Presentation manifest (no presentation @context, no Manifest type).",
    );
  const id = idOf(value);
  if (id === undefined) throw invalidManifest("it has no id.");
  const type = typeOf(value);
  if (type === "Collection") return { kind: "collection", id, members: collectionMembers(value) };
  if (type !== "Manifest")
    throw invalidManifest(`it is a ${type ?? "resource without a type"}, not a Manifest or Collection.`);
  const version = Array.isArray(value.sequences) || typeof value["@type"] === "string" ? 2 : 3;
  const canvases =
    version === 3 ? objects(value.items) : objects(value.sequences).flatMap((s) => objects(s.canvases));
  const label = labelOf(value.label);
  return {
    kind: "manifest",
    manifest: {
      version,
      id,
      ...(label ? { label } : {}),
      canvases: canvases
        .filter((canvas) => typeOf(canvas) === "Canvas")
        .map((canvas, index) => readCanvas(canvas, index + 1, version)),
    },
  };
}

export function invalidManifest(why: string): PalimpsestError {
  return new PalimpsestError("INVALID_MANIFEST", `The IIIF manifest cannot be read: ${why}`);
}

function readCanvas(canvas: Json, number: number, version: 2 | 3): IiifCanvas {
  const id = idOf(canvas);
  const width = numberOf(canvas.width);
  const height = numberOf(canvas.height);
  if (id === undefined) throw invalidManifest(`canvas ${number} has no id.`);
  if (width === undefined || height === undefined)
    throw invalidManifest(`canvas ${number} (${id}) has no width and height, which its boxes need.`);
  const label = labelOf(canvas.label);
  const image = version === 3 ? paintedImage3(canvas) : paintedImage2(canvas);
  return {
    id,
    ...(label ? { label } : {}),
    width,
    height,
    ...(image ? { image } : {}),
    annotationPages: objects(version === 3 ? canvas.annotations : canvas.otherContent).concat(
      // 3.0 may also paint text on a canvas (a born-digital transcription): those pages are read too.
      version === 3 ? objects(canvas.items).filter((page) => objects(page.items).some(paintsText)) : [],
    ),
  };
}

function paintedImage3(canvas: Json): CanvasImage | undefined {
  for (const page of objects(canvas.items))
    for (const annotation of objects(page.items)) {
      if (annotation.motivation !== "painting") continue;
      for (const body of bodies(annotation.body)) {
        if (typeOf(body) !== "Image") continue;
        return canvasImage(
          body,
          objects(body.service)
            .map(service3)
            .find((service) => service),
        );
      }
    }
  return undefined;
}

function paintedImage2(canvas: Json): CanvasImage | undefined {
  for (const annotation of objects(canvas.images)) {
    const resource = annotation.resource;
    if (!isObject(resource)) continue;
    // A choice of images (sc:painting with oa:Choice): its default.
    const image = typeOf(resource) === "Choice" && isObject(resource.default) ? resource.default : resource;
    return canvasImage(
      image,
      objects(image.service)
        .map(service2)
        .find((service) => service),
    );
  }
  return undefined;
}

/** A body that is a Choice (several images of one canvas) stands for its first item. */
function bodies(body: unknown): Json[] {
  return objects(body).flatMap((item) =>
    typeOf(item) === "Choice" ? objects(item.items).slice(0, 1) : [item],
  );
}

function canvasImage(body: Json, service: ImageService | undefined): CanvasImage | undefined {
  const id = idOf(body);
  if (id === undefined && service === undefined) return undefined;
  const width = numberOf(body.width);
  const height = numberOf(body.height);
  return {
    id: id ?? `${service?.id}/full/max/0/default.jpg`,
    ...(typeof body.format === "string" ? { format: body.format } : {}),
    ...(width ? { width } : {}),
    ...(height ? { height } : {}),
    ...(service ? { service } : {}),
  };
}

function service3(service: Json): ImageService | undefined {
  const id = idOf(service);
  const type = typeOf(service);
  if (id === undefined || type === undefined || !type.startsWith("ImageService")) return undefined;
  return {
    id: id.replace(/\/$/, ""),
    type,
    ...(typeof service.profile === "string" ? { profile: service.profile } : {}),
  };
}

function service2(service: Json): ImageService | undefined {
  const id = idOf(service);
  const context = String(service["@context"] ?? "");
  const profile = [service.profile].flat().find((entry) => typeof entry === "string") as string | undefined;
  if (id === undefined || !/iiif\.io\/api\/image/.test(`${context} ${profile ?? ""}`)) return undefined;
  const type = /image\/3/.test(context) ? "ImageService3" : "ImageService2";
  return { id: id.replace(/\/$/, ""), type, ...(profile ? { profile } : {}) };
}

function paintsText(annotation: Json): boolean {
  return (
    annotation.motivation === "painting" &&
    bodies(annotation.body).some((body) => typeOf(body) === "TextualBody")
  );
}

function collectionMembers(collection: Json): { id: string; kind: "manifest" | "collection" }[] {
  // 3.0: items; 2.1: manifests, collections, or members.
  const listed = [
    ...objects(collection.items),
    ...objects(collection.manifests),
    ...objects(collection.collections),
    ...objects(collection.members),
  ];
  return listed.flatMap((member) => {
    const id = idOf(member);
    const type = typeOf(member);
    if (id === undefined || (type !== "Manifest" && type !== "Collection")) return [];
    return [{ id, kind: type === "Manifest" ? ("manifest" as const) : ("collection" as const) }];
  });
}
