/**
 * The one shape of every error the API answers, `{ error: { code, message, retryable, ...details } }`
 * (errors.ts, api/error-handler.ts), and the error responses of a route, one per status, each saying
 * which of the catalogue's codes it carries.
 */
import { type Static, Type } from "typebox";
import { ERRORS, type ErrorCode } from "../errors.js";
import { refTo, stringEnum } from "./builders.js";

const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export const ErrorDetail = Type.Object(
  {
    code: stringEnum(ERROR_CODES, { description: "Stable: programs may rely on it." }),
    message: Type.String({ description: "What went wrong, in words a person can act on." }),
    retryable: Type.Boolean({ description: "Whether sending the same request later can help." }),
  },
  {
    $id: "ErrorDetail",
    // Some codes carry more: the limit passed, the quota, the job in the way, when to retry.
    additionalProperties: true,
    description:
      "An error of the catalogue, with the details its code carries (limit, quota, job, retryAfter...).",
  },
);

export const ErrorBody = Type.Object({ error: refTo(ErrorDetail) }, { $id: "Error" });

export type ErrorDetail = Static<typeof ErrorDetail>;
export type ErrorBody = Static<typeof ErrorBody>;

/** The response schema of each status among `codes`: the Error shape, described by the codes it carries. */
export function errorResponses(codes: Iterable<ErrorCode>): Record<number, unknown> {
  const byStatus = new Map<number, Set<ErrorCode>>();
  for (const code of codes) {
    const { status } = ERRORS[code];
    byStatus.set(status, (byStatus.get(status) ?? new Set()).add(code));
  }
  return Object.fromEntries(
    [...byStatus].map(([status, same]) => [
      status,
      refTo(ErrorBody, {
        description: [...same]
          .sort()
          .map((code) => `\`${code}\``)
          .join(", "),
      }),
    ]),
  );
}

/** What a profile named or sent with a request can be refused for. */
export const PROFILE_ERRORS = ["UNKNOWN_PROFILE", "INVALID_PROFILE"] as const satisfies readonly ErrorCode[];

/** What reading a document can be refused for: its type, size, pages, encryption, OCR. */
export const DOCUMENT_ERRORS = [
  "EMPTY_DOCUMENT",
  "UNSUPPORTED_MEDIA_TYPE",
  "PAYLOAD_TOO_LARGE",
  "ENCRYPTED_PDF",
  "CORRUPT_DOCUMENT",
  "TOO_MANY_PAGES",
  "UNSAFE_XML",
  "IMAGE_TOO_LARGE",
  "OCR_BUDGET_EXCEEDED",
  "OCR_TIMEOUT",
  "OCR_FAILED",
  "DOCUMENT_TIMEOUT",
] as const satisfies readonly ErrorCode[];

/** What the model server (or the embedded model) can fail with, after retries. */
export const MODEL_ERRORS = [
  "ENDPOINT_UNREACHABLE",
  "ENDPOINT_FAILED",
  "ENDPOINT_BAD_RESPONSE",
  "ENDPOINT_REJECTED",
  "ENDPOINT_OVERLOADED",
  "ENDPOINT_TIMEOUT",
  "NOT_READY",
  "MODEL_NOT_AVAILABLE",
  "MODEL_INVALID",
] as const satisfies readonly ErrorCode[];
