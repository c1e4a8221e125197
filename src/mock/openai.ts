/**
 * The OpenAI Chat Completions dialect: request validation and normalization, the `chat.completion`
 * body and the `chat.completion.chunk` stream (role chunk, content or tool-call deltas, a finish chunk,
 * an optional usage chunk with `choices: []`, then `data: [DONE]`).
 */
import { MockRequestError } from "./errors.js";
import type { MockModel } from "./models.js";
import type { AnswerPlan, NormalizedRequest, ToolChoice, ToolSpec } from "./plan.js";
import { FrameBuilder, SSE_DONE, sseData } from "./sse.js";
import { splitChars, splitWords } from "./text.js";
import { estimateTokens, openaiImageTokens, sniffImageSize } from "./tokens.js";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function bad(message: string, param: string | null = null, code: string | null = null): MockRequestError {
  return new MockRequestError(400, message, param, code);
}

const ROLES = new Set(["system", "developer", "user", "assistant", "tool", "function"]);

function readContent(content: unknown, acc: { chars: number; imageTokens: number; images: number }): string {
  if (typeof content === "string") {
    acc.chars += content.length;
    return content;
  }
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const part of content) {
    if (!isObject(part)) continue;
    if ((part.type === "text" || part.type === "input_text") && typeof part.text === "string") {
      text += (text ? "\n" : "") + part.text;
      acc.chars += part.text.length;
    } else if (part.type === "image_url") {
      const image = isObject(part.image_url) ? part.image_url : {};
      const url = typeof image.url === "string" ? image.url : "";
      const comma = url.startsWith("data:") ? url.indexOf(",") : -1;
      const size = comma >= 0 ? sniffImageSize(url.slice(comma + 1)) : null;
      acc.imageTokens += openaiImageTokens(size, typeof image.detail === "string" ? image.detail : undefined);
      acc.images += 1;
    } else if (part.type === "input_audio") {
      acc.chars += 400;
    }
  }
  return text;
}

function readTools(raw: unknown): ToolSpec[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw bad("Invalid type for 'tools': expected an array.", "tools", "invalid_type");
  const tools: ToolSpec[] = [];
  raw.forEach((tool, i) => {
    if (!isObject(tool) || tool.type !== "function" || !isObject(tool.function)) {
      if (isObject(tool) && tool.type === "custom") return;
      throw bad(
        `Missing required parameter: 'tools[${i}].function'.`,
        `tools[${i}].function`,
        "missing_required_parameter",
      );
    }
    const fn = tool.function;
    if (typeof fn.name !== "string" || !fn.name) {
      throw bad(
        `Missing required parameter: 'tools[${i}].function.name'.`,
        `tools[${i}].function.name`,
        "missing_required_parameter",
      );
    }
    tools.push({
      name: fn.name,
      description: typeof fn.description === "string" ? fn.description : "",
      schema: isObject(fn.parameters) ? fn.parameters : { type: "object", properties: {} },
    });
  });
  return tools;
}

function readToolChoice(raw: unknown, tools: ToolSpec[]): ToolChoice {
  if (raw === undefined || raw === null || raw === "auto") return { mode: "auto" };
  if (raw === "none") return { mode: "none" };
  if (raw === "required") return { mode: "any" };
  if (
    isObject(raw) &&
    raw.type === "function" &&
    isObject(raw.function) &&
    typeof raw.function.name === "string"
  ) {
    const name = raw.function.name;
    if (!tools.some((t) => t.name === name)) {
      throw bad(
        `Invalid value for 'tool_choice': no function named '${name}' was specified in the 'tools' parameter.`,
        "tool_choice",
        null,
      );
    }
    return { mode: "tool", name };
  }
  if (isObject(raw) && raw.type === "allowed_tools") return { mode: "auto" };
  throw bad(
    "Invalid value for 'tool_choice': 'tool_choice' must be 'none', 'auto', 'required' or a named function.",
    "tool_choice",
    "invalid_value",
  );
}

function limit(body: Json, name: "max_tokens" | "max_completion_tokens"): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw bad(
      `Invalid type for '${name}': expected an integer, but got a ${typeof value} instead.`,
      name,
      "invalid_type",
    );
  }
  if (value < 1)
    throw bad(
      `Invalid '${name}': integer below minimum value. Expected a value >= 1, but got ${value} instead.`,
      name,
      "integer_below_min_value",
    );
  return value;
}

