/**
 * A page image with the boxes of its mentions drawn over it. Boxes are placed in percent of the
 * page's size in pixels (the space of the API's boxes), so the image can be served at any width.
 * A page from an ALTO, PAGE or hOCR file has boxes but no image: they are drawn on a blank page.
 * Only the page shown is fetched.
 */
import type { OutputMention, OutputPage } from "./api.js";
import { h } from "./dom.js";
import { label } from "./text-view.js";

/** Width the image is asked at: enough for a sharp half-screen view; "full size" opens the rest. */
const IMAGE_WIDTH = 1400;

export interface PageFigure {
  element: HTMLElement;
  /** Marks a mention's box as the current one (none when it has no box). */
  select(id: string): void;
}

export function pageFigure(
  page: OutputPage,
  imageUrl: string | undefined,
  mentions: OutputMention[],
  colors: Map<string, string>,
  onPick: (id: string) => void,
): PageFigure {
  const { width, height } = page;
  const sized = width !== undefined && height !== undefined && width > 0 && height > 0;
  const sheet = h("div", { class: "sheet" });
  const caption = h("figcaption", {});
  if (imageUrl) {
    sheet.append(
      h("img", {
        src: `${imageUrl}?width=${IMAGE_WIDTH}`,
        alt: `Page ${page.number} as scanned`,
        decoding: "async",
      }),
    );
    caption.append(
      `Page ${page.number}. `,
      h("a", { href: imageUrl, target: "_blank", rel: "noopener" }, "Full-size image"),
    );
  } else {
    sheet.classList.add("blank");
    caption.append(
      `Page ${page.number}: no page image was uploaded with this file; the boxes are drawn on a blank page.`,
    );
  }
  if (sized) sheet.style.aspectRatio = `${width} / ${height}`;

  const boxes = sized
    ? mentions.flatMap((mention) => {
        if (!mention.bbox) return [];
        const { x, y, width: w, height: hgt } = mention.bbox;
        const box = h("div", {
          class: `mention box ${mention.alignment}`,
          "data-id": mention.id,
          "data-type": mention.type,
          "data-alignment": mention.alignment,
          title: label(mention),
          // The text's highlights are the accessible path; the boxes repeat them for the eye.
          "aria-hidden": "true",
        });
        Object.assign(box.style, {
          left: `${(x / width) * 100}%`,
          top: `${(y / height) * 100}%`,
          width: `${(w / width) * 100}%`,
          height: `${(hgt / height) * 100}%`,
        });
        box.style.setProperty("--type-color", colors.get(mention.type) ?? "#eee");
        box.addEventListener("click", () => onPick(mention.id));
        return [box];
      })
    : [];
  sheet.append(...boxes);

  return {
    element: h("figure", { class: "page-figure" }, sheet, caption),
    select(id) {
      for (const box of boxes) {
        const current = box.dataset.id === id;
        box.classList.toggle("current", current);
        if (current) box.scrollIntoView({ block: "nearest", inline: "nearest" });
      }
    },
  };
}
