/**
 * Integers between two bounds as digit rules, written the way JSON.stringify writes them: no leading
 * zeros, no "-0", no exponent. Each alternative covers one digit count and one leading-digit range, so
 * the rules are unambiguous and a value is matched one way only.
 */
import { alt, charClass, type Expr, literal, repeat, seq } from "./gbnf-expr.js";

/** Digits of an integer with no bound on that side: 16, so every value is exact in a double. */
export const MAX_DIGITS = 16;

function digitRange(low: number, high: number): Expr {
  if (low === high) return literal(String(low));
  return charClass([[0x30 + low, 0x30 + high]]);
}

function anyDigits(count: number): Expr {
  return repeat(charClass([[0x30, 0x39]]), count, count);
}

/** Same-length digit strings from `low` to `high` (low <= high). */
function sameLength(low: string, high: string): Expr {
  if (low === high) return literal(low);
  const [lowHead, highHead] = [Number(low[0]), Number(high[0])];
  const [lowTail, highTail] = [low.slice(1), high.slice(1)];
  if (lowHead === highHead) return seq(literal(String(lowHead)), sameLength(lowTail, highTail));
  const options: Expr[] = [];
  let first = lowHead;
  let last = highHead;
  if (!/^0*$/.test(lowTail)) {
    options.push(seq(literal(String(lowHead)), sameLength(lowTail, "9".repeat(lowTail.length))));
    first++;
  }
  const highOption = /^9*$/.test(highTail)
    ? undefined
    : seq(literal(String(highHead)), sameLength("0".repeat(highTail.length), highTail));
  if (highOption !== undefined) last--;
  if (first <= last) options.push(seq(digitRange(first, last), anyDigits(lowTail.length)));
  if (highOption !== undefined) options.push(highOption);
  return alt(...options);
}

/** Positive integers from `low` (>= 1) to `high` (Infinity: up to MAX_DIGITS digits). */
function positive(low: number, high: number): Expr | undefined {
  if (low > high) return undefined;
  const options: Expr[] = [];
  const lowDigits = String(low).length;
  const highDigits = high === Infinity ? MAX_DIGITS : String(high).length;
  for (let digits = lowDigits; digits <= highDigits; digits++) {
    const from = digits === lowDigits ? String(low) : `1${"0".repeat(digits - 1)}`;
    if (high === Infinity && /^10*$/.test(from)) {
      // This digit count and every longer one, in one alternative.
      options.push(
        seq(charClass([[0x31, 0x39]]), repeat(charClass([[0x30, 0x39]]), digits - 1, MAX_DIGITS - 1)),
      );
      break;
    }
    const to = digits === highDigits && high !== Infinity ? String(high) : "9".repeat(digits);
    options.push(sameLength(from, to));
  }
  return alt(...options);
}

/** Integers in [min, max]; either may be infinite. Undefined when the range is empty. */
export function integerRange(min: number, max: number): Expr | undefined {
  if (min > max) return undefined;
  const options: Expr[] = [];
  if (min < 0) {
    const magnitudes = positive(Math.max(1, -max), -min);
    if (magnitudes !== undefined) options.push(seq(literal("-"), magnitudes));
  }
  if (min <= 0 && max >= 0) options.push(literal("0"));
  const positives = positive(Math.max(1, min), max);
  if (positives !== undefined) options.push(positives);
  return alt(...options);
}