/** Validates a Chat Completions body and reduces it to a NormalizedRequest (throws MockRequestError). */
export function readOpenAIRequest(
  body: unknown,
  lookup: (id: string) => MockModel | undefined,
): NormalizedRequest {
  if (!isObject(body)) throw bad("Invalid request body: expected a JSON object.");
  if (typeof body.model !== "string" || !body.model)
    throw bad("you must provide a model parameter", "model", null);
  if (body.messages === undefined)
    throw bad("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
  if (!Array.isArray(body.messages))
    throw bad("Invalid type for 'messages': expected an array.", "messages", "invalid_type");
  if (body.messages.length === 0) {
    throw bad(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      "messages",
      "empty_array",
    );
  }
  if (body.temperature !== undefined && body.temperature !== null) {
    if (typeof body.temperature !== "number" || body.temperature < 0 || body.temperature > 2) {
      throw bad(
        `Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got ${String(body.temperature)} instead.`,
        "temperature",
        "decimal_above_max_value",
      );
    }
  }
  const model = lookup(body.model);
  const requested = limit(body, "max_completion_tokens") ?? limit(body, "max_tokens");
  const param =
    body.max_completion_tokens !== undefined && body.max_completion_tokens !== null
      ? "max_completion_tokens"
      : "max_tokens";
  if (model && requested !== undefined && requested > model.maxOutputTokens) {
    throw bad(
      `${param} is too large: ${requested}. This model supports at most ${model.maxOutputTokens} completion tokens, whereas you provided ${requested}.`,
      param,
      "invalid_value",
    );
  }
  const acc = { chars: 0, imageTokens: 0, images: 0 };
  const messages = body.messages;
  const callNames = new Map<string, string>();
  let prompt = "";
  let toolResult: NormalizedRequest["toolResult"] = null;
  let images = 0;
  messages.forEach((message, i) => {
    if (!isObject(message))
      throw bad(`Invalid type for 'messages[${i}]': expected an object.`, `messages[${i}]`, "invalid_type");
    if (typeof message.role !== "string" || !ROLES.has(message.role)) {
      throw bad(
        `Invalid value: '${String(message.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        `messages[${i}].role`,
        "invalid_value",
      );
    }
    const before = acc.images;
    const text = readContent(message.content, acc);
    if (message.role === "assistant" && Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls) {
        if (isObject(call) && typeof call.id === "string" && isObject(call.function)) {
          callNames.set(call.id, String(call.function.name ?? "tool"));
          acc.chars += String(call.function.arguments ?? "").length;
        }
      }
    }
    if (message.role === "tool") {
      const name = typeof message.tool_call_id === "string" ? callNames.get(message.tool_call_id) : undefined;
      if (name === undefined) {
        throw bad(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${i}].role`,
          null,
        );
      }
      if (i === messages.length - 1) toolResult = { name, content: text };
    }
    if (message.role === "user") {
      if (text) prompt = text;
      if (i === messages.length - 1) images = acc.images - before;
    }
  });
  const tools = readTools(body.tools);
  const toolChoice = readToolChoice(body.tool_choice, tools);
  let jsonSchema: unknown;
  if (isObject(body.response_format)) {
    if (body.response_format.type === "json_schema") {
      const spec = isObject(body.response_format.json_schema) ? body.response_format.json_schema : {};
      jsonSchema = isObject(spec.schema) ? spec.schema : null;
    } else if (body.response_format.type === "json_object") {
      jsonSchema = null;
    }
  }
  let choices = 1;
  if (body.n !== undefined && body.n !== null) {
    if (typeof body.n !== "number" || !Number.isInteger(body.n)) {
      throw bad("Invalid type for 'n': expected an integer.", "n", "invalid_type");
    }
    if (body.n < 1 || body.n > 128) {
      throw bad(
        `Invalid 'n': expected a value from 1 to 128, but got ${body.n} instead.`,
        "n",
        "invalid_value",
      );
    }
    choices = body.n;
  }
  const effort = typeof body.reasoning_effort === "string" ? body.reasoning_effort : null;
  const reasoningEffort = effort ?? (model?.reasoning ? "medium" : null);
  const stop =
    typeof body.stop === "string"
      ? [body.stop]
      : Array.isArray(body.stop)
        ? body.stop.filter((s): s is string => typeof s === "string")
        : [];
  const toolsTokens =
    body.tools === undefined || body.tools === null ? 0 : estimateTokens(JSON.stringify(body.tools)) + 10;
  const inputTokens = Math.ceil(acc.chars / 4) + acc.imageTokens + toolsTokens + 4 * messages.length + 3;
  const key = JSON.stringify([
    body.model,
    requested ?? null,
    messages,
    body.tools ?? null,
    body.tool_choice ?? null,
    reasoningEffort,
    body.response_format ?? null,
    stop,
  ]);
  return {
    dialect: "openai",
    model: body.model,
    choices,
    maxTokens: requested ?? model?.maxOutputTokens ?? 4096,
    prompt,
    toolResult,
    images,
    inputTokens,
    tools,
    toolChoice,
    thinkingBudget: null,
    reasoningEffort,
    stop,
    jsonSchema,
    key,
  };
}

