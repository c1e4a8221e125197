/**
 * Turns a dialect-neutral request description into the body a real client sends (Anthropic
 * Messages or OpenAI Chat Completions), and synthesises the upstream's response metadata.
 */

import type { Api, ResponseInfo } from "../events/types.js";
import type { Capability, ToolDef } from "./content/types.js";
import type { Rng } from "./rng.js";

/** One turn of a conversation, before dialect rendering. */
export type Turn =
  | { role: "user" | "assistant"; text: string; image?: boolean }
  | { role: "assistant"; toolCall: { id: string; name: string; input: Record<string, unknown> } }
  | { role: "user"; toolResult: { id: string; content: string } };

export interface RequestSpec {
  api: Api;
  model: string;
  system?: string;
  turns: Turn[];
  tools?: readonly ToolDef[];
  maxTokens: number;
  temperature?: number;
  stream: boolean;
  /** Extended thinking budget (Anthropic) / reasoning effort derived from it (OpenAI). */
  thinking?: number;
  /** End-user id an application passes along. */
  user?: string;
}

/** 1x1 transparent PNG: a stand-in for real image bytes. */
const PNG_1X1 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

function anthropicContent(t: Turn): unknown {
  if ("toolCall" in t)
    return [{ type: "tool_use", id: t.toolCall.id, name: t.toolCall.name, input: t.toolCall.input }];
  if ("toolResult" in t)
    return [{ type: "tool_result", tool_use_id: t.toolResult.id, content: t.toolResult.content }];
  if (t.image) {
    return [
      { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_1X1 } },
      { type: "text", text: t.text },
    ];
  }
  return t.text;
}

