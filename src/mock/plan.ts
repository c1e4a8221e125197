/**
 * The dialect-neutral core of the mock: a normalized request in, an answer plan out (thinking, text,
 * tool call, stop reason, token counts). The Anthropic and OpenAI encoders turn one plan into either a
 * JSON body or an SSE stream, which is why streamed and non-streamed answers always agree.
 */
import type { Corpus } from "./corpus.js";
import { hash32, Rng } from "./rng.js";
import { sampleFromSchema } from "./schema.js";
import { generateAnswer, generateThinking, keywords } from "./text.js";
import { estimateTokens, truncateToTokens } from "./tokens.js";

/** A function tool offered by the client. */
export interface ToolSpec {
  name: string;
  description: string;
  schema: unknown;
}

/** What the client allows: any answer, no tool, some tool, or one named tool. */
export type ToolChoice =
  | { mode: "auto" }
  | { mode: "none" }
  | { mode: "any" }
  | { mode: "tool"; name: string };

/** A request reduced to what shapes the answer. */
export interface NormalizedRequest {
  dialect: "anthropic" | "openai";
  model: string;
  /** How many alternative answers (OpenAI `n`; always 1 for Anthropic). */
  choices: number;
  /** Output token limit (thinking / reasoning included). */
  maxTokens: number;
  /** Text of the last user turn (or of the conversation's last user text when the last turn is a tool result). */
  prompt: string;
  /** Set when the last turn carries a tool result. */
  toolResult: { name: string; content: string } | null;
  images: number;
  inputTokens: number;
  tools: ToolSpec[];
  toolChoice: ToolChoice;
  /** Anthropic extended thinking budget; null when thinking is off. */
  thinkingBudget: number | null;
  /** OpenAI hidden reasoning effort; null for a model that does not reason. */
  reasoningEffort: string | null;
  stop: string[];
  /** OpenAI response_format: a JSON schema (json_schema), {} (json_object) or undefined (text). */
  jsonSchema: unknown;
  /** Canonical text of everything that shapes the answer (hashed with the seed). */
  key: string;
}

/** A tool call in the answer. */
export interface PlannedToolCall {
  /** Random part of the call id; each dialect adds its own prefix. */
  idSuffix: string;
  name: string;
  input: unknown;
  /** `input` serialized once, so the stream and the JSON body carry the same bytes. */
  json: string;
}

/** Why the answer ended. */
export type PlannedStop = "end" | "max_tokens" | "stop_sequence" | "tool" | "refusal";

/** Everything an encoder needs to write the answer. */
export interface AnswerPlan {
  thinking: string | null;
  signature: string | null;
  text: string;
  toolCall: PlannedToolCall | null;
  stop: PlannedStop;
  stopSequence: string | null;
  inputTokens: number;
  /** All output tokens: thinking, hidden reasoning, text and tool input. */
  outputTokens: number;
  /** OpenAI hidden reasoning tokens (already inside outputTokens). */
  reasoningTokens: number;
}

/** Options that shape every plan. */
export interface PlanOptions {
  seed: number;
  corpus: Corpus | null;
}

const REASONING: Record<string, [number, number]> = {
  none: [0, 0],
  minimal: [0, 48],
  low: [64, 320],
  medium: [256, 1280],
  high: [1024, 4096],
};

function chooseTool(req: NormalizedRequest, rng: Rng): ToolSpec | null {
  if (req.tools.length === 0) return null;
  const choice = req.toolChoice;
  if (choice.mode === "none") return null;
  if (choice.mode === "tool") return req.tools.find((t) => t.name === choice.name) ?? null;
  if (choice.mode === "auto" && req.toolResult) return null;
  const words = new Set(keywords(req.prompt, 40));
  let best = req.tools[0]!;
  let bestScore = -1;
  for (const tool of req.tools) {
    const own = keywords(`${tool.name.replace(/[_-]+/g, " ")} ${tool.description}`, 40);
    const score = own.filter((w) => words.has(w)).length;
    if (score > bestScore) {
      best = tool;
      bestScore = score;
    }
  }
  return bestScore > 0 ? best : (req.tools[rng.int(0, req.tools.length - 1)] ?? best);
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, value));
}

function applyStop(text: string, stops: string[]): { text: string; hit: string | null } {
  let cut = -1;
  let hit: string | null = null;
  for (const stop of stops) {
    if (!stop) continue;
    const at = text.indexOf(stop);
    if (at >= 0 && (cut < 0 || at < cut)) {
      cut = at;
      hit = stop;
    }
  }
  return cut < 0 ? { text, hit: null } : { text: text.slice(0, cut), hit };
}

