/**
 * The options of every CSV Palimpsest writes (the csv export and a batch's results): RFC 4180 with CRLF
 * line ends, and cells a spreadsheet would run as a formula neutralised as OWASP advises. A document's
 * text is anyone's text: a mention such as `=HYPERLINK("http://...")` or `@SUM(...)` would otherwise be
 * evaluated when the file is opened. Such a cell (one starting with =, +, -, @, a tab or a carriage
 * return) gets a leading single quote, which spreadsheets show as text; a plain number such as "-12"
 * is left as it is, since it can only be read as that number.
 */
import type { Options } from "csv-stringify";

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function neutralizeCell(cell: string): string {
  return FORMULA_START.test(cell) && !NUMBER.test(cell) ? `'${cell}` : cell;
}

export const CSV_OPTIONS = {
  record_delimiter: "windows",
  cast: { string: neutralizeCell },
} as const satisfies Options;