function openaiMessage(t: Turn): Record<string, unknown> {
  if ("toolCall" in t) {
    return {
      role: "assistant",
      content: null,
      tool_calls: [
        {
          id: t.toolCall.id,
          type: "function",
          function: { name: t.toolCall.name, arguments: JSON.stringify(t.toolCall.input) },
        },
      ],
    };
  }
  if ("toolResult" in t)
    return { role: "tool", tool_call_id: t.toolResult.id, content: t.toolResult.content };
  if (t.image) {
    return {
      role: t.role,
      content: [
        { type: "text", text: t.text },
        { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_1X1}` } },
      ],
    };
  }
  return { role: t.role, content: t.text };
}

/** Renders the request body exactly as an SDK of that dialect would send it. */
export function renderBody(spec: RequestSpec): Record<string, unknown> {
  if (spec.api === "anthropic.messages") {
    const body: Record<string, unknown> = { model: spec.model, max_tokens: spec.maxTokens };
    if (spec.system) body.system = spec.system;
    body.messages = spec.turns.map((t) => ({ role: t.role, content: anthropicContent(t) }));
    if (spec.tools && spec.tools.length > 0) {
      body.tools = spec.tools.map((t) => ({
        name: t.name,
        description: t.description,
        input_schema: t.schema,
      }));
    }
    if (spec.temperature !== undefined) body.temperature = spec.temperature;
    if (spec.stream) body.stream = true;
    if (spec.thinking) body.thinking = { type: "enabled", budget_tokens: spec.thinking };
    if (spec.user) body.metadata = { user_id: spec.user };
    return body;
  }
  const messages: Record<string, unknown>[] = [];
  if (spec.system) messages.push({ role: "system", content: spec.system });
  for (const t of spec.turns) messages.push(openaiMessage(t));
  const body: Record<string, unknown> = { model: spec.model, messages };
  if (spec.tools && spec.tools.length > 0) {
    body.tools = spec.tools.map((t) => ({
      type: "function",
      function: { name: t.name, description: t.description, parameters: t.schema },
    }));
  }
  if (spec.temperature !== undefined) body.temperature = spec.temperature;
  if (spec.stream) body.stream = true;
  if (spec.thinking) {
    body.max_completion_tokens = spec.maxTokens;
    body.reasoning_effort = spec.thinking >= 8000 ? "high" : spec.thinking >= 2000 ? "medium" : "low";
  } else body.max_tokens = spec.maxTokens;
  if (spec.user) body.user = spec.user;
  return body;
}

const TOOLS_MARK = "\u0000TOOLS\u0000";
const TOOLS_MARK_JSON = JSON.stringify(TOOLS_MARK);
const toolsCache = new WeakMap<readonly ToolDef[], { anthropic?: string; openai?: string }>();

function toolsJson(spec: RequestSpec): string {
  const tools = spec.tools as readonly ToolDef[];
  let c = toolsCache.get(tools);
  if (!c) {
    c = {};
    toolsCache.set(tools, c);
  }
  if (spec.api === "anthropic.messages") {
    c.anthropic ??= JSON.stringify(
      tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.schema })),
    );
    return c.anthropic;
  }
  c.openai ??= JSON.stringify(
    tools.map((t) => ({
      type: "function",
      function: { name: t.name, description: t.description, parameters: t.schema },
    })),
  );
  return c.openai;
}

/**
 * The request body as JSON text, byte-identical to `JSON.stringify(renderBody(spec))` but with the
 * tool definitions serialised once per tool set (they dominate the cost of agentic requests).
 */
export function bodyJson(spec: RequestSpec): string {
  if (!spec.tools || spec.tools.length === 0) return JSON.stringify(renderBody(spec));
  const body = renderBody({ ...spec, tools: [] });
  const keys = Object.keys(body);
  // Re-insert "tools" at the position renderBody gives it (right after messages).
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    out[k] = body[k];
    if (k === "messages") out.tools = TOOLS_MARK;
  }
  return JSON.stringify(out).replace(TOOLS_MARK_JSON, () => toolsJson(spec));
}

/** Typical answer length (tokens) per capability, median. */
const OUT_MEDIAN: Readonly<Record<Capability, number>> = {
  math: 260,
  code: 520,
  tool_use: 70,
  rubric: 220,
  policy: 380,
  persona: 260,
  chat: 450,
  agentic: 280,
  vision: 240,
  document: 160,
};

/** Rough input token count: characters over four plus tool schemas and images. */
export function estimateInputTokens(spec: RequestSpec): number {
  let chars = spec.system?.length ?? 0;
  for (const t of spec.turns) {
    if ("text" in t) chars += t.text.length + (t.image ? 1600 * 4 : 0);
    else if ("toolCall" in t) chars += 120;
    else chars += t.toolResult.content.length;
  }
  return Math.ceil(chars / 4) + (spec.tools?.length ?? 0) * 90 + 8;
}

/**
 * What the upstream answered. `verbose` (chain-of-thought elicitation) lengthens answers;
 * tool-bearing requests often stop to call a tool.
 */
export function synthResponse(spec: RequestSpec, cap: Capability, rng: Rng, verbose: boolean): ResponseInfo {
  const inputTokens = estimateInputTokens(spec);
  let out = Math.max(5, Math.round(rng.lognormal(OUT_MEDIAN[cap] * (verbose ? 2.2 : 1), 0.6)));
  if (spec.thinking) out += Math.round(spec.thinking * rng.uniform(0.15, 0.8));
  const anthropic = spec.api === "anthropic.messages";
  let stop = anthropic ? "end_turn" : "stop";
  if (out >= spec.maxTokens) {
    out = spec.maxTokens;
    stop = anthropic ? "max_tokens" : "length";
  } else if (spec.tools && spec.tools.length > 0 && rng.chance(cap === "agentic" ? 0.75 : 0.55)) {
    out = Math.min(out, rng.range(30, 180));
    stop = anthropic ? "tool_use" : "tool_calls";
  }
  const latency = Math.round(rng.lognormal(450, 0.4) + (out / rng.uniform(55, 95)) * 1000);
  return {
    status: 200,
    input_tokens: inputTokens,
    output_tokens: out,
    stop_reason: stop,
    latency_ms: latency,
  };
}

/** A refusal by the provider or the gateway (rate limit, suspended account, overload). */
export function errorResponse(status: number, code: string, rng: Rng): ResponseInfo {
  return {
    status,
    input_tokens: null,
    output_tokens: null,
    stop_reason: null,
    latency_ms: rng.range(3, 40),
    error_code: code,
  };
}
