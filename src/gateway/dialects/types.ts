import type { ErrorKind } from "../../core/errors.js";
import type { Api } from "../../events/types.js";

/** Usage and outcome read from an upstream response (non-streaming body or a stream). */
export interface ResponseSummary {
  input_tokens: number | null;
  output_tokens: number | null;
  stop_reason: string | null;
  /** Concatenated answer text, only collected when text retention is on (capped). */
  text: string | null;
  /** Reasoning / thinking content was present in the answer. */
  reasoning: boolean;
}

/** Incremental reader of a server-sent-event stream that keeps only the summary, never the stream. */
export interface StreamObserver {
  push(chunk: Buffer): void;
  summary(): ResponseSummary;
}

/**
 * Everything that differs between the two API dialects, as data and small pure functions
 * ("providers as data"): paths, auth headers, error shapes, usage extraction.
 */
export interface Dialect {
  readonly api: Api;
  /** Path of the completion endpoint, e.g. "/v1/messages". */
  readonly path: string;
  /** Header carrying the upstream's request id. */
  readonly requestIdHeader: string;
  /** Client credential from the request headers (null when absent). */
  clientKey(headers: Record<string, string | string[] | undefined>): string | null;
  /** Headers that carry the client's credential: stripped before forwarding. */
  readonly clientAuthHeaders: readonly string[];
  /** Headers that carry the gateway's provider credential upstream. */
  upstreamAuth(credential: string): Record<string, string>;
  /** Error body in the dialect's wire shape. */
  errorBody(kind: ErrorKind, message: string, requestId: string, code: string): unknown;
  /** An error delivered inside an already-started event stream. */
  streamError(kind: ErrorKind, message: string, requestId: string, code: string): string;
  /** Upper bound of output tokens the request may use (for token-rate reservation). */
  maxOutputTokens(body: Record<string, unknown>): number;
  /** Rough input-token estimate from the raw body size (reconciled with real usage later). */
  estimateInputTokens(bodyBytes: number): number;
  /** Summary of a complete non-streaming JSON response. */
  summarize(body: unknown, keepText: boolean): ResponseSummary;
  /** Incremental observer of a streamed response. */
  observeStream(keepText: boolean): StreamObserver;
}

/** Cap on retained response text per exchange, in characters. */
export const MAX_RETAINED_TEXT = 64 * 1024;

export function emptySummary(): ResponseSummary {
  return { input_tokens: null, output_tokens: null, stop_reason: null, text: null, reasoning: false };
}

export function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
