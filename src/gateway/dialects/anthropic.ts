import type { ErrorKind } from "../../core/errors.js";
import { SseParser, sseEvent } from "./sse.js";
import {
  type Dialect,
  emptySummary,
  headerValue,
  MAX_RETAINED_TEXT,
  type ResponseSummary,
  type StreamObserver,
} from "./types.js";

/** Anthropic's `error.type` for each error kind. */
const ERROR_TYPES: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "not_found_error",
  request_too_large: "request_too_large",
  rate_limit: "rate_limit_error",
  api_error: "api_error",
  overloaded: "overloaded_error",
  timeout: "timeout_error",
};

interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

function inputTokens(u: Usage | undefined): number | null {
  if (!u || typeof u.input_tokens !== "number") return null;
  return u.input_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
}

function appendText(summary: ResponseSummary, text: string): void {
  const current = summary.text ?? "";
  if (current.length >= MAX_RETAINED_TEXT) return;
  summary.text = current + text.slice(0, MAX_RETAINED_TEXT - current.length);
}

class AnthropicStreamObserver implements StreamObserver {
  private readonly s = emptySummary();
  private readonly parser = new SseParser((event, data) => this.onEvent(event, data));

  constructor(private readonly keepText: boolean) {}

  push(chunk: Buffer): void {
    this.parser.push(chunk);
  }

  summary(): ResponseSummary {
    this.parser.end();
    return this.s;
  }

  private onEvent(event: string | null, data: string): void {
    // Parse only the few events that carry what we record; deltas are skipped unless text is kept.
    if (event === "content_block_delta") {
      if (!this.keepText && this.s.reasoning) return;
      if (data.includes('"thinking_delta"')) this.s.reasoning = true;
      if (!this.keepText) return;
    } else if (event === "content_block_start") {
      if (data.includes('"thinking"') || data.includes('"redacted_thinking"')) this.s.reasoning = true;
      return;
    } else if (event !== "message_start" && event !== "message_delta" && event !== "error") {
      return;
    }
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return;
    }
    if (event === "message_start") {
      const usage = (msg.message as { usage?: Usage } | undefined)?.usage;
      this.s.input_tokens = inputTokens(usage);
      if (typeof usage?.output_tokens === "number") this.s.output_tokens = usage.output_tokens;
    } else if (event === "message_delta") {
      const usage = msg.usage as Usage | undefined;
      if (typeof usage?.output_tokens === "number") this.s.output_tokens = usage.output_tokens;
      const inTok = inputTokens(usage);
      if (inTok !== null && inTok > 0) this.s.input_tokens = inTok;
      const stop = (msg.delta as { stop_reason?: string } | undefined)?.stop_reason;
      if (stop) this.s.stop_reason = stop;
    } else if (event === "error") {
      this.s.stop_reason = "error";
    } else {
      const delta = msg.delta as { type?: string; text?: string } | undefined;
      if (delta?.type === "text_delta" && typeof delta.text === "string") appendText(this.s, delta.text);
    }
  }
}

export const anthropic: Dialect = {
  api: "anthropic.messages",
  path: "/v1/messages",
  requestIdHeader: "request-id",
  clientAuthHeaders: ["x-api-key", "authorization"],

  clientKey(headers) {
    const key = headerValue(headers["x-api-key"]);
    if (key) return key.trim();
    const auth = headerValue(headers.authorization);
    if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim();
    return null;
  },

  upstreamAuth(credential) {
    return { "x-api-key": credential };
  },

  errorBody(kind, message, requestId) {
    return { type: "error", error: { type: ERROR_TYPES[kind], message }, request_id: requestId };
  },

  streamError(kind, message, requestId) {
    return sseEvent(
      "error",
      JSON.stringify({ type: "error", error: { type: ERROR_TYPES[kind], message }, request_id: requestId }),
    );
  },

  maxOutputTokens(body) {
    const n = body.max_tokens;
    return typeof n === "number" && Number.isFinite(n) && n > 0 ? Math.floor(n) : 4096;
  },

  estimateInputTokens(bodyBytes) {
    return Math.ceil(bodyBytes / 4);
  },

  summarize(body, keepText) {
    const s = emptySummary();
    if (typeof body !== "object" || body === null) return s;
    const msg = body as { usage?: Usage; stop_reason?: string; content?: unknown };
    s.input_tokens = inputTokens(msg.usage);
    s.output_tokens = typeof msg.usage?.output_tokens === "number" ? msg.usage.output_tokens : null;
    s.stop_reason = typeof msg.stop_reason === "string" ? msg.stop_reason : null;
    if (Array.isArray(msg.content)) {
      for (const block of msg.content as { type?: string; text?: string }[]) {
        if (block.type === "thinking" || block.type === "redacted_thinking") s.reasoning = true;
        if (keepText && block.type === "text" && typeof block.text === "string") appendText(s, block.text);
      }
    }
    return s;
  },

  observeStream(keepText) {
    return new AnthropicStreamObserver(keepText);
  },
};
