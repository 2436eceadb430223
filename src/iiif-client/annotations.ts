/**
 * The transcription of a canvas, where a manifest gives one as text annotations: 3.0 annotation pages
 * of `supplementing` (or `painting`) annotations with a TextualBody, 2.1 annotation lists of
 * `sc:painting` annotations with a `cnt:ContentAsText` resource. Each annotation is a line of the
 * page, with its box where it targets a region (`#xywh=` in canvas coordinates), in the order listed.
 */
import { idOf, isObject, type Json, objects, typeOf } from "./json-ld.js";

export interface CanvasBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TextAnnotation {
  text: string;
  box?: CanvasBox;
}

const TEXT_MOTIVATIONS = new Set(["supplementing", "painting", "sc:painting"]);

/** The annotations of a page (3.0 AnnotationPage `items`, 2.1 AnnotationList `resources`). */
export function pageAnnotations(page: Json): Json[] {
  return [...objects(page.items), ...objects(page.resources)];
}

/** Whether a page only names itself (its annotations are to be fetched). */
export function isReferenced(page: Json): boolean {
  return pageAnnotations(page).length === 0 && idOf(page) !== undefined;
}

/** The text annotations of `annotations` that target the canvas `canvasId`, in order. */
export function textAnnotations(annotations: readonly Json[], canvasId: string): TextAnnotation[] {
  return annotations.flatMap((annotation) => {
    const motivations = [annotation.motivation].flat().filter((m): m is string => typeof m === "string");
    if (!motivations.some((motivation) => TEXT_MOTIVATIONS.has(motivation))) return [];
    const text = textOf(annotation);
    const target = targetOf(annotation, canvasId);
    if (text === undefined || target === undefined) return [];
    return [{ text, ...(target.box ? { box: target.box } : {}) }];
  });
}

/** The "x,y,w,h" of a media fragment ("xywh=10,20,30,40", "xywh=pixel:10,20,30,40"). */
export function parseXywh(fragment: string | undefined): CanvasBox | undefined {
  const match = fragment?.match(/xywh=(?:pixel:)?(-?[\d.]+),(-?[\d.]+),([\d.]+),([\d.]+)/);
  if (!match) return undefined;
  const [x, y, width, height] = match.slice(1).map(Number) as [number, number, number, number];
  if (![x, y, width, height].every(Number.isFinite) || width <= 0 || height <= 0) return undefined;
  return { x, y, width, height };
}

function textOf(annotation: Json): string | undefined {
  const bodies = [...objects(annotation.body), ...objects(annotation.resource)];
  for (const body of bodies) {
    const type = typeOf(body);
    const value = type === "TextualBody" ? body.value : type === "ContentAsText" ? body.chars : undefined;
    if (typeof value !== "string") continue;
    const html = /html/.test(String(body.format ?? "")) || /^\s*</.test(value);
    const text = (html ? stripTags(value) : value).trim();
    if (text !== "") return text;
  }
  return undefined;
}

/** The region of the canvas an annotation targets; undefined when it targets another canvas. */
function targetOf(annotation: Json, canvasId: string): { box?: CanvasBox } | undefined {
  for (const target of [annotation.target, annotation.on].flat()) {
    if (typeof target === "string") {
      const [source, fragment] = target.split("#", 2);
      if (source !== canvasId) continue;
      const box = parseXywh(fragment);
      return box ? { box } : {};
    }
    if (!isObject(target)) continue;
    const source = idOf(target.source ?? target.full ?? target);
    if (source?.split("#")[0] !== canvasId) continue;
    const selector = objects(target.selector).find((s) => typeof s.value === "string");
    const box = parseXywh((selector?.value as string | undefined) ?? source.split("#")[1]);
    return box ? { box } : {};
  }
  return undefined;
}

/** The text of an HTML body: tags dropped, line breaks kept, the five XML entities decoded. */
function stripTags(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/p>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
