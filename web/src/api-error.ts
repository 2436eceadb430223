/**
 * An error answer of the API, kept with its stable code and details. The API writes its messages in
 * English; the codes a reader meets on these pages are said in the page's language, the others keep
 * the API's message.
 */
import { currentLocale, type MessageKey, t } from "./i18n/index.js";

export interface ErrorBody {
  error?: { code?: string; message?: string } & Record<string, unknown>;
}

const KNOWN_CODES: Record<string, MessageKey> = {
  NOT_FOUND: "error.NOT_FOUND",
  FORBIDDEN: "error.FORBIDDEN",
  RATE_LIMITED: "error.RATE_LIMITED",
  STORE_UNAVAILABLE: "error.STORE_UNAVAILABLE",
  RECORD_CHANGED: "error.RECORD_CHANGED",
  INVALID_OFFSETS: "error.INVALID_OFFSETS",
  INVALID_CORRECTION: "error.INVALID_CORRECTION",
  UNKNOWN_MENTION: "error.UNKNOWN_MENTION",
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The error a failed answer stands for, its message in the page's language where the code is known. */
export function apiError(url: string, status: number, body: ErrorBody | null): ApiError {
  const { code, message, ...details } = body?.error ?? {};
  // In English the API's message is the page's; elsewhere a known code is said in the page's language,
  // with the API's own words beside it (they often name exactly what is wrong).
  const known = code && currentLocale() !== "en" ? KNOWN_CODES[code] : undefined;
  const text = known
    ? `${t(known)}${message ? ` (${message})` : ""}`
    : (message ?? t("error.status", { url, status }));
  return new ApiError(status, code, text, details);
}
