/** What a simulated request asks for, independent of API dialect. */
import type { Rng } from "../rng.js";

/** Kinds of content both legitimate users and adversaries send. */
export type Capability =
  | "math"
  | "code"
  | "tool_use"
  | "rubric"
  | "policy"
  | "persona"
  | "chat"
  | "agentic"
  | "vision"
  | "document";

export const CAPABILITIES: readonly Capability[] = [
  "math",
  "code",
  "tool_use",
  "rubric",
  "policy",
  "persona",
  "chat",
  "agentic",
  "vision",
  "document",
];

/** A tool definition with a JSON-schema input, dialect-neutral. */
export interface ToolDef {
  name: string;
  description: string;
  schema: Record<string, unknown>;
}

/** One prompt item drawn from a source. */
export interface Prompt {
  capability: Capability;
  /** Stable index of the item inside its pool (benchmarks are replayed by index). */
  item: number;
  /** The user's text. */
  text: string;
  /** A system prompt that comes with the item itself (judge templates, personas, tool docs). */
  system?: string;
  tools?: ToolDef[];
  /** The request carries an image block. */
  image?: boolean;
}

/** A pool of prompts per capability: indexable (for benchmark runs) and drawable. */
export interface PromptSource {
  /** Human name ("builtin" or the corpus directory). */
  readonly name: string;
  /** Number of distinct items for a capability. */
  size(cap: Capability): number;
  /** Item `index` (modulo size) of a capability; the same index always gives the same prompt. */
  item(cap: Capability, index: number): Prompt;
}

/** A random item, popular items more often (Zipf) when `skew` is set. */
export function drawPrompt(source: PromptSource, cap: Capability, rng: Rng, skew = 0): Prompt {
  const n = source.size(cap);
  return source.item(cap, skew > 0 ? rng.zipf(n, skew) : rng.int(n));
}
