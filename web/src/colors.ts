/**
 * One colour pair per entity type: a light background for the text's highlights (dark text on it at a
 * contrast ratio above 7:1) and a strong shade of the same hue for outlines on the page image (above
 * 4.5:1 against white paper, so a thin line stays visible).
 */
const PALETTE = [
  { light: "#ffe08a", strong: "#8a5a00" },
  { light: "#b8e1ff", strong: "#0a5db3" },
  { light: "#c9f2c7", strong: "#1d7a2a" },
  { light: "#ffc9de", strong: "#b3124f" },
  { light: "#e0d4ff", strong: "#6a3fc0" },
  { light: "#ffd8b0", strong: "#a84300" },
  { light: "#c4f0ee", strong: "#00736d" },
  { light: "#e8e8b0", strong: "#5e5e00" },
];

export interface TypeColor {
  light: string;
  strong: string;
}

export const NO_COLOR: TypeColor = { light: "#eeeeee", strong: "#333333" };

export function typeColors(types: Iterable<string>): Map<string, TypeColor> {
  const colors = new Map<string, TypeColor>();
  for (const type of [...new Set(types)].sort())
    colors.set(type, PALETTE[colors.size % PALETTE.length] ?? NO_COLOR);
  return colors;
}
