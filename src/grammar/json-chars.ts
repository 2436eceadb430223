/**
 * Characters inside a JSON string, spelled the way JSON.stringify spells them (the form the prompt's
 * few-shot examples show): `"` and `\` escaped, \b \t \n \f \r as short escapes, other control
 * characters as \u00xx in lower case, everything else as itself.
 */
import { CodePointSet, MAX_CODE_POINT, type Range } from "./code-points.js";
import { alt, charClass, type Expr, literal, seq } from "./gbnf-expr.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CONTROLS = CodePointSet.of([0, 0x1f]);
/** Lone surrogates cannot be written in UTF-8. */
const SURROGATES = CodePointSet.of([0xd800, 0xdfff]);
const WRITTEN_AS_ITSELF = CodePointSet.ALL.minus(CONTROLS).minus(CodePointSet.of(QUOTE, BACKSLASH));
const SHORT_ESCAPES = new Map([
  [QUOTE, '"'],
  [BACKSLASH, "\\"],
  [0x08, "b"],
  [0x09, "t"],
  [0x0a, "n"],
  [0x0c, "f"],
  [0x0d, "r"],
]);
const SHORT_ESCAPED = CodePointSet.of(...SHORT_ESCAPES.keys());

/**
 * What free-text strings may contain: every character except DEL and the control characters without a
 * short escape. A model has no use for them, and leaving out \u escapes keeps the rule cheap for
 * llama.cpp to check on every token inside a string.
 */
export const FREE_TEXT_CHARS = CodePointSet.ALL.minus(CodePointSet.of(0x7f)).minus(
  CONTROLS.minus(SHORT_ESCAPED),
);

function charsOf(codePoints: Iterable<number>): Expr {
  const set = CodePointSet.of(...codePoints);
  const single = set.single;
  return single === undefined ? charClass(set.ranges) : literal(String.fromCodePoint(single));
}

function* codePointsIn(ranges: readonly Range[]): Generator<number> {
  for (const [low, high] of ranges) for (let codePoint = low; codePoint <= high; codePoint++) yield codePoint;
}

/**
 * What a negated class must also exclude: llama.cpp decodes the bytes of surrogates and of values past
 * U+10FFFF as code points, and what they would write is not UTF-8.
 */
const NOT_UNICODE: readonly Range[] = [
  [0xd800, 0xdfff],
  [MAX_CODE_POINT + 1, 0x1fffff],
];

/** The shorter of the two classes: listing the characters, or listing what is not one of them. */
function itselfClass(set: CodePointSet): Expr {
  const single = set.single;
  if (single !== undefined) return literal(String.fromCodePoint(single));
  const characters = set.minus(SURROGATES);
  const excluded = CodePointSet.of(...characters.complement().ranges, ...NOT_UNICODE).ranges;
  return excluded.length < characters.ranges.length
    ? charClass(excluded, true)
    : charClass(characters.ranges);
}

/** One character of `set`, as it appears between the quotes of a JSON string; undefined for an empty set. */
export function jsonChar(set: CodePointSet): Expr | undefined {
  const options: Expr[] = [];
  const itself = set.intersect(WRITTEN_AS_ITSELF);
  if (!itself.isEmpty) options.push(itselfClass(itself));
  const short = [...codePointsIn(set.intersect(SHORT_ESCAPED).ranges)];
  if (short.length > 0)
    options.push(
      seq(
        literal("\\"),
        charsOf(short.map((code) => (SHORT_ESCAPES.get(code) as string).codePointAt(0) as number)),
      ),
    );
  const long = set.intersect(CONTROLS).minus(SHORT_ESCAPED);
  for (const high of [0, 1]) {
    const lows = [...codePointsIn(long.intersect(CodePointSet.of([high * 16, high * 16 + 15])).ranges)];
    if (lows.length > 0)
      options.push(
        seq(
          literal(`\\u00${high}`),
          charsOf(lows.map((code) => (code % 16).toString(16).codePointAt(0) as number)),
        ),
      );
  }
  return options.length === 0 ? undefined : alt(...options);
}
