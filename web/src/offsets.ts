/**
 * The API counts offsets in Unicode code points; DOM strings count UTF-16 units. Highlights are cut
 * here, in code points, so a character outside the BMP before a mention does not shift it by one.
 */
export interface Spanned {
  start: number;
  end: number;
}

export interface Segment<M> {
  text: string;
  mention?: M;
}

/**
 * The text between code points `from` and `to`, cut into plain and highlighted pieces. Mentions that
 * overlap an earlier one are returned in `overlapping` (they stay reachable from the entity list).
 */
export function segmentText<M extends Spanned>(
  text: string,
  from: number,
  to: number,
  mentions: readonly M[],
): { segments: Segment<M>[]; overlapping: M[] } {
  const chars = Array.from(text).slice(from, to);
  const inside = mentions
    .filter((m) => m.start >= from && m.end <= to && m.end > m.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const segments: Segment<M>[] = [];
  const overlapping: M[] = [];
  let cursor = from;
  for (const mention of inside) {
    if (mention.start < cursor) {
      overlapping.push(mention);
      continue;
    }
    if (mention.start > cursor)
      segments.push({ text: chars.slice(cursor - from, mention.start - from).join("") });
    segments.push({ text: chars.slice(mention.start - from, mention.end - from).join(""), mention });
    cursor = mention.end;
  }
  if (cursor < to) segments.push({ text: chars.slice(cursor - from).join("") });
  return { segments, overlapping };
}
