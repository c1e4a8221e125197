/**
 * Prompt templates: how a client wraps an item (benchmark harness formats, chain-of-thought
 * elicitation, batch instructions). `{a|b|c}` groups are paraphrase points: expanded at random per
 * request when paraphrasing, or always to the first choice otherwise.
 */
import type { Rng } from "../rng.js";

export interface Template {
  id: string;
  system?: string;
  /** Text placed before the item, may contain `{a|b}` groups. */
  prefix?: string;
  /** Text placed after the item. */
  suffix?: string;
}

const GROUP = /\{([^{}]*\|[^{}]*)\}/g;

/** Expands `{a|b}` groups: at random when `rng` is given, else to the first choice. */
export function expand(text: string, rng?: Rng): string {
  return text.replace(GROUP, (_, body: string) => {
    const choices = body.split("|");
    return (rng ? rng.pick(choices) : choices[0]) ?? "";
  });
}

/** Applies a template to an item's text. */
export function applyTemplate(t: Template, text: string, rng?: Rng): { system?: string; text: string } {
  const pre = t.prefix ? expand(t.prefix, rng) : "";
  const post = t.suffix ? expand(t.suffix, rng) : "";
  const sys = t.system ? expand(t.system, rng) : undefined;
  return { ...(sys ? { system: sys } : {}), text: `${pre}${text}${post}` };
}

/** Formats evaluation harnesses really use on public benchmarks (public knowledge, our wording). */
export const HARNESS_TEMPLATES: readonly Template[] = [
  {
    id: "h-gsm-cot",
    prefix: "Question: ",
    suffix: "\nLet's think step by step. At the end, write 'The answer is N'.",
  },
  {
    id: "h-math-answer",
    prefix:
      "Solve the following math problem step by step. The last line of your response should be of the form Answer: $ANSWER.\n\n",
  },
  { id: "h-code", prefix: "Complete the following task. Return only a single code block.\n\n" },
  {
    id: "h-tools",
    system:
      "You are a function-calling model. Call the provided functions when needed; do not invent arguments.",
  },
  { id: "h-judge", system: "You are an evaluation model. Follow the grading instructions exactly." },
  { id: "h-zero", prefix: "" },
];

/** Chain-of-thought elicitation, rubric and rewrite wrappers adversaries use (paraphrasable). */
export const ADVERSARY_TEMPLATES: readonly Template[] = [
  {
    id: "a-cot-1",
    system: "{You are a meticulous expert|You are a world-class problem solver|You are an expert tutor}.",
    suffix:
      "\n\n{Think through|Reason about|Work through} this {step by step|carefully, one step at a time}. {Show|Write out} {every|each} intermediate {step|reasoning step} {before|prior to} {giving|stating} the final answer.",
  },
  {
    id: "a-cot-2",
    prefix: "{Please solve|Solve|Answer} the {following|next} {problem|task}. ",
    suffix:
      "\n{Explain your full reasoning|Lay out your complete chain of reasoning} {inside <reasoning> tags|in a section titled Reasoning}, then {give|provide} the answer {inside <answer> tags|in a section titled Answer}.",
  },
  {
    id: "a-explain",
    suffix:
      "\n\n{Before answering|First}, {describe|explain} {how you would approach this|your approach} and {why|what alternatives you considered}. {Be thorough|Be detailed}.",
  },
  {
    id: "a-rewrite",
    prefix:
      "{Rewrite|Rephrase} {your answer to|a response to} the {question|prompt} below so that it is {safe|neutral|acceptable} and {avoids|steers clear of} {politically sensitive|controversial} {content|claims}:\n\n",
  },
  {
    id: "a-grade",
    system:
      "{You are a strict grader|You are a reward model|You evaluate assistant answers}. {Score|Rate} the answer {from 1 to 10|on a 1-10 scale} and {justify|explain} the score {briefly|in two sentences}.",
  },
  { id: "a-plain", prefix: "" },
  {
    id: "a-agent",
    suffix:
      "\n\n{Plan|Outline} the {steps|approach} first, then {use the tools|call tools} {one at a time|step by step}. {Explain each tool call|Say why you call each tool}.",
  },
];

/** Batch-job instruction templates over documents. */
export const BATCH_TEMPLATES: readonly Template[] = [
  {
    id: "b-summary",
    prefix: "Summarize the following document in three bullet points.\n\n<document>\n",
    suffix: "\n</document>",
  },
  {
    id: "b-extract",
    system: "You extract structured data. Reply with JSON only.",
    prefix: "Extract the people, organisations, dates and amounts from this text as JSON:\n\n",
  },
  {
    id: "b-classify",
    prefix: "Classify the sentiment of this text as positive, negative or neutral. Text:\n",
    suffix: "\nLabel:",
  },
  { id: "b-translate", prefix: "Translate the following text into German, keeping the formatting:\n\n" },
];
