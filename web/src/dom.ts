/** A small element builder: the pages are built from data, never from HTML strings (no injection). */
type Child = Node | string | false | null | undefined;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

/**
 * Makes `parent`'s children exactly `wanted`, in order, moving only what is out of place: an element
 * that stays keeps the keyboard focus (replacing every child would drop it on each refresh).
 */
export function placeChildren(parent: Element, wanted: readonly Element[]): void {
  wanted.forEach((child, index) => {
    if (parent.children[index] !== child) parent.insertBefore(child, parent.children[index] ?? null);
  });
  while (parent.children.length > wanted.length) parent.lastElementChild?.remove();
}

/**
 * Rows drawn from records, kept by key while their `version` (a state) does not change, so that a
 * refresh redraws only what changed; `update` refreshes a kept row's live parts.
 */
export function rowCache<T>(
  key: (record: T) => string,
  version: (record: T) => string,
  draw: (record: T) => HTMLTableRowElement,
  update: (row: HTMLTableRowElement, record: T) => void = () => {},
): (record: T) => HTMLTableRowElement {
  const rows = new Map<string, { version: string; row: HTMLTableRowElement }>();
  return (record) => {
    const kept = rows.get(key(record));
    if (kept?.version === version(record)) {
      update(kept.row, record);
      return kept.row;
    }
    const row = draw(record);
    rows.set(key(record), { version: version(record), row });
    return row;
  };
}
