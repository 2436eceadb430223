/**
 * TEI dating attributes (att.datable.w3c, with @cert and @precision) from a date mention's EDTF value,
 * in the subset the default profile asks for: YYYY, YYYY-MM or YYYY-MM-DD; X for unknown digits in the
 * last two of the year (178X, 17XX), XX for an unknown month or day; one trailing qualifier, ?
 * (uncertain), ~ (approximate) or % (both); intervals A/B, A/.. and ../B of such dates.
 *
 * - a known date is `@when` ("1784-09" stays at the month);
 * - unknown year digits give bounds: 178X is `@notBefore="1780" @notAfter="1789"`;
 * - an interval is `@from` / `@to`, each end its earliest and latest possible date;
 * - ? is `@cert="low"`, ~ `@precision="low"`, % both.
 * Anything else gives no attribute: the mention is still marked as a date, without a normalised value.
 */

export type DateAttributes = Partial<
  Record<"when" | "notBefore" | "notAfter" | "from" | "to" | "cert" | "precision", string>
>;

interface EdtfDate {
  /** Earliest and latest dates it can be, at its own precision; equal when it is known. */
  earliest: string;
  latest: string;
  uncertain: boolean;
  approximate: boolean;
}

const DATE = /^(\d{2}(?:\d{2}|\dX|XX))(?:-(0[1-9]|1[0-2]|XX)(?:-(0[1-9]|[12]\d|3[01]|XX))?)?([?~%])?$/;

export function teiDateAttributes(value: unknown): DateAttributes {
  if (typeof value !== "string") return {};
  const parts = value.split("/");
  if (parts.length === 1) {
    const date = parseDate(value);
    if (!date) return {};
    const dating =
      date.earliest === date.latest
        ? { when: date.earliest }
        : { notBefore: date.earliest, notAfter: date.latest };
    return { ...dating, ...qualifiers([date]) };
  }
  const [start, end] = parts;
  if (parts.length !== 2 || start === undefined || end === undefined) return {};
  const from = start === ".." ? undefined : parseDate(start);
  const to = end === ".." ? undefined : parseDate(end);
  // "../.." says nothing; an end that does not parse makes the whole value unusable.
  if ((from === undefined && start !== "..") || (to === undefined && end !== "..") || (!from && !to))
    return {};
  return {
    ...(from ? { from: from.earliest } : {}),
    ...(to ? { to: to.latest } : {}),
    ...qualifiers([from, to]),
  };
}

function parseDate(text: string): EdtfDate | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const [, year = "", month, day, qualifier] = match;
  // An unknown month or day leaves the date at the precision above it.
  const known = [month, day].filter((part) => part !== undefined && part !== "XX");
  const tail = month === "XX" ? [] : day === "XX" ? known.slice(0, 1) : known;
  const at = (yearDigits: string) => [yearDigits, ...tail].join("-");
  return {
    earliest: at(year.replaceAll("X", "0")),
    latest: at(year.replaceAll("X", "9")),
    uncertain: qualifier === "?" || qualifier === "%",
    approximate: qualifier === "~" || qualifier === "%",
  };
}

function qualifiers(dates: (EdtfDate | undefined)[]): DateAttributes {
  return {
    ...(dates.some((date) => date?.uncertain) ? { cert: "low" } : {}),
    ...(dates.some((date) => date?.approximate) ? { precision: "low" } : {}),
  };
}
