/**
 * A page image in OpenSeadragon (deep zoom: the page's IIIF image service where the API offers one,
 * else the whole page image), with each mention outlined line by line over it. The outlines never
 * fill the word they mark: the word to check stays readable. Focusing a mention pans and zooms to
 * it; a click on an outline focuses its mention. The text's highlights stay the keyboard and
 * screen-reader path: the outlines repeat them for the eye (aria-hidden).
 * A page from an ALTO, PAGE or hOCR file has boxes but no image: they are drawn on a blank page.
 */
import OpenSeadragon from "openseadragon";
import type { Box } from "../../src/schemas/extraction.js";
import type { OutputPage } from "./api.js";
import { NO_COLOR, type TypeColor } from "./colors.js";
import { h } from "./dom.js";
import { t } from "./i18n/index.js";

export interface OutlinedMention {
  id: string;
  type: string;
  alignment: string;
  review?: string;
  /** One box per line the mention covers, in page pixels. */
  boxes: Box[];
}

export interface PageImage {
  /** The page's IIIF info.json, tried first. */
  iiif?: string;
  /** The whole page image, shown when there is no IIIF service (or it fails). */
  image: string;
}

export interface PageViewer {
  element: HTMLElement;
  /** Marks a mention's outlines as the current ones and brings them into view (zoomed in). */
  select(id: string): void;
  /** Draws these mentions' outlines instead (after a correction), keeping the zoom. */
  update(mentions: OutlinedMention[]): void;
  /** Stops the viewer (its requests and listeners). */
  destroy(): void;
}

/** Seconds a pan or zoom takes: short, so that moving from mention to mention stays quick. */
const ANIMATION_SECONDS = 0.4;
/** A focused mention takes about this share of the view's width, so its line's context shows. */
const MENTION_SHARE = 0.3;
/** Never zoomed in further than this share of the page's width, however short the mention. */
const NARROWEST_VIEW = 0.12;
/** The longer side of the blank sheet drawn for pages without an image. */
const BLANK_SIDE = 1000;

