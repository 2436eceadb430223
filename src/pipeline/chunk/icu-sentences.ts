/**
 * ICU's sentence breaks (Intl.Segmenter), in time linear in the text. V8's segment iterator costs time
 * in proportion to the whole text at every step, so one long text costs its square (400,000 characters
 * of ordinary prose: 27 s on one core, the event loop held all along). It is given windows instead,
 * each starting at a break found in the window before.
 */

/** Characters ICU reads at once. */
const WINDOW_CHARS = 4096;

/** ICU's sentences of `text` as [start, end) ranges, in order, covering the text. */
export function* icuSentences(text: string, segmenter: Intl.Segmenter): Generator<[number, number]> {
  let from = 0;
  // Start of a sentence longer than a window, while later windows look for its end.
  let open: number | undefined;
  while (from < text.length) {
    const to = windowEnd(text, from);
    let start = open ?? from;
    let end = from;
    let pieces = 0;
    for (const { index, segment } of segmenter.segment(text.slice(from, to))) {
      if (pieces++ > 0) {
        yield [start, end];
        start = from + index;
      }
      end = from + index + segment.length;
    }
    if (to === text.length) {
      yield [start, end];
      return;
    }
    // The window may have cut its last sentence short: the next window starts with it, whole.
    if (pieces > 1) {
      open = undefined;
      from = start;
    } else {
      open = start;
      from = to;
    }
  }
}

/** The end of the window from `from`, never between the two halves of a surrogate pair. */
function windowEnd(text: string, from: number): number {
  const to = from + WINDOW_CHARS;
  if (to >= text.length) return text.length;
  const code = text.charCodeAt(to);
  return code >= 0xdc00 && code <= 0xdfff ? to - 1 : to;
}
