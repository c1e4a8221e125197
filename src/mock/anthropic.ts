/**
 * The Anthropic Messages dialect: request validation and normalization, the JSON `message` body and
 * the SSE event stream (message_start, content_block_start, ping, content_block_delta,
 * content_block_stop, message_delta, message_stop).
 */
import { MockRequestError } from "./errors.js";
import type { MockModel } from "./models.js";
import type { AnswerPlan, NormalizedRequest, ToolChoice, ToolSpec } from "./plan.js";
import { FrameBuilder, sseEvent } from "./sse.js";
import { splitChars, splitWords } from "./text.js";
import { anthropicImageTokens, estimateTokens, sniffImageSize } from "./tokens.js";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function bad(message: string): MockRequestError {
  return new MockRequestError(400, message);
}

/** Text of a content value (string or blocks); image blocks are counted into `images`. */
function readContent(content: unknown, acc: { chars: number; imageTokens: number; images: number }): string {
  if (typeof content === "string") {
    acc.chars += content.length;
    return content;
  }
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const block of content) {
    if (!isObject(block)) continue;
    if (block.type === "text" && typeof block.text === "string") {
      text += (text ? "\n" : "") + block.text;
      acc.chars += block.text.length;
    } else if (block.type === "image") {
      const source = isObject(block.source) ? block.source : {};
      const size =
        source.type === "base64" && typeof source.data === "string" ? sniffImageSize(source.data) : null;
      acc.imageTokens += anthropicImageTokens(size);
      acc.images += 1;
    } else if (block.type === "tool_result") {
      readContent(block.content, acc);
    } else if (block.type === "tool_use") {
      acc.chars += JSON.stringify(block.input ?? {}).length + String(block.name ?? "").length;
    } else if (block.type === "thinking" && typeof block.thinking === "string") {
      acc.chars += block.thinking.length;
    } else if (block.type === "document") {
      const source = isObject(block.source) ? block.source : {};
      acc.chars += typeof source.data === "string" ? Math.ceil(source.data.length * 0.75) : 2000;
    }
  }
  return text;
}

function readTools(raw: unknown): ToolSpec[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw bad("tools: Input should be a valid list");
  const tools: ToolSpec[] = [];
  raw.forEach((tool, i) => {
    if (!isObject(tool)) throw bad(`tools.${i}: Input should be a valid dictionary or object`);
    if (typeof tool.type === "string" && tool.type !== "custom") return; // server tools: never called here
    if (typeof tool.name !== "string" || !tool.name) throw bad(`tools.${i}.custom.name: Field required`);
    if (!isObject(tool.input_schema)) throw bad(`tools.${i}.custom.input_schema: Field required`);
    tools.push({
      name: tool.name,
      description: typeof tool.description === "string" ? tool.description : "",
      schema: tool.input_schema,
    });
  });
  return tools;
}

function readToolChoice(raw: unknown, tools: ToolSpec[]): ToolChoice {
  if (raw === undefined || raw === null) return { mode: "auto" };
  if (!isObject(raw)) throw bad("tool_choice: Input should be a valid dictionary or object");
  switch (raw.type) {
    case "auto":
      return { mode: "auto" };
    case "any":
      return { mode: "any" };
    case "none":
      return { mode: "none" };
    case "tool": {
      const name = raw.name;
      if (typeof name !== "string") throw bad("tool_choice.tool.name: Field required");
      if (!tools.some((t) => t.name === name)) throw bad(`Tool '${name}' not found in provided tools`);
      return { mode: "tool", name };
    }
    default:
      throw bad(
        "tool_choice: Input tag does not match any of the expected tags: 'auto', 'any', 'tool', 'none'",
      );
  }
}

