/** Patterns that exercise every construct of the pattern converter, with characters to test them on. */

/**
 * [pattern, alphabet, length]: the grammar of {"type": "string", "pattern": pattern} must accept a JSON
 * string exactly when ajv's RegExp(pattern, "u") finds a match in it.
 */
export const PATTERN_CASES: [string, string, number][] = [
  ["abc", "abcx", 5],
  ["^abc$", "abc", 4],
  ["^a|b$", "abx", 4],
  ["^(a|bc)*$", "abc", 6],
  ["^a{2,3}$", "ab", 5],
  ["^(?:ab){2}c?$", "abc", 6],
  ["^[^a-c]x?$", "abdx\n", 3],
  ["^\\d{2}-\\w+$", "1a-_ ", 5],
  ["^.$", "a\n\r\u2028é😀\u0001", 2],
  ["^[\\s\\S]{2}$", "a\n\u000b", 3],
  ["^\\s+$", " \t\u00a0\u3000\ufeffa", 2],
  ["^\\D\\W\\S$", "1a _", 3],
  ["^\\u00e9\\u{1F600}\\uD83D\\uDE00$", "é😀a", 4],
  ['^["\\\\]+$', '"\\a', 4],
  ["^\\n\\t\\r\\f$", "\n\t\r\f", 4],
  ["^\\v\\0\\cJ\\x41$", "\u000b\u0000\nA", 4],
  ["^[\\b]$", "\bb", 2],
  ["^[\\-a-]$", "-ab", 2],
  ["x*", "xy", 3],
  ["(?<year>[0-9]{4})", "12a", 5],
  ["[.][.]|^\\/\\.\\*\\?\\+\\(\\)\\[\\]\\{\\}\\|\\^\\$$", "./*?+()[]{}|^$", 2],
  ["^a+?b*?$", "ab", 4],
  ["^$", "a", 2],
  ["^a(){3}b$", "ab", 3],
  ["", "a\u0001", 2],
  ["^[^\\u0000-\\u001f]$", "\u0000\u0008\u001fa", 2],
  ["^[\\u0001-\\u0009\\u007f]$", "\u0001\u0008\t\u0010\u007fa", 2],
  ['^[\\^\\]\\[\\-\\\\"]{1,2}$', '^][-\\"a', 3],
  ["^[a-z]+@[a-z]+\\.(fr|org)$", "a@.fro", 6],
];