const FINISH = {
  end: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  tool: "tool_calls",
  refusal: "stop",
};

/** The tool call id for a planned call. */
export function openaiToolId(plan: AnswerPlan): string {
  return `call_${plan.toolCall?.idSuffix ?? ""}`;
}

/** The `usage` object of one or more choices (the prompt counts once). */
export function openaiUsage(plans: AnswerPlan[]): Json {
  const prompt = plans[0]?.inputTokens ?? 0;
  let completion = 0;
  let reasoning = 0;
  for (const plan of plans) {
    completion += plan.outputTokens;
    reasoning += plan.reasoningTokens;
  }
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Identity fields shared by the body and every chunk. */
export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
  fingerprint: string;
}

function message(plan: AnswerPlan): Json {
  const refused = plan.stop === "refusal";
  const out: Json = {
    role: "assistant",
    content: refused || (plan.toolCall && !plan.text) ? null : plan.text,
    refusal: refused ? plan.text : null,
    annotations: [],
  };
  if (plan.toolCall) {
    out.tool_calls = [
      {
        id: openaiToolId(plan),
        type: "function",
        function: { name: plan.toolCall.name, arguments: plan.toolCall.json },
      },
    ];
  }
  return out;
}

/** The non-streaming `chat.completion` body: one choice per plan (the request's `n`). */
export function openaiCompletion(plans: AnswerPlan[], meta: CompletionMeta): Json {
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    choices: plans.map((plan, index) => ({
      index,
      message: message(plan),
      logprobs: null,
      finish_reason: FINISH[plan.stop],
    })),
    usage: openaiUsage(plans),
    service_tier: "default",
    system_fingerprint: meta.fingerprint,
  };
}

/**
 * The SSE stream as write groups, one chunk per group: for each choice in turn its role chunk, content
 * or tool-call deltas and finish chunk; then the usage chunk (when asked) and `[DONE]`.
 */
export function openaiStream(
  plans: AnswerPlan[],
  meta: CompletionMeta,
  includeUsage: boolean,
  wordsPerChunk: number,
): string[] {
  const out = new FrameBuilder();
  const chunk = (choices: Json[], usage?: Json | null) => {
    const body: Json = {
      id: meta.id,
      object: "chat.completion.chunk",
      created: meta.created,
      model: meta.model,
      service_tier: "default",
      system_fingerprint: meta.fingerprint,
      choices,
    };
    if (includeUsage) body.usage = usage ?? null;
    out.add(sseData(body)).cut();
  };
  plans.forEach((plan, index) => {
    const delta = (d: Json, finish: string | null = null) =>
      chunk([{ index, delta: d, logprobs: null, finish_reason: finish }]);
    if (plan.toolCall) {
      const call = plan.toolCall;
      const opening = {
        index: 0,
        id: openaiToolId(plan),
        type: "function",
        function: { name: call.name, arguments: "" },
      };
      if (plan.text) {
        delta({ role: "assistant", content: "", refusal: null });
        for (const piece of splitWords(plan.text, wordsPerChunk)) delta({ content: piece });
        delta({ tool_calls: [opening] });
      } else {
        delta({ role: "assistant", content: null, tool_calls: [opening], refusal: null });
      }
      for (const piece of splitChars(call.json, 6 * Math.max(1, wordsPerChunk))) {
        delta({ tool_calls: [{ index: 0, function: { arguments: piece } }] });
      }
    } else if (plan.stop === "refusal") {
      delta({ role: "assistant", content: null, refusal: "" });
      for (const piece of splitWords(plan.text, wordsPerChunk)) delta({ refusal: piece });
    } else {
      delta({ role: "assistant", content: "", refusal: null });
      for (const piece of splitWords(plan.text, wordsPerChunk)) delta({ content: piece });
    }
    delta({}, FINISH[plan.stop]);
  });
  if (includeUsage) chunk([], openaiUsage(plans));
  out.add(SSE_DONE);
  return out.done();
}