/** Validates an Anthropic Messages body and reduces it to a NormalizedRequest (throws MockRequestError). */
export function readAnthropicRequest(
  body: unknown,
  lookup: (id: string) => MockModel | undefined,
): NormalizedRequest {
  if (!isObject(body)) throw bad("Request body must be a JSON object");
  if (typeof body.model !== "string" || !body.model) throw bad("model: Field required");
  if (body.max_tokens === undefined) throw bad("max_tokens: Field required");
  const maxTokens = body.max_tokens;
  if (typeof maxTokens !== "number" || !Number.isInteger(maxTokens))
    throw bad("max_tokens: Input should be a valid integer");
  if (maxTokens < 1) throw bad("max_tokens: Input should be greater than or equal to 1");
  if (body.messages === undefined) throw bad("messages: Field required");
  if (!Array.isArray(body.messages)) throw bad("messages: Input should be a valid list");
  if (body.messages.length === 0) throw bad("messages: at least one message is required");
  if (
    body.temperature !== undefined &&
    (typeof body.temperature !== "number" || body.temperature < 0 || body.temperature > 1)
  ) {
    throw bad("temperature: range: 0..1");
  }
  const acc = { chars: 0, imageTokens: 0, images: 0 };
  if (body.system !== undefined) readContent(body.system, acc);
  const messages = body.messages;
  const toolNames = new Map<string, string>();
  let previousToolUses = new Set<string>();
  let prompt = "";
  let toolResult: NormalizedRequest["toolResult"] = null;
  let images = 0;
  messages.forEach((message, i) => {
    if (!isObject(message)) throw bad(`messages.${i}: Input should be a valid dictionary`);
    if (message.role !== "user" && message.role !== "assistant") {
      throw bad(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    }
    if (typeof message.content !== "string" && !Array.isArray(message.content)) {
      throw bad(`messages.${i}.content: Input should be a valid list`);
    }
    const before = acc.images;
    const text = readContent(message.content, acc);
    if (message.role === "assistant") {
      previousToolUses = new Set();
      if (Array.isArray(message.content)) {
        for (const block of message.content) {
          if (isObject(block) && block.type === "tool_use" && typeof block.id === "string") {
            toolNames.set(block.id, String(block.name ?? "tool"));
            previousToolUses.add(block.id);
          }
        }
      }
    }
    if (message.role === "user" && Array.isArray(message.content)) {
      message.content.forEach((block, j) => {
        if (
          isObject(block) &&
          block.type === "tool_result" &&
          !previousToolUses.has(String(block.tool_use_id))
        ) {
          throw bad(
            `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          );
        }
      });
    }
    if (message.role === "user") {
      if (text) prompt = text;
      const last = i === messages.length - 1;
      if (last) {
        images = acc.images - before;
        toolResult = null;
        if (Array.isArray(message.content)) {
          const result = message.content.find((b) => isObject(b) && b.type === "tool_result") as
            | Json
            | undefined;
          if (result) {
            const content = readContent(result.content, { chars: 0, imageTokens: 0, images: 0 });
            toolResult = { name: toolNames.get(String(result.tool_use_id)) ?? "tool", content };
          }
        }
      }
    }
  });
  const model = lookup(body.model);
  if (model && maxTokens > model.maxOutputTokens) {
    throw bad(
      `max_tokens: ${maxTokens} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${body.model}`,
    );
  }
  let thinkingBudget: number | null = null;
  if (isObject(body.thinking) && body.thinking.type === "enabled") {
    const budget = body.thinking.budget_tokens;
    if (typeof budget !== "number" || !Number.isInteger(budget))
      throw bad("thinking.enabled.budget_tokens: Field required");
    if (budget < 1024)
      throw bad("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
    if (maxTokens <= budget) throw bad("`max_tokens` must be greater than `thinking.budget_tokens`.");
    thinkingBudget = budget;
  } else if (isObject(body.thinking) && body.thinking.type === "adaptive") {
    thinkingBudget = Math.max(1, Math.floor(maxTokens / 2));
  }
  const tools = readTools(body.tools);
  const toolChoice = readToolChoice(body.tool_choice, tools);
  if (thinkingBudget !== null && (toolChoice.mode === "any" || toolChoice.mode === "tool")) {
    throw bad("Thinking may not be enabled when tool_choice forces tool use.");
  }
  const stop = Array.isArray(body.stop_sequences)
    ? body.stop_sequences.filter((s): s is string => typeof s === "string")
    : [];
  const toolsTokens = body.tools === undefined ? 0 : estimateTokens(JSON.stringify(body.tools)) + 300;
  const inputTokens =
    Math.ceil(acc.chars / 4) +
    acc.imageTokens +
    toolsTokens +
    3 * messages.length +
    (body.system ? 3 : 0) +
    1;
  const key = JSON.stringify([
    body.model,
    maxTokens,
    body.system ?? null,
    messages,
    body.tools ?? null,
    body.tool_choice ?? null,
    body.thinking ?? null,
    stop,
  ]);
  return {
    dialect: "anthropic",
    model: body.model,
    choices: 1,
    maxTokens,
    prompt,
    toolResult,
    images,
    inputTokens,
    tools,
    toolChoice,
    thinkingBudget,
    reasoningEffort: null,
    stop,
    jsonSchema: undefined,
    key,
  };
}

const STOP_REASONS = {
  end: "end_turn",
  max_tokens: "max_tokens",
  stop_sequence: "stop_sequence",
  tool: "tool_use",
  refusal: "refusal",
};

/** The tool_use id for a planned call. */
export function anthropicToolId(plan: AnswerPlan): string {
  return `toolu_01${plan.toolCall?.idSuffix.slice(0, 22) ?? ""}`;
}

function usage(plan: AnswerPlan, outputTokens: number) {
  return {
    input_tokens: plan.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: "standard",
  };
}

/** The content blocks of an answer, in order (thinking, text, tool_use). */
export function anthropicContent(plan: AnswerPlan): Json[] {
  const content: Json[] = [];
  if (plan.thinking !== null)
    content.push({ type: "thinking", thinking: plan.thinking, signature: plan.signature ?? "" });
  if (plan.text || (!plan.toolCall && content.length === 0)) content.push({ type: "text", text: plan.text });
  if (plan.toolCall) {
    content.push({
      type: "tool_use",
      id: anthropicToolId(plan),
      name: plan.toolCall.name,
      input: plan.toolCall.input,
    });
  }
  return content;
}

/** The non-streaming response body. */
export function anthropicMessage(plan: AnswerPlan, id: string, model: string): Json {
  return {
    id,
    type: "message",
    role: "assistant",
    model,
    content: anthropicContent(plan),
    stop_reason: STOP_REASONS[plan.stop],
    stop_sequence: plan.stopSequence,
    stop_details: null,
    usage: usage(plan, plan.outputTokens),
  };
}

/** The SSE stream as write groups (one group per delta; start and end events ride with their neighbours). */
export function anthropicStream(
  plan: AnswerPlan,
  id: string,
  model: string,
  wordsPerChunk: number,
): string[] {
  const out = new FrameBuilder();
  const start = {
    id,
    type: "message",
    role: "assistant",
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    stop_details: null,
    usage: usage(plan, 1),
  };
  out.add(sseEvent("message_start", { type: "message_start", message: start }));
  let index = 0;
  const open = (block: Json) => {
    out.add(sseEvent("content_block_start", { type: "content_block_start", index, content_block: block }));
    if (index === 0) out.add(sseEvent("ping", { type: "ping" }));
  };
  const delta = (d: Json) => {
    out.add(sseEvent("content_block_delta", { type: "content_block_delta", index, delta: d })).cut();
  };
  const close = () => {
    out.add(sseEvent("content_block_stop", { type: "content_block_stop", index }));
    index++;
  };
  for (const block of anthropicContent(plan)) {
    if (block.type === "thinking") {
      open({ type: "thinking", thinking: "", signature: "" });
      for (const piece of splitWords(plan.thinking ?? "", wordsPerChunk))
        delta({ type: "thinking_delta", thinking: piece });
      delta({ type: "signature_delta", signature: plan.signature ?? "" });
    } else if (block.type === "text") {
      open({ type: "text", text: "" });
      for (const piece of splitWords(plan.text, wordsPerChunk)) delta({ type: "text_delta", text: piece });
    } else if (block.type === "tool_use" && plan.toolCall) {
      open({ type: "tool_use", id: block.id, name: block.name, input: {} });
      delta({ type: "input_json_delta", partial_json: "" });
      for (const piece of splitChars(plan.toolCall.json, 6 * Math.max(1, wordsPerChunk))) {
        delta({ type: "input_json_delta", partial_json: piece });
      }
    }
    close();
  }
  out.add(
    sseEvent("message_delta", {
      type: "message_delta",
      delta: { stop_reason: STOP_REASONS[plan.stop], stop_sequence: plan.stopSequence, stop_details: null },
      usage: {
        input_tokens: plan.inputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: plan.outputTokens,
      },
    }),
  );
  out.add(sseEvent("message_stop", { type: "message_stop" }));
  return out.done();
}
