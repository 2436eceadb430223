/**
 * One document's OCR budget: the pixels its pages give the engine (OCR_DOCUMENT_PIXELS) and the time
 * its pages hold OCR slots, added up (OCR_DOCUMENT_SECONDS). A hostile scan (hundreds of pages that each
 * run to OCR_PAGE_TIMEOUT_MS) fails once it has had its share instead of holding the slots for hours.
 * Pages read in parallel each count, so the budget means the same whatever OCR_PARALLEL_PAGES is.
 * Once it is spent, `signal` aborts with OCR_BUDGET_EXCEEDED: the pages in progress stop and the
 * document fails; it would fail the same way again, so it is not retried.
 */
import { PalimpsestError } from "../../errors.js";

export interface OcrLimits {
  documentPixels: number;
  documentSeconds: number;
}

export class OcrBudget {
  private readonly controller = new AbortController();
  /** Aborts, with the OCR_BUDGET_EXCEEDED error as its reason, once the budget is spent. */
  readonly signal = this.controller.signal;
  private pixels = 0;
  private spentMs = 0;
  private readonly running = new Set<{ since: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: OcrLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Refuses at once pages known up front (an image file's) whose pixels the document cannot have. */
  expect(pixels: number): void {
    if (this.pixels + pixels > this.limits.documentPixels) throw this.pixelsSpent(this.pixels + pixels);
  }

  /** Counts one page's pixels as the engine is about to get them; throws once there are too many. */
  charge(pixels: number): void {
    this.pixels += pixels;
    if (this.pixels > this.limits.documentPixels) this.exhaust(this.pixelsSpent(this.pixels));
    this.signal.throwIfAborted();
  }

  /** Counts a page's OCR time from now until the function returned is called. */
  start(): () => void {
    const page = { since: this.now() };
    this.running.add(page);
    this.schedule();
    return () => {
      if (!this.running.delete(page)) return;
      this.spentMs += this.now() - page.since;
      this.schedule();
    };
  }

  /** Sets the timer to the moment the pages in progress, together, spend what is left. */
  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.signal.aborted || this.running.size === 0) return;
    const now = this.now();
    let spent = this.spentMs;
    for (const page of this.running) spent += now - page.since;
    const left = this.limits.documentSeconds * 1000 - spent;
    if (left <= 0) {
      this.exhaust(this.timeSpent());
      return;
    }
    // Unref'd: a document that is given up must not keep the process alive for its budget.
    this.timer = setTimeout(() => this.schedule(), Math.ceil(left / this.running.size)).unref();
  }

  private exhaust(reason: PalimpsestError): void {
    clearTimeout(this.timer);
    if (!this.signal.aborted) this.controller.abort(reason);
  }

  private pixelsSpent(pixels: number): PalimpsestError {
    const limit = this.limits.documentPixels;
    return new PalimpsestError(
      "OCR_BUDGET_EXCEEDED",
      `The document's pages give the OCR engine ${pixels} pixels or more, past the ${limit} one document may take (OCR_DOCUMENT_PIXELS). Split it into smaller parts or scan it at a lower resolution, or raise the limit if it is genuine.`,
      { details: { budget: "pixels", limit } },
    );
  }

  private timeSpent(): PalimpsestError {
    const limit = this.limits.documentSeconds;
    return new PalimpsestError(
      "OCR_BUDGET_EXCEEDED",
      `The OCR of the document took more than the ${limit} seconds one document may take (OCR_DOCUMENT_SECONDS), its pages' times added up. Split it into smaller parts, or raise the limit if it is genuine.`,
      { details: { budget: "seconds", limit } },
    );
  }
}
