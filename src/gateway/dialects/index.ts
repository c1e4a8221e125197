import type { Api } from "../../events/types.js";
import { anthropic } from "./anthropic.js";
import { openai } from "./openai.js";
import type { Dialect } from "./types.js";

export { anthropic } from "./anthropic.js";
export { openai } from "./openai.js";
export type { Dialect, ResponseSummary, StreamObserver } from "./types.js";

export const DIALECTS: Record<Api, Dialect> = {
  "anthropic.messages": anthropic,
  "openai.chat.completions": openai,
};

/** The dialect that serves a request path, or null. */
export function dialectForPath(path: string): Dialect | null {
  if (path === anthropic.path) return anthropic;
  if (path === openai.path) return openai;
  return null;
}

/**
 * The dialect a client speaks on shared paths such as GET /v1/models: Anthropic clients send
 * `anthropic-version` or `x-api-key`; everything else is treated as OpenAI.
 */
export function dialectForHeaders(headers: Record<string, string | string[] | undefined>): Dialect {
  return headers["anthropic-version"] !== undefined || headers["x-api-key"] !== undefined
    ? anthropic
    : openai;
}
