/**
 * ICU's sentence breaks (Intl.Segmenter), in time linear in the text. V8's segment iterator costs time
 * in proportion to the text it was given at every step, so one long text costs its square (400,000
 * characters of ordinary prose: 27 s on one core, the event loop held all along). It is given windows
 * instead, each starting at a break taken from the window before; the work pauses after each window.
 */
import type { Work } from "../turns.js";

/** Characters ICU reads at once; a window holding a single sentence is read again twice as wide. */
const WINDOW_CHARS = 4096;
/** Past this, a sentence is followed window by window until it ends (a text without a sentence end). */
const MAX_WINDOW_CHARS = 65_536;
/**
 * A break is taken from a window only with this many characters after it there: ICU looks past a
 * period, over digits and punctuation, for a lowercase letter that would cancel it ("infr. 1297, ἐφῆκεν").
 */
const LOOKAHEAD_CHARS = 128;

/** Gives `take` ICU's sentences of `text` as [start, end) ranges, in order, covering the text. */
export function* icuSentences(
  text: string,
  segmenter: Intl.Segmenter,
  take: (start: number, end: number) => void,
): Work<void> {
  let from = 0;
  let size = WINDOW_CHARS;
  // Start of a sentence longer than the widest window, while later windows look for its end.
  let open: number | undefined;
  for (;;) {
    const to = windowEnd(text, from, size);
    const last = to === text.length;
    let start = open ?? from;
    let end = from;
    let taken = 0;
    let whole = true;
    for (const { index, segment } of segmenter.segment(text.slice(from, to))) {
      if (end > from) {
        // A widened window gives its first sentence only: it holds many more, each costing its width.
        if ((!last && end > to - LOOKAHEAD_CHARS) || (taken > 0 && size > WINDOW_CHARS)) {
          whole = false;
          break;
        }
        take(start, end);
        taken++;
        start = from + index;
      }
      end = from + index + segment.length;
    }
    if (last && whole) {
      if (end > start) take(start, end);
      return;
    }
    if (taken > 0) {
      // The next window starts with the sentence not taken.
      [from, size, open] = [start, WINDOW_CHARS, undefined];
    } else if (size < MAX_WINDOW_CHARS) {
      size *= 2;
    } else {
      [from, open] = [to, start];
    }
    yield;
  }
}

/** The end of the window, never between the two halves of a surrogate pair. */
function windowEnd(text: string, from: number, size: number): number {
  const to = from + size;
  if (to >= text.length) return text.length;
  const code = text.charCodeAt(to);
  return code >= 0xdc00 && code <= 0xdfff ? to - 1 : to;
}
