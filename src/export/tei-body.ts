/**
 * The body of a TEI document: the text as extracted, page by page (`pb`), paragraph by paragraph
 * (`p`, where the text has a blank line), line by line (`lb`, numbered from the top of the page, each
 * followed by the line's text: the line breaks themselves are kept, so the characters of the text are
 * all there, in order, but for the blanks between paragraphs), with each mention an element around
 * its characters.
 *
 * XML elements must nest; mentions need not. A mention inside another is nested in it; one that starts
 * inside another and ends after it (or runs over a paragraph break) is split where it crosses, and its
 * parts are chained with `@prev` / `@next` (TEI's att.global.linking), each keeping the mention's
 * attributes. Nothing is dropped.
 */
import { xmlAttributes, xmlText } from "./xml-text.js";

/** A mention to mark up; offsets in UTF-16 units into the text. */
export interface Mark {
  start: number;
  end: number;
  element: string;
  /** xml:id of the element, or the stem of its parts' ids when it is split. */
  id: string;
  attributes: Readonly<Record<string, string | undefined>>;
}

export interface BodyPage {
  number: number;
  /** UTF-16 units into the text. */
  start: number;
  end: number;
  /** URL of the page image, where the document has one. */
  facs?: string;
}

interface Piece {
  mark: Mark;
  start: number;
  end: number;
  children: Piece[];
}

/** A blank line (only blanks between two line breaks) and the blanks after it. */
const PARAGRAPH_BREAK = /\r?\n[^\S\n]*\n\s*/g;

export function teiBody(text: string, pages: readonly BodyPage[], marks: readonly Mark[]): string {
  const paragraphs = pages.map((page) => ({ page, ranges: paragraphsOf(text, page) }));
  const within = marksWithin(
    paragraphs.flatMap(({ ranges }) => ranges),
    marks,
  );
  let next = 0;
  const pieces = paragraphs.map(({ ranges }) => ranges.map((range) => nest(range, within[next++] ?? [])));
  const linking = partIds(pieces.flat(2));
  const out: string[] = [];
  paragraphs.forEach(({ page, ranges }, p) => {
    out.push(`<pb${xmlAttributes({ n: String(page.number), facs: page.facs })}/>`);
    let line = 0;
    const lines = (from: number, to: number) =>
      xmlText(text.slice(from, to)).replace(/\n/g, () => `\n<lb n="${++line}"/>`);
    ranges.forEach((range, r) => {
      const roots = pieces[p]?.[r] ?? [];
      out.push(`<p><lb n="${++line}"/>${render(roots, range.start, range.end, lines, linking)}</p>`);
    });
  });
  return out.join("\n");
}

function paragraphsOf(text: string, page: BodyPage): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  let start = page.start;
  const pageText = text.slice(page.start, page.end);
  for (const match of pageText.matchAll(PARAGRAPH_BREAK)) {
    ranges.push({ start, end: page.start + match.index });
    start = page.start + match.index + match[0].length;
  }
  ranges.push({ start, end: page.end });
  // Blanks closing a paragraph (a page's last line break) would only open an empty line.
  return ranges
    .map(({ start: from, end: to }) => ({ start: from, end: from + text.slice(from, to).trimEnd().length }))
    .filter(({ start: from, end: to }) => to > from);
}

/** For each range (in the order of the text), the marks that share a character with it: one sweep. */
function marksWithin(ranges: readonly { start: number; end: number }[], marks: readonly Mark[]): Mark[][] {
  const byStart = [...marks].sort((a, b) => a.start - b.start);
  let next = 0;
  let carried: Mark[] = [];
  return ranges.map(({ start, end }) => {
    const inRange = carried.filter((mark) => mark.end > start);
    while (next < byStart.length && (byStart[next] as Mark).start < end)
      inRange.push(byStart[next++] as Mark);
    // Marks that run on past this range (over a paragraph break) are looked at again for the next.
    carried = inRange.filter((mark) => mark.end > end);
    return inRange.filter((mark) => mark.end > start);
  });
}

/** The marks within a paragraph as a forest, split where they cross the paragraph's or each other's ends. */
function nest(range: { start: number; end: number }, marks: readonly Mark[]): Piece[] {
  const queue: Piece[] = marks
    .map((mark) => ({
      mark,
      start: Math.max(mark.start, range.start),
      end: Math.min(mark.end, range.end),
      children: [],
    }))
    .filter((piece) => piece.start < piece.end)
    .sort(byPosition);
  const roots: Piece[] = [];
  const open: Piece[] = [];
  for (let next = 0; next < queue.length; next++) {
    let piece = queue[next] as Piece;
    while (open.length > 0 && (open.at(-1) as Piece).end <= piece.start) open.pop();
    const parent = open.at(-1);
    if (parent && piece.end > parent.end) {
      // It crosses its parent's end: the part inside is nested, the rest waits for its turn.
      const rest = { ...piece, start: parent.end, children: [] };
      queue.splice(insertionIndex(queue, rest, next + 1), 0, rest);
      piece = { ...piece, end: parent.end };
    }
    (parent ? parent.children : roots).push(piece);
    open.push(piece);
  }
  return roots;
}

/** Outer before inner: by start, the longer first, then in the marks' order (stable sort). */
function byPosition(a: Piece, b: Piece): number {
  return a.start - b.start || b.end - a.end;
}

/** Where `piece` goes among the pieces still to come (from `from` on), after those that sort before it or equal. */
function insertionIndex(queue: Piece[], piece: Piece, from: number): number {
  for (let i = from; i < queue.length; i++) if (byPosition(piece, queue[i] as Piece) < 0) return i;
  return queue.length;
}

/** The xml:id, @prev and @next of every piece: a whole mark keeps its id, parts get id.1, id.2... */
function partIds(forest: Piece[]): Map<Piece, Record<string, string | undefined>> {
  const inOrder: Piece[] = [];
  const visit = (pieces: Piece[]) => {
    for (const piece of pieces) {
      inOrder.push(piece);
      visit(piece.children);
    }
  };
  visit(forest);
  const parts = new Map<Mark, Piece[]>();
  for (const piece of inOrder) parts.set(piece.mark, [...(parts.get(piece.mark) ?? []), piece]);
  const ids = new Map<Piece, Record<string, string | undefined>>();
  for (const [mark, pieces] of parts) {
    if (pieces.length === 1) {
      ids.set(pieces[0] as Piece, { "xml:id": mark.id });
      continue;
    }
    const id = (k: number) => (k >= 1 && k <= pieces.length ? `${mark.id}.${k}` : undefined);
    pieces.forEach((piece, i) => {
      const prev = id(i);
      const next = id(i + 2);
      ids.set(piece, {
        "xml:id": id(i + 1),
        prev: prev && `#${prev}`,
        next: next && `#${next}`,
      });
    });
  }
  return ids;
}

function render(
  pieces: Piece[],
  from: number,
  to: number,
  lines: (from: number, to: number) => string,
  linking: Map<Piece, Record<string, string | undefined>>,
): string {
  let out = "";
  let cursor = from;
  for (const piece of pieces) {
    const { element, attributes } = piece.mark;
    out += lines(cursor, piece.start);
    out += `<${element}${xmlAttributes({ ...linking.get(piece), ...attributes })}>`;
    out += render(piece.children, piece.start, piece.end, lines, linking);
    out += `</${element}>`;
    cursor = piece.end;
  }
  return out + lines(cursor, to);
}
