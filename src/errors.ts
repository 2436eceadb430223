/**
 * The one catalogue of errors Palimpsest reports. Every error a user can meet has a stable code,
 * the HTTP status the API answers with, and whether trying again later can help.
 * The CLI maps the same codes to exit codes (see cli/exit-codes.ts).
 */
import type { ErrorBody } from "./schemas/error.js";

export const ERRORS = {
  EMPTY_DOCUMENT: { status: 400, retryable: false },
  BAD_REQUEST: { status: 400, retryable: false },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false },
  /** The Accept header names no media type the route can answer in (the message lists them). */
  NOT_ACCEPTABLE: { status: 406, retryable: false },
  /** The request's Host header names no host of ALLOWED_HOSTS (a rebound DNS name, a misrouted request). */
  HOST_NOT_ALLOWED: { status: 421, retryable: false },
  ENCRYPTED_PDF: { status: 422, retryable: false },
  CORRUPT_DOCUMENT: { status: 422, retryable: false },
  TOO_MANY_PAGES: { status: 422, retryable: false },
  UNKNOWN_PROFILE: { status: 404, retryable: false },
  INVALID_PROFILE: { status: 422, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  /** No API key, or one that is not valid (unknown, revoked, mistyped); an expired review-page session. */
  UNAUTHORIZED: { status: 401, retryable: false },
  /** The key's role does not allow this (a reader uploading, a submitter deleting). */
  FORBIDDEN: { status: 403, retryable: false },
  /** A state-changing request from another origin, or a review-page one without its CSRF token. */
  CSRF_REJECTED: { status: 403, retryable: false },
  /** The key made more requests this minute than RATE_LIMIT_PER_MINUTE; Retry-After says when to go on. */
  RATE_LIMITED: { status: 429, retryable: true },
  /** A quota of the key or its tenant is used up (`quota` names it); Retry-After says when to try again. */
  QUOTA_EXCEEDED: { status: 429, retryable: true },
  /** A job asked to be deleted that has not finished: cancelling it first, or its end, lets it go. */
  JOB_ACTIVE: { status: 409, retryable: true },
  /** A document asked to be deleted that a job not finished works on: once that job ends, it can go. */
  DOCUMENT_IN_USE: { status: 409, retryable: true },
  /** A page image asked of a document that holds none (text, or an OCR export without its scan). */
  NO_PAGE_IMAGE: { status: 404, retryable: false },
  /**
   * A document whose bytes are not in the blob store this process uses (BLOB_STORE, DATA_DIR): not the
   * document's fault, so never remembered as its failure; another process, or this one once its
   * configuration is fixed, may find them.
   */
  DOCUMENT_BYTES_NOT_FOUND: { status: 404, retryable: true },
  ENDPOINT_UNREACHABLE: { status: 502, retryable: true },
  ENDPOINT_FAILED: { status: 502, retryable: true },
  ENDPOINT_BAD_RESPONSE: { status: 502, retryable: true },
  ENDPOINT_REJECTED: { status: 502, retryable: false },
  ENDPOINT_OVERLOADED: { status: 503, retryable: true },
  ENDPOINT_TIMEOUT: { status: 504, retryable: true },
  DOCUMENT_TIMEOUT: { status: 504, retryable: true },
  INPUT_TOO_LONG: { status: 422, retryable: false },
  NOT_READY: { status: 503, retryable: true },
  /** The database (STORE_URL) could not be reached for STORE_RETRY_MS: work resumes once it is back. */
  STORE_UNAVAILABLE: { status: 503, retryable: true },
  /** The embedded model's file is missing and cannot be downloaded now (offline, hub refused, disk full, checksum). */
  MODEL_NOT_AVAILABLE: { status: 503, retryable: true },
  /** The embedded model's file is there but unusable: not a GGUF, truncated, not BLOOM, context too small. */
  MODEL_INVALID: { status: 503, retryable: false },
  INTERNAL: { status: 500, retryable: true },
  UNSAFE_XML: { status: 422, retryable: false },
  /**
   * An export asked of a result it cannot be made from: a tagged ALTO or PAGE file of a document that was
   * not read from one, or whose file cannot be edited in place (the message says which).
   */
  EXPORT_NOT_APPLICABLE: { status: 422, retryable: false },
  IMAGE_TOO_LARGE: { status: 422, retryable: false },
  OCR_FAILED: { status: 500, retryable: true },
  /** Every page that failed ran out of OCR_PAGE_TIMEOUT_MS: the same pages would time out again. */
  OCR_TIMEOUT: { status: 422, retryable: false },
  /** The document needs more OCR than OCR_DOCUMENT_PIXELS or OCR_DOCUMENT_SECONDS allow. */
  OCR_BUDGET_EXCEEDED: { status: 422, retryable: false },
  /** More upload bytes are being received than MAX_UPLOAD_BYTES_IN_FLIGHT: sent with Retry-After. */
  UPLOADS_BUSY: { status: 503, retryable: true },
  /** A gold file or type map for `palimpsest eval` that cannot be read; the message names file and line. */
  INVALID_GOLD: { status: 422, retryable: false },
  ARCHIVE_UNREADABLE: { status: 422, retryable: false },
  ARCHIVE_LIMIT_EXCEEDED: { status: 422, retryable: false },
  DOCUMENT_INTERRUPTED: { status: 500, retryable: false },
  /** A batch document in progress each time the process died, twice: a poison pill, not tried again. */
  DOCUMENT_CRASHED: { status: 500, retryable: false },
  /** A request whose headers or body arrived too slowly (BODY_TIMEOUT_MS): its connection is closed. */
  BODY_TIMEOUT: { status: 408, retryable: true },
  /** A correction sent with an If-Match that is no longer the record's ETag: someone changed it meanwhile. */
  RECORD_CHANGED: { status: 412, retryable: false },
  /** A correction sent without If-Match: the record's ETag must be named, so that no change is overwritten. */
  IF_MATCH_REQUIRED: { status: 428, retryable: false },
  /** A mention's start and end outside the text, reversed, empty, inside a character, or not on its `text`. */
  INVALID_OFFSETS: { status: 422, retryable: false },
  /** A correction the record cannot take: an unknown type, attributes the profile refuses, a merge of two types. */
  INVALID_CORRECTION: { status: 422, retryable: false },
  /** A mention or entity id that the document's record does not have. */
  UNKNOWN_MENTION: { status: 404, retryable: false },
  /** A IIIF image request whose region, size, rotation, quality or format cannot be served. */
  INVALID_IMAGE_REQUEST: { status: 400, retryable: false },
  /** A METS file that cannot be read as a package: malformed, no pages, past METS_MAX_FILES or METS_MAX_DIVS. */
  INVALID_METS: { status: 422, retryable: false },
  /** Files a METS lists that its package does not hold (the message names them). */
  METS_FILE_MISSING: { status: 422, retryable: false },
  /** A METS file reference that leads out of its package (`..`, an absolute path, a URL not allowed). */
  METS_FILE_OUTSIDE: { status: 422, retryable: false },
  /** A IIIF manifest (or collection) that cannot be read: not JSON, not IIIF, no canvases, past MAX_PAGES. */
  INVALID_MANIFEST: { status: 422, retryable: false },
  /** A URL the configuration does not let Palimpsest fetch: a host not in IIIF_ALLOWED_HOSTS, a private address. */
  REMOTE_NOT_ALLOWED: { status: 422, retryable: false },
  /** A remote server that could not be reached, or answered with a server error. */
  REMOTE_UNREACHABLE: { status: 502, retryable: true },
  /** A remote server that answered a fetch with a client error (404, 403...). */
  REMOTE_REFUSED: { status: 422, retryable: false },
  /** A remote server that did not answer within IIIF_TIMEOUT_MS. */
  REMOTE_TIMEOUT: { status: 504, retryable: true },
  /** A remote file larger than IIIF_MAX_BYTES, refused by its Content-Length or cut at the limit. */
  REMOTE_TOO_LARGE: { status: 422, retryable: false },
  /** A remote file of another content type than the one asked for (an HTML page for an image). */
  REMOTE_WRONG_TYPE: { status: 422, retryable: false },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

export type ErrorCode = keyof typeof ERRORS;

export class PalimpsestError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PalimpsestError";
    this.code = code;
    this.status = ERRORS[code].status;
    this.retryable = ERRORS[code].retryable;
    this.details = options?.details;
  }

  /** The JSON body the API answers with: `{ error: { code, message, retryable, ...details } }`. */
  toJSON(): ErrorBody {
    return { error: { code: this.code, message: this.message, retryable: this.retryable, ...this.details } };
  }
}

export function isPalimpsestError(value: unknown): value is PalimpsestError {
  return value instanceof PalimpsestError;
}
