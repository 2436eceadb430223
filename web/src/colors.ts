/** One light background per entity type, all with dark text at a contrast ratio above 7:1. */
const PALETTE = ["#ffe08a", "#b8e1ff", "#c9f2c7", "#ffc9de", "#e0d4ff", "#ffd8b0", "#c4f0ee", "#e8e8b0"];

export function typeColors(types: Iterable<string>): Map<string, string> {
  const colors = new Map<string, string>();
  for (const type of [...new Set(types)].sort())
    colors.set(type, PALETTE[colors.size % PALETTE.length] ?? "#eee");
  return colors;
}
