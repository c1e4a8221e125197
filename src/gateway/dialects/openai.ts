import type { ErrorKind } from "../../core/errors.js";
import { SseParser } from "./sse.js";
import {
  type Dialect,
  emptySummary,
  headerValue,
  MAX_RETAINED_TEXT,
  type ResponseSummary,
  type StreamObserver,
} from "./types.js";

/** OpenAI's `error.type` for each error kind (OpenAI reuses invalid_request_error widely). */
const ERROR_TYPES: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "invalid_request_error",
  permission: "request_forbidden",
  not_found: "invalid_request_error",
  request_too_large: "invalid_request_error",
  rate_limit: "requests",
  api_error: "server_error",
  overloaded: "server_error",
  timeout: "server_error",
};

/** OpenAI-style `error.code` for distillguard's stable codes where OpenAI has an equivalent. */
const CODES: Record<string, string> = {
  DG_NO_KEY: "missing_api_key",
  DG_INVALID_KEY: "invalid_api_key",
  DG_REVOKED_KEY: "invalid_api_key",
  DG_UNKNOWN_MODEL: "model_not_found",
  DG_RATE_LIMITED: "rate_limit_exceeded",
  DG_CONCURRENCY_LIMITED: "rate_limit_exceeded",
  DG_REGION_DENIED: "unsupported_country_region_territory",
};

function wireCode(code: string): string {
  return CODES[code] ?? code.toLowerCase();
}

interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

function applyUsage(s: ResponseSummary, usage: Usage | null | undefined): void {
  if (!usage) return;
  if (typeof usage.prompt_tokens === "number") s.input_tokens = usage.prompt_tokens;
  if (typeof usage.completion_tokens === "number") s.output_tokens = usage.completion_tokens;
  if ((usage.completion_tokens_details?.reasoning_tokens ?? 0) > 0) s.reasoning = true;
}

function appendText(summary: ResponseSummary, text: string): void {
  const current = summary.text ?? "";
  if (current.length >= MAX_RETAINED_TEXT) return;
  summary.text = current + text.slice(0, MAX_RETAINED_TEXT - current.length);
}

interface Chunk {
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: Usage | null;
  error?: unknown;
}

class OpenAIStreamObserver implements StreamObserver {
  private readonly s = emptySummary();
  private readonly parser = new SseParser((_event, data) => this.onData(data));

  constructor(private readonly keepText: boolean) {}

  push(chunk: Buffer): void {
    this.parser.push(chunk);
  }

  summary(): ResponseSummary {
    this.parser.end();
    return this.s;
  }

  private onData(data: string): void {
    // Most chunks are plain content deltas: skip the JSON parse unless the chunk can carry
    // usage, a finish reason, an error, or text we keep.
    if (
      !this.keepText &&
      !data.includes('"usage":{') &&
      !data.includes('"finish_reason":"') &&
      !data.includes('"error"')
    ) {
      return;
    }
    if (data === "[DONE]") return;
    let chunk: Chunk;
    try {
      chunk = JSON.parse(data) as Chunk;
    } catch {
      return;
    }
    if (chunk.error) {
      this.s.stop_reason = "error";
      return;
    }
    applyUsage(this.s, chunk.usage);
    const choice = chunk.choices?.[0];
    if (choice?.finish_reason) this.s.stop_reason = choice.finish_reason;
    if (this.keepText && typeof choice?.delta?.content === "string") appendText(this.s, choice.delta.content);
  }
}

export const openai: Dialect = {
  api: "openai.chat.completions",
  path: "/v1/chat/completions",
  requestIdHeader: "x-request-id",
  clientAuthHeaders: ["authorization", "api-key"],

  clientKey(headers) {
    const auth = headerValue(headers.authorization);
    if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim() || null;
    return null;
  },

  upstreamAuth(credential) {
    return { authorization: `Bearer ${credential}` };
  },

  errorBody(kind: ErrorKind, message, _requestId, code) {
    return { error: { message, type: ERROR_TYPES[kind], param: null, code: wireCode(code) } };
  },

  streamError(kind, message, requestId, code) {
    const body = this.errorBody(kind, message, requestId, code);
    return `data: ${JSON.stringify(body)}\n\n`;
  },

  maxOutputTokens(body) {
    const n = body.max_completion_tokens ?? body.max_tokens;
    return typeof n === "number" && Number.isFinite(n) && n > 0 ? Math.floor(n) : 4096;
  },

  estimateInputTokens(bodyBytes) {
    return Math.ceil(bodyBytes / 4);
  },

  summarize(body, keepText) {
    const s = emptySummary();
    if (typeof body !== "object" || body === null) return s;
    const completion = body as {
      usage?: Usage;
      choices?: {
        finish_reason?: string;
        message?: { content?: string | null; reasoning_content?: string };
      }[];
    };
    applyUsage(s, completion.usage);
    const choice = completion.choices?.[0];
    if (choice?.finish_reason) s.stop_reason = choice.finish_reason;
    if (choice?.message?.reasoning_content) s.reasoning = true;
    if (keepText && typeof choice?.message?.content === "string") appendText(s, choice.message.content);
    return s;
  },

  observeStream(keepText) {
    return new OpenAIStreamObserver(keepText);
  },
};