const REFUSALS = [
  "I'm sorry, but I can't help with that request.",
  "I can't assist with that. If you have a different question, I'm happy to help.",
  "I'm not able to help with this request.",
];

/** A refusal answer for a request (the `refusal` fault): no tool call, a short refusal text. */
export function refusalPlan(req: NormalizedRequest, seed: number): AnswerPlan {
  const rng = new Rng(hash32(req.key, seed >>> 0));
  const text = rng.pick(REFUSALS);
  return {
    thinking: null,
    signature: null,
    text,
    toolCall: null,
    stop: "refusal",
    stopSequence: null,
    inputTokens: req.inputTokens,
    outputTokens: estimateTokens(text),
    reasoningTokens: 0,
  };
}

/** Plans every choice of a request (choice i > 0 hashes the key with its index). */
export function planChoices(
  req: NormalizedRequest,
  plan: (req: NormalizedRequest) => AnswerPlan,
): AnswerPlan[] {
  const plans = [plan(req)];
  for (let i = 1; i < req.choices; i++) plans.push(plan({ ...req, key: `${req.key}#${i}` }));
  return plans;
}

/** Plans the answer to a request: deterministic for the same request key and seed. */
export function planAnswer(req: NormalizedRequest, opts: PlanOptions): AnswerPlan {
  const rng = new Rng(hash32(req.key, (0x811c9dc5 ^ Math.imul(opts.seed | 0, 0x9e3779b1)) >>> 0));
  let budget = Math.max(1, req.maxTokens);
  let thinking: string | null = null;
  let signature: string | null = null;
  let thinkingTokens = 0;
  if (req.thinkingBudget !== null) {
    const cap = Math.max(1, Math.min(req.thinkingBudget, budget - 1));
    const natural = rng.int(60, clamp(Math.floor(req.thinkingBudget / 3), 120, 1500));
    thinking = truncateToTokens(generateThinking(req.prompt, Math.min(cap, natural), rng), cap);
    thinkingTokens = estimateTokens(thinking);
    signature = `Er${rng.alnum(6)}${Buffer.from(rng.alnum(180)).toString("base64")}`;
    budget = Math.max(0, budget - thinkingTokens);
  }
  let reasoningTokens = 0;
  if (req.reasoningEffort !== null) {
    const [lo, hi] = REASONING[req.reasoningEffort] ?? REASONING.medium!;
    reasoningTokens = Math.min(rng.int(lo, hi), budget);
    budget -= reasoningTokens;
  }

  const tool = chooseTool(req, rng);
  if (tool) {
    const input = sampleFromSchema(tool.schema, { prompt: req.prompt }, rng);
    const json = JSON.stringify(input) ?? "{}";
    const preamble =
      req.dialect === "anthropic" && req.toolChoice.mode === "auto" && rng.chance(0.5)
        ? `I'll use the ${tool.name} tool to help with this.`
        : "";
    const toolCall: PlannedToolCall = { idSuffix: rng.alnum(24), name: tool.name, input, json };
    return {
      thinking,
      signature,
      text: preamble,
      toolCall,
      stop: "tool",
      stopSequence: null,
      inputTokens: req.inputTokens,
      outputTokens: thinkingTokens + reasoningTokens + estimateTokens(preamble) + estimateTokens(json),
      reasoningTokens,
    };
  }

  let natural: string;
  if (req.jsonSchema !== undefined) {
    const schema = req.jsonSchema ?? { type: "object", properties: { answer: { type: "string" } } };
    natural = JSON.stringify(sampleFromSchema(schema, { prompt: req.prompt }, rng)) ?? "{}";
  } else if (opts.corpus && opts.corpus.answers.length > 0 && !req.toolResult) {
    natural = opts.corpus.answerFor(req.prompt, rng.int(0, 0x7fffffff));
    if (req.images > 0) natural = `The image you shared is a useful reference here.\n\n${natural}`;
  } else {
    natural = generateAnswer(
      {
        prompt: req.prompt,
        targetTokens: rng.int(60, clamp(Math.floor(req.maxTokens * 0.6), 200, 1200)),
        images: req.images,
        toolResult: req.toolResult,
      },
      rng,
    );
  }
  const stopped = applyStop(natural, req.stop);
  let text = stopped.text;
  let stop: PlannedStop = stopped.hit !== null ? "stop_sequence" : "end";
  if (estimateTokens(text) > budget) {
    text = truncateToTokens(text, budget);
    stop = "max_tokens";
  }
  return {
    thinking,
    signature,
    text,
    toolCall: null,
    stop,
    stopSequence: stop === "stop_sequence" ? stopped.hit : null,
    inputTokens: req.inputTokens,
    outputTokens: thinkingTokens + reasoningTokens + estimateTokens(text),
    reasoningTokens,
  };
}
