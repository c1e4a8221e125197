/**
 * Capability tags: what a request is trying to get out of the model. Tags are bit flags so a request's
 * tags fit in one small integer. Text tags come from phrase tables matched token by token during the
 * single fingerprinting pass (see fingerprint.ts); structural tags (tools, images, thinking) come from
 * the request shape.
 */

/** Tag names, in bit order. */
export const CAPABILITIES = [
  "cot", // chain-of-thought elicitation: asks for step-by-step reasoning, or enables thinking
  "grading", // rubric grading / reward-model use: asks for a score or judgement of a response
  "policy_rewrite", // rewrite of politically or policy-sensitive content
  "coding", // writing, fixing or explaining code
  "tool_use", // tools declared or tool blocks in the conversation
  "agentic", // multi-step agent loops: plans, executes, reads tool results
  "vision", // images in the request
  "roleplay", // persona / character play
  "math", // arithmetic and word problems
  "summarise", // summarisation / extraction
  "translate", // translation
  "creative", // stories, poems, marketing copy
] as const;

export type Capability = (typeof CAPABILITIES)[number];

/** Bit of a capability. */
export function capBit(cap: Capability): number {
  return 1 << CAPABILITIES.indexOf(cap);
}

/** Names of the tags set in a bitmask. */
export function capNames(mask: number): Capability[] {
  const out: Capability[] = [];
  for (let i = 0; i < CAPABILITIES.length; i++) if (mask & (1 << i)) out.push(CAPABILITIES[i]!);
  return out;
}

/** Number of capability tags. */
export const CAP_COUNT = CAPABILITIES.length;

/**
 * Phrases (lower case, one to three words) that set a tag when they occur in the prompt text. Some
 * tags need two cues: "policy_rewrite" is set when a rewrite cue and a sensitivity cue both occur.
 */
export const PHRASES: Record<string, readonly string[]> = {
  cot: [
    "step by step",
    "step-by-step",
    "chain of thought",
    "show your reasoning",
    "explain your reasoning",
    "show your work",
    "think carefully",
    "let's think",
    "lets think",
    "reason through",
    "reasoning process",
    "thought process",
    "think through",
    "walk through",
    "your reasoning",
    "intermediate steps",
    "detailed reasoning",
    "full reasoning",
    "internal reasoning",
  ],
  grading: [
    "rubric",
    "grade the",
    "score the",
    "rate the",
    "on a scale",
    "scale of",
    "evaluate the response",
    "judge",
    "grader",
    "scoring",
    "score from",
    "assign a score",
    "which response",
    "better response",
    "reward",
  ],
  coding: [
    "code",
    "function",
    "python",
    "javascript",
    "typescript",
    "java",
    "rust",
    "golang",
    "sql",
    "implement",
    "refactor",
    "bug",
    "debug",
    "compile",
    "unit test",
    "stack trace",
    "algorithm",
    "repository",
    "pull request",
    "```",
    "def",
    "const",
    "regex",
  ],
  agentic: [
    "agent",
    "plan and execute",
    "next action",
    "tool call",
    "tool calls",
    "observation",
    "terminal",
    "shell command",
    "browse",
    "run the tests",
    "multi-step",
    "orchestrate",
    "subtask",
    "subtasks",
    "file system",
    "execute the",
  ],
  roleplay: [
    "roleplay",
    "role-play",
    "act as",
    "pretend",
    "in character",
    "persona",
    "you are a",
    "you are an",
  ],
  math: [
    "solve",
    "equation",
    "calculate",
    "compute",
    "math",
    "arithmetic",
    "how many",
    "how much",
    "integral",
  ],
  summarise: ["summarize", "summarise", "summary", "tl;dr", "key points", "extract the"],
  translate: ["translate", "translation", "into english", "into french", "into chinese", "into spanish"],
  creative: ["story", "poem", "slogan", "lyrics", "creative", "blog post", "tagline"],
  rewrite_cue: ["rewrite", "rephrase", "paraphrase", "reword", "sanitize", "sanitise", "neutral version"],
  sensitive_cue: [
    "politically",
    "political",
    "sensitive",
    "censorship",
    "censor",
    "controversial",
    "government",
    "protest",
    "dissident",
    "propaganda",
    "censorship-safe",
    "regime",
  ],
};
