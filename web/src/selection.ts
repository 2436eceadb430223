/**
 * The text the reader selected on the page, as document code-point offsets (the API's), for moving a
 * mention's boundaries or adding one the model missed. Spaces at either end are left out: a mention
 * never starts or ends with one, and a double click often takes the space after a word.
 */
export interface SelectedText {
  start: number;
  end: number;
  text: string;
}

/** The selection inside `body` (whose text starts at document code point `base`), if there is one. */
export function selectedText(body: HTMLElement, base: number): SelectedText | undefined {
  const selection = document.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return undefined;
  const range = selection.getRangeAt(0);
  if (!body.contains(range.startContainer) || !body.contains(range.endContainer)) return undefined;
  const chars = Array.from(range.toString());
  let start = base + codePointsBefore(body, range.startContainer, range.startOffset);
  let end = start + chars.length;
  let from = 0;
  let to = chars.length;
  while (from < to && /\s/u.test(chars[from] ?? "")) from++;
  while (to > from && /\s/u.test(chars[to - 1] ?? "")) to--;
  if (from === to) return undefined;
  end -= chars.length - to;
  start += from;
  return { start, end, text: chars.slice(from, to).join("") };
}

/** Code points of `body`'s text before a position inside it. */
function codePointsBefore(body: HTMLElement, container: Node, offset: number): number {
  const before = document.createRange();
  before.setStart(body, 0);
  before.setEnd(container, offset);
  return Array.from(before.toString()).length;
}

export interface SelectionFollower {
  /** The text selected last in the page's text, kept while the reader goes to a button to act on it. */
  current(): SelectedText | undefined;
  /** Forgets it (the text was drawn again). */
  reset(): void;
}

/**
 * Follows the selection in `body`. A selection made elsewhere (a click on a button or a list) does not
 * forget the text: the reader selects, then chooses what to do with it.
 */
export function followSelection(
  body: HTMLElement,
  base: () => number,
  onChange: (selected: SelectedText | undefined) => void,
  signal: AbortSignal,
): SelectionFollower {
  let last: SelectedText | undefined;
  const set = (next: SelectedText | undefined) => {
    last = next;
    onChange(next);
  };
  document.addEventListener(
    "selectionchange",
    () => {
      const now = selectedText(body, base());
      if (now) set(now);
      else if (last && body.contains(document.getSelection()?.anchorNode ?? null)) set(undefined);
    },
    { signal },
  );
  return { current: () => last, reset: () => set(undefined) };
}
