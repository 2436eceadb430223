/**
 * The API counts offsets in Unicode code points; DOM strings count UTF-16 units. Highlights are cut
 * here, in code points, so a character outside the BMP before a mention does not shift it by one.
 */
export interface Spanned {
  start: number;
  end: number;
}

/** Plain text, or a highlighted mention holding the pieces inside it (a place inside an organisation). */
export type Piece<M> = string | { mention: M; children: Piece<M>[] };

/**
 * `text` (one page, which starts at document code point `base`) cut into plain and highlighted
 * pieces. A mention inside another is nested in it. A mention that crosses another one's end cannot
 * be drawn as an element of its own: it is returned in `crossing` (it stays reachable from the entity
 * list), as are mentions that run past the page.
 */
export function segmentText<M extends Spanned>(
  text: string,
  base: number,
  mentions: readonly M[],
): { pieces: Piece<M>[]; crossing: M[] } {
  const chars = Array.from(text);
  const end = base + chars.length;
  const slice = (from: number, to: number) => chars.slice(from - base, to - base).join("");
  const starting = mentions
    .filter((m) => m.start >= base && m.start < end && m.end > m.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const crossing: M[] = [];
  let next = 0;

  /** Pieces of [from, to), taking the sorted mentions that start there in order. */
  function fill(from: number, to: number): Piece<M>[] {
    const pieces: Piece<M>[] = [];
    let cursor = from;
    for (let mention = starting[next]; mention && mention.start < to; mention = starting[next]) {
      next++;
      if (mention.start < cursor || mention.end > to) {
        crossing.push(mention);
        continue;
      }
      if (mention.start > cursor) pieces.push(slice(cursor, mention.start));
      pieces.push({ mention, children: fill(mention.start, mention.end) });
      cursor = mention.end;
    }
    if (cursor < to) pieces.push(slice(cursor, to));
    return pieces;
  }

  return { pieces: fill(base, end), crossing };
}

/** The text a piece covers, highlights included. */
export function pieceText<M>(piece: Piece<M>): string {
  return typeof piece === "string" ? piece : piece.children.map(pieceText).join("");
}
