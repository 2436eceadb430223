/**
 * String formats as GBNF of a JSON string's content, matching exactly what ajv-formats (full mode,
 * the mode profiles are validated with) accepts, leap seconds aside: a time never has second 60.
 */
import { alt, charClass, type Expr, literal, optional, repeat, seq } from "./gbnf-expr.js";

export interface FormatGrammar {
  expr: Expr;
  minLength: number;
  maxLength: number;
}

const digit = charClass([[0x30, 0x39]]);
const digits = (count: number): Expr => repeat(digit, count, count);
const oneOf = (chars: string): Expr =>
  charClass([...chars].map((char) => [char.charCodeAt(0), char.charCodeAt(0)] as const));
const twoDigits = (tens: string, units: string): Expr => seq(oneOf(tens), oneOf(units));

/** Two-digit endings divisible by 4, "00" left out: with "00" a year is a leap year only if its century is. */
const MULTIPLES_OF_FOUR = alt(
  seq(literal("0"), oneOf("48")),
  twoDigits("2468", "048"),
  twoDigits("13579", "26"),
);

const LEAP_YEAR = alt(
  seq(digits(2), MULTIPLES_OF_FOUR),
  seq(alt(literal("00"), MULTIPLES_OF_FOUR), literal("00")),
);

const DAY_TO_28 = alt(
  seq(literal("0"), charClass([[0x31, 0x39]])),
  seq(literal("1"), digit),
  seq(literal("2"), charClass([[0x30, 0x38]])),
);
const DAY_TO_30 = alt(seq(literal("0"), charClass([[0x31, 0x39]])), seq(oneOf("12"), digit), literal("30"));
const DAY_TO_31 = alt(DAY_TO_30, literal("31"));

/** RFC 3339 full-date, with the days of each month and 29 February in leap years only. */
const DATE = alt(
  seq(
    digits(4),
    literal("-"),
    alt(
      seq(alt(seq(literal("0"), oneOf("13578")), seq(literal("1"), oneOf("02"))), literal("-"), DAY_TO_31),
      seq(alt(seq(literal("0"), oneOf("469")), literal("11")), literal("-"), DAY_TO_30),
      seq(literal("02-"), DAY_TO_28),
    ),
  ),
  seq(LEAP_YEAR, literal("-02-29")),
);

const HOUR = alt(seq(oneOf("01"), digit), seq(literal("2"), charClass([[0x30, 0x33]])));
const MINUTE = seq(charClass([[0x30, 0x35]]), digit);
const FRACTION = optional(seq(literal("."), repeat(digit, 1, Infinity)));
const OFFSET = alt(oneOf("Zz"), seq(oneOf("+-"), HOUR, optional(seq(optional(literal(":")), MINUTE))));

/** RFC 3339 full-time: the offset is required ("Z", "+01", "+0100" or "+01:00"). */
const TIME = seq(HOUR, literal(":"), MINUTE, literal(":"), MINUTE, FRACTION, OFFSET);

export const FORMATS: Readonly<Record<string, FormatGrammar>> = {
  date: { expr: DATE, minLength: 10, maxLength: 10 },
  time: { expr: TIME, minLength: 9, maxLength: Infinity },
  "date-time": { expr: seq(DATE, oneOf("Tt "), TIME), minLength: 20, maxLength: Infinity },
};
