/** Boxes and confidences as the XML formats write them, read leniently: a bad value is no value. */
import type { Box } from "../../types.js";

/** A box from its edges; undefined when a value is missing or the box is empty. */
export function boxFromEdges(x0: number, y0: number, x1: number, y1: number): Box | undefined {
  if (![x0, y0, x1, y1].every(Number.isFinite) || x1 <= x0 || y1 <= y0) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The bounding box of a polygon written "x,y x,y ..." (PAGE) or "x y x y ..." (ALTO Polygon). */
export function boxFromPoints(points: string | undefined): Box | undefined {
  const values =
    points
      ?.trim()
      .split(/[\s,]+/)
      .map(Number) ?? [];
  if (values.length < 4 || values.length % 2 !== 0) return undefined;
  const xs = values.filter((_, i) => i % 2 === 0);
  const ys = values.filter((_, i) => i % 2 === 1);
  return boxFromEdges(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys));
}

/** A number attribute, or undefined when absent or not a number. */
export function numberAttribute(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** A confidence clamped to [0, 1], from a value on the given scale (1 for ALTO and PAGE, 100 for hOCR). */
export function confidence(value: number | undefined, scale = 1): number | undefined {
  if (value === undefined) return undefined;
  return Math.min(1, Math.max(0, value / scale));
}

/** Scales a box to whole pixels (ALTO's tenths of millimetres, an upscaled OCR image's pixels). */
export function scaleBox(box: Box, factor: number): Box {
  const x = Math.round(box.x * factor);
  const y = Math.round(box.y * factor);
  return {
    x,
    y,
    width: Math.round((box.x + box.width) * factor) - x,
    height: Math.round((box.y + box.height) * factor) - y,
  };
}
