/**
 * One catalogue of every error distillguard can answer with. Each entry has a stable code (never
 * reused, safe to match on), an HTTP status and the error "kind" that each API dialect maps to its
 * own wire shape (see src/gateway/dialects/).
 */

/** Dialect-neutral error kinds; each dialect maps them to its own `type` strings. */
export type ErrorKind =
  | "invalid_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "request_too_large"
  | "rate_limit"
  | "api_error"
  | "overloaded"
  | "timeout";

interface Entry {
  status: number;
  kind: ErrorKind;
  message: string;
}

export const ERRORS = {
  DG_BAD_JSON: { status: 400, kind: "invalid_request", message: "The request body is not valid JSON." },
  DG_BAD_UTF8: { status: 400, kind: "invalid_request", message: "The request body is not valid UTF-8." },
  DG_BAD_CONTENT_TYPE: {
    status: 400,
    kind: "invalid_request",
    message: "Content-Type must be application/json.",
  },
  DG_BAD_BODY: { status: 400, kind: "invalid_request", message: "The request body must be a JSON object." },
  DG_MISSING_MODEL: { status: 400, kind: "invalid_request", message: "The request must name a model." },
  DG_BODY_TOO_LARGE: { status: 413, kind: "request_too_large", message: "The request body is too large." },
  DG_NO_KEY: { status: 401, kind: "authentication", message: "No API key was provided." },
  DG_INVALID_KEY: { status: 401, kind: "authentication", message: "The API key is invalid." },
  DG_REVOKED_KEY: { status: 401, kind: "authentication", message: "The API key has been revoked." },
  DG_REGION_DENIED: {
    status: 403,
    kind: "permission",
    message: "This API is not available in your country, region or territory.",
  },
  DG_ACCOUNT_BLOCKED: {
    status: 403,
    kind: "permission",
    message: "This account has been suspended. Contact support and quote the reference below.",
  },
  DG_FORBIDDEN: { status: 403, kind: "permission", message: "You are not allowed to do that." },
  DG_UNKNOWN_MODEL: { status: 404, kind: "not_found", message: "The requested model does not exist." },
  DG_NOT_FOUND: { status: 404, kind: "not_found", message: "Not found." },
  DG_METHOD_NOT_ALLOWED: { status: 405, kind: "invalid_request", message: "Method not allowed." },
  DG_RATE_LIMITED: { status: 429, kind: "rate_limit", message: "Rate limit exceeded." },
  DG_CONCURRENCY_LIMITED: {
    status: 429,
    kind: "rate_limit",
    message: "Too many concurrent requests for this account.",
  },
  DG_UPSTREAM_UNREACHABLE: {
    status: 502,
    kind: "api_error",
    message: "The upstream model API could not be reached.",
  },
  DG_UPSTREAM_BAD_RESPONSE: {
    status: 502,
    kind: "api_error",
    message: "The upstream model API sent an invalid response.",
  },
  DG_UPSTREAM_TIMEOUT: { status: 504, kind: "timeout", message: "The upstream model API timed out." },
  DG_UPSTREAM_STREAM_BROKEN: {
    status: 502,
    kind: "api_error",
    message: "The upstream stream ended unexpectedly.",
  },
  DG_CLIENT_CLOSED: {
    status: 499,
    kind: "invalid_request",
    message: "The client closed the connection before the exchange completed.",
  },
  DG_OVERLOADED: { status: 529, kind: "overloaded", message: "The gateway is overloaded." },
  DG_INTERNAL: { status: 500, kind: "api_error", message: "Internal gateway error." },
} as const satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof ERRORS;

/** An error with a stable code. `detail` replaces the catalogue message where more is useful. */
export class DistillguardError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly kind: ErrorKind;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    const entry = ERRORS[code];
    super(detail ?? entry.message, options);
    this.name = "DistillguardError";
    this.code = code;
    this.status = entry.status;
    this.kind = entry.kind;
  }
}

/** A configuration or command-line error: reported as one clear line, exit code 2. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
