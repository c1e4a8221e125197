/**
 * Error bodies in each dialect's wire shape.
 * Anthropic: `{"type":"error","error":{"type":"…_error","message":…},"request_id":…}`.
 * OpenAI: `{"error":{"message":…,"type":…,"param":…,"code":…}}`.
 */

/** The two API dialects the mock speaks. */
export type Dialect = "anthropic" | "openai";

/** Anthropic's error `type` for an HTTP status. */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 504:
      return "timeout_error";
    case 529:
      return "overloaded_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

/** OpenAI's error `type` for an HTTP status. */
export function openaiErrorType(status: number): string {
  if (status === 429) return "requests";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

const ANTHROPIC_MESSAGES: Record<number, string> = {
  400: "Invalid request.",
  401: "invalid x-api-key",
  403: "Your API key does not have permission to use the specified resource.",
  404: "Not found.",
  413: "Request exceeds the maximum allowed number of bytes.",
  429: "This request would exceed the rate limit for your organization. Please reduce the prompt length or the maximum tokens requested, or try again later.",
  500: "Internal server error",
  504: "Request timed out.",
  529: "Overloaded",
};
const OPENAI_MESSAGES: Record<number, string> = {
  400: "Invalid request.",
  401: "Incorrect API key provided.",
  403: "You are not allowed to sample from this model.",
  404: "The requested resource does not exist.",
  429: "Rate limit reached for requests. Please try again in 1s.",
  500: "The server had an error while processing your request. Sorry about that!",
  503: "The engine is currently overloaded, please try again later.",
};

/** The default message each dialect gives with a status. */
export function defaultErrorMessage(dialect: Dialect, status: number): string {
  const table = dialect === "anthropic" ? ANTHROPIC_MESSAGES : OPENAI_MESSAGES;
  return table[status] ?? (status >= 500 ? table[500]! : table[400]!);
}

/** Optional OpenAI error fields. */
export interface OpenAIErrorFields {
  type?: string;
  param?: string | null;
  code?: string | null;
}

/** An Anthropic error body (as a plain object). */
export function anthropicError(status: number, message: string, requestId: string, type?: string) {
  return {
    type: "error",
    error: { type: type ?? anthropicErrorType(status), message },
    request_id: requestId,
  };
}

/** An OpenAI error body (as a plain object). */
export function openaiError(status: number, message: string, fields: OpenAIErrorFields = {}) {
  let code = fields.code;
  if (code === undefined)
    code = status === 429 ? "rate_limit_exceeded" : status === 401 ? "invalid_api_key" : null;
  return {
    error: { message, type: fields.type ?? openaiErrorType(status), param: fields.param ?? null, code },
  };
}

/** A validation failure found while reading a request (becomes a 4xx in the dialect's shape). */
export class MockRequestError extends Error {
  readonly status: number;
  readonly param: string | null;
  readonly code: string | null;

  constructor(status: number, message: string, param: string | null = null, code: string | null = null) {
    super(message);
    this.name = "MockRequestError";
    this.status = status;
    this.param = param;
    this.code = code;
  }
}
