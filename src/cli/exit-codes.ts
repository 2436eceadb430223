/**
 * Exit codes scripts can rely on. With several files, the most serious failure wins.
 */
import { ERRORS, isPalimpsestError } from "../errors.js";
import type { ErrorBody } from "../schemas/error.js";

export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  /** A document was refused: empty, unreadable, unsupported, too large, bad profile. */
  DOCUMENT_REFUSED: 3,
  /** The model server failed, was unreachable or overloaded after retries: trying later can help. */
  ENDPOINT_FAILED: 4,
  /** The configuration (environment) is invalid (sysexits EX_CONFIG). */
  CONFIG: 78,
} as const;

export function exitCodeFor(error: unknown): number {
  if (!isPalimpsestError(error)) return EXIT.INTERNAL;
  if (error.code === "INTERNAL") return EXIT.INTERNAL;
  return error.status >= 500 ? EXIT.ENDPOINT_FAILED : EXIT.DOCUMENT_REFUSED;
}

/** Severity order for combining several results into one exit code. */
const SEVERITY: number[] = [EXIT.OK, EXIT.DOCUMENT_REFUSED, EXIT.ENDPOINT_FAILED, EXIT.INTERNAL];

export function worstExitCode(codes: number[]): number {
  return codes.reduce(
    (worst, code) => (SEVERITY.indexOf(code) > SEVERITY.indexOf(worst) ? code : worst),
    EXIT.OK,
  );
}

/** The catalogue's JSON body for any error, so a failed file's line has the API's shape (its Error schema). */
export function errorBody(error: unknown): ErrorBody {
  if (isPalimpsestError(error)) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { error: { code: "INTERNAL", message, retryable: ERRORS.INTERNAL.retryable } };
}
