/**
 * What every store adapter's listings share, so that a cursor and a name filter mean the same whichever
 * store answers: pages asked for with one row more than their limit, cursors that are the key of a
 * page's last row (jobs: seq, results: id), names compared in one folded form.
 */
import { PalimpsestError } from "../errors.js";

/** The page of `rows` (fetched with one row more than `limit`) and the cursor of the next one, if any. */
export function pageOf<Row>(
  rows: Row[],
  limit: number,
  key: (row: Row) => number,
): { page: Row[]; next?: string } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, ...(rows.length > limit && last ? { next: String(key(last)) } : {}) };
}

/** The key a cursor given by pageOf holds; BAD_REQUEST for one it did not give. */
export function cursorValue(cursor: string, listing: "jobs" | "documents"): number {
  if (!/^[1-9][0-9]{0,14}$/.test(cursor))
    throw new PalimpsestError("BAD_REQUEST", `"${cursor}" is not a cursor given by a listing of ${listing}.`);
  return Number(cursor);
}

/**
 * How names are compared by listLatestResults: Unicode lower case of the NFC form, without regard to
 * case or to how accents are encoded. Computed in JavaScript, not by a database's lower(), whose result
 * depends on its locale (only ASCII under "C").
 */
export function foldName(text: string): string {
  return text.normalize("NFC").toLowerCase();
}