export function pageViewer(
  page: OutputPage,
  image: PageImage | undefined,
  mentions: OutlinedMention[],
  colors: Map<string, TypeColor>,
  onPick: (id: string) => void,
): PageViewer {
  const width = page.width ?? 1;
  const height = page.height ?? 1;
  const stage = h("div", { class: "viewer", "data-page": String(page.number) });
  const viewer = OpenSeadragon({
    element: stage,
    tileSources: image ? (image.iiif ?? simpleImage(image.image)) : simpleImage(blankSheet(width, height)),
    // The HTML drawer places plain <img> tiles: no WebGL or canvas needed, nothing against the CSP.
    drawer: "html",
    showNavigationControl: false,
    animationTime: ANIMATION_SECONDS,
    visibilityRatio: 0.5,
    maxZoomPixelRatio: 4,
    gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true },
    crossOriginPolicy: false,
  });
  const canvas = stage.querySelector(".openseadragon-canvas");
  canvas?.setAttribute("role", "img");
  canvas?.setAttribute("aria-label", t(image ? "viewer.label" : "viewer.labelBlank", { page: page.number }));
  // The tiles are parts of the one image the canvas names: each is decoration on its own.
  viewer.addHandler("tile-drawn", () => {
    for (const tile of stage.querySelectorAll("img:not([alt])")) tile.setAttribute("alt", "");
  });

  // Viewport coordinates: the page's width is 1; boxes are in page pixels whatever size the image has.
  const rect = (box: Box) =>
    new OpenSeadragon.Rect(box.x / width, box.y / width, box.width / width, box.height / width);
  let trackers: OpenSeadragon.MouseTracker[] = [];
  let outlines: { element: HTMLElement; box: Box }[] = [];
  let shown = mentions;
  let current: string | undefined;

  /** One outline per line of each mention; a click (not a drag) focuses the mention. */
  function outline(mentionsShown: OutlinedMention[]): void {
    for (const tracker of trackers) tracker.destroy();
    trackers = [];
    outlines = mentionsShown.flatMap((mention) =>
      mention.boxes.map((box, index) => {
        const element = h("div", {
          class: `mention outline ${mention.alignment} review-${mention.review ?? "unreviewed"}`,
          "data-id": mention.id,
          "data-type": mention.type,
          "data-alignment": mention.alignment,
          "data-line": String(index + 1),
          "aria-hidden": "true",
        });
        element.classList.toggle("current", mention.id === current);
        element.style.setProperty("--type-strong", (colors.get(mention.type) ?? NO_COLOR).strong);
        trackers.push(
          new OpenSeadragon.MouseTracker({
            element,
            clickHandler: (event) => {
              if (event.quick) onPick(mention.id);
            },
          }),
        );
        return { element, box };
      }),
    );
  }

  let opened = false;
  let pending: string | undefined;
  const place = () => {
    viewer.clearOverlays();
    for (const { element, box } of outlines) viewer.addOverlay({ element, location: rect(box) });
  };
  outline(shown);
  viewer.addHandler("open", () => {
    opened = true;
    place();
    if (pending) zoomTo(pending);
  });
  // An IIIF service that does not answer: the whole page image instead.
  viewer.addHandler("open-failed", () => {
    if (image?.iiif && !opened) viewer.open({ tileSource: simpleImage(image.image) });
  });

  function zoomTo(id: string): void {
    const boxes = shown.find((m) => m.id === id)?.boxes ?? [];
    if (!boxes.length) return;
    const area = union(boxes);
    const viewWidth = Math.max(area.width / MENTION_SHARE, NARROWEST_VIEW * width);
    const viewHeight = Math.max(area.height * 3, area.height + 0.02 * width);
    viewer.viewport.fitBounds(
      rect({
        x: area.x + area.width / 2 - viewWidth / 2,
        y: area.y + area.height / 2 - viewHeight / 2,
        width: viewWidth,
        height: viewHeight,
      }),
    );
  }

  const zoomIn = h("button", { type: "button" }, t("viewer.zoomIn"));
  const zoomOut = h("button", { type: "button" }, t("viewer.zoomOut"));
  const whole = h("button", { type: "button" }, t("viewer.wholePage"));
  zoomIn.addEventListener("click", () => viewer.viewport.zoomBy(1.5));
  zoomOut.addEventListener("click", () => viewer.viewport.zoomBy(1 / 1.5));
  whole.addEventListener("click", () => viewer.viewport.goHome());
  const caption = image
    ? h(
        "figcaption",
        {},
        `${t("viewer.caption", { page: page.number })} `,
        h("a", { href: image.image, target: "_blank", rel: "noopener" }, t("viewer.fullSize")),
      )
    : h("figcaption", {}, t("viewer.captionBlank", { page: page.number }));
  const controls = h(
    "div",
    { class: "viewer-controls", role: "group", "aria-label": t("viewer.controls") },
    zoomIn,
    zoomOut,
    whole,
  );

  return {
    element: h("figure", { class: "page-figure" }, controls, stage, caption),
    select(id) {
      current = id;
      for (const { element } of outlines) element.classList.toggle("current", element.dataset.id === id);
      if (opened) zoomTo(id);
      else pending = id;
    },
    update(next) {
      shown = next;
      outline(next);
      if (opened) place();
    },
    destroy() {
      for (const tracker of trackers) tracker.destroy();
      viewer.destroy();
    },
  };
}

function simpleImage(url: string): OpenSeadragon.TileSourceOptions {
  return { type: "image", url } as OpenSeadragon.TileSourceOptions;
}

/** A light sheet of the page's proportions, as a data: URL (the CSP allows those for images). */
function blankSheet(width: number, height: number): string {
  const scale = BLANK_SIDE / Math.max(width, height);
  const sheet = document.createElement("canvas");
  sheet.width = Math.max(1, Math.round(width * scale));
  sheet.height = Math.max(1, Math.round(height * scale));
  const context = sheet.getContext("2d");
  if (context) {
    context.fillStyle = "#fafafa";
    context.fillRect(0, 0, sheet.width, sheet.height);
  }
  return sheet.toDataURL("image/png");
}

function union(boxes: Box[]): Box {
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { x, y, width: right - x, height: bottom - y };
}
