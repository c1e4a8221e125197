/**
 * Built-in answer generator: plausible assistant prose (an opening, explanatory paragraphs, sometimes a
 * numbered list or a fenced code block, a closing line) about the words of the prompt. Pure and
 * deterministic: the same prompt and generator state give the same text.
 */
import type { Rng } from "./rng.js";

const STOPWORDS = new Set(
  (
    "about above after again against also because been before being below between both could does doing " +
    "down during each even every from further have having here itself just like more most much must need " +
    "only other over please same should show some such than that their them then there these they this " +
    "those through under until very want what when where which while will with within would your yours " +
    "into make tell give write explain using used use can how the and for are you not but all any our out " +
    "who why was were has had its his her him she one two get got let may might shall main good best " +
    "better different many various possible exist exists work works know think needs help makes create " +
    "find take look come seem keep start thing things way ways example please thanks thank able sure new " +
    "old high low long short small large big little great first last next another really actually " +
    "fix something anything someone describe compare summarise summarize list provide write implement"
  ).split(" "),
);

/** Distinct content words of a text (lower-cased, 4+ letters, no stop words), in order of appearance. */
export function keywords(text: string, max = 8): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const match of text.toLowerCase().matchAll(/[a-z][a-z0-9_-]{3,}/g)) {
    const word = match[0];
    if (STOPWORDS.has(word) || seen.has(word) || word.endsWith("ly")) continue;
    seen.add(word);
    out.push(word);
    if (out.length >= max) break;
  }
  return out;
}

function isContent(word: string): boolean {
  const lower = word.toLowerCase();
  return lower.length >= 3 && !STOPWORDS.has(lower) && !lower.endsWith("ly") && !/^\d+$/.test(lower);
}

/**
 * Short noun-like phrases of a text: runs of up to three consecutive content words ("developing
 * economies", "typescript error"), in order of appearance. Lone words ending in -ing or -ed are
 * dropped (they are rarely a topic on their own).
 */
export function keyPhrases(text: string, max = 6): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let run: string[] = [];
  const flush = () => {
    const lone = run.length === 1 && /(ing|ed)$/.test(run[0]!);
    if (run.length > 0 && !lone) {
      const phrase = run.slice(0, 3).join(" ");
      if (!seen.has(phrase)) {
        seen.add(phrase);
        out.push(phrase);
      }
    }
    run = [];
  };
  for (const match of text.matchAll(/[A-Za-z][A-Za-z0-9_+#-]*|[^\sA-Za-z]/g)) {
    const token = match[0];
    if (/^[A-Za-z]/.test(token) && isContent(token)) {
      const keepCase = /[A-Z]/.test(token.slice(1)) || /^[A-Z]{2,}$/.test(token);
      run.push(keepCase ? token : token.toLowerCase());
      if (run.length === 3) flush();
    } else {
      flush();
    }
    if (out.length >= max) break;
  }
  flush();
  return out.slice(0, max);
}

const FALLBACK_TOPICS = ["this approach", "the problem", "your setup", "the design", "the process"];
const NOUNS = [
  "configuration",
  "trade-off",
  "edge case",
  "baseline",
  "constraint",
  "workflow",
  "dependency",
  "assumption",
  "interface",
  "data model",
  "failure mode",
  "bottleneck",
  "test suite",
  "rollout plan",
  "error handling",
  "documentation",
  "abstraction",
  "feedback loop",
];
const VERBS = [
  "measure",
  "validate",
  "simplify",
  "document",
  "isolate",
  "review",
  "benchmark",
  "refactor",
  "monitor",
  "compare",
  "revisit",
  "automate",
];
const ADJECTIVES = ["robust", "simple", "predictable", "maintainable", "explicit", "incremental", "reliable"];

const OPENINGS = [
  "Here's an overview of {topic}, with the main points first and the details after.",
  "Good question. {Topic} comes up often, and it helps to separate a few different concerns.",
  "There are several ways to approach {topic}; which one fits best depends on your constraints.",
  "Sure! Below is a practical walkthrough of {topic}.",
  "Let's break {topic} down step by step.",
  "{Topic} is easier to reason about once you look at what each part is responsible for.",
];
const SENTENCES = [
  "The first thing to check is how {kw} interacts with the {noun}, because that usually determines everything else.",
  "In practice, it pays to {verb} the {noun} early rather than after the {noun2} is already in place.",
  "A common mistake is to treat {kw} as a fixed input, when it really depends on the {noun}.",
  "If you {verb} {kw} carefully, the {noun2} tends to stay {adj} as the system grows.",
  "Keep the {noun} {adj}: a small, well-understood piece is easier to {verb} than a clever one.",
  "Most of the difficulty with {kw} comes from the {noun}, not from {kw2} itself.",
  "You can usually {verb} the {noun} with a short experiment before committing to a larger change.",
  "It is worth writing down the {noun} explicitly, since {kw2} often hides it.",
  "When {kw} and {kw2} pull in different directions, prefer the option that keeps the {noun} {adj}.",
  "This matters most at scale, where a small {noun} in {kw} turns into a real {noun2}.",
  "For {kw}, a good rule of thumb is to {verb} first and optimise only what the numbers point at.",
  "Another consideration is the {noun2}: it decides how {adj} the result will be over time.",
  "Teams that handle {kw} well tend to {verb} the {noun} continuously instead of once.",
  "None of this requires heavy tooling; a clear {noun} and a habit of reviewing {kw2} go a long way.",
];
const LIST_INTROS = [
  "Key points to keep in mind:",
  "A reasonable sequence looks like this:",
  "Here are the steps I would follow:",
  "To summarise the main options:",
];
const LIST_ITEMS = [
  "**{Noun}**: {verb} it before changing anything else, so you have a baseline for {kw}.",
  "**{Kw}**: keep it {adj} and make its assumptions explicit.",
  "**Testing**: add a small check that covers the {noun} around {kw2}.",
  "**Monitoring**: track how the {noun} behaves once {kw} is in production.",
  "**Iteration**: {verb} the {noun2} in small steps and compare the results.",
  "**Edge cases**: think about empty inputs, very large inputs and concurrent use of {kw}.",
  "**Documentation**: record why the {noun} was chosen, not only what it does.",
];
const CLOSINGS = [
  "Let me know if you'd like me to go deeper into any of these points.",
  "I hope this helps! Feel free to share more details about your {noun} if you want a more specific answer.",
  "If you tell me more about your constraints, I can suggest a more concrete plan.",
  "In short: start {adj}, {verb} as you go, and revisit {kw} once you have real data.",
];
const IMAGE_SENTENCES = [
  "The image shows a {adj} layout with several distinct regions; the most prominent element sits near the centre.",
  "Looking at the image you shared, I can see a scene with a clear foreground subject and some detail in the background.",
  "From the image, the main subject is clearly visible, and the colours and composition suggest it was taken in good light.",
];

const CODE_HINTS: Array<[RegExp, string]> = [
  [/\b(typescript|tsx?)\b/, "typescript"],
  [/\b(javascript|node|react|js)\b/, "javascript"],
  [/\b(sql|query|postgres|mysql|sqlite)\b/, "sql"],
  [/\b(bash|shell|script|linux|command)\b/, "bash"],
  [/\b(rust|cargo)\b/, "rust"],
  [/\b(go|golang)\b/, "go"],
  [/\b(python|pandas|django|flask|numpy)\b/, "python"],
];
const CODE_WORDS =
  /\b(code|function|implement|program|class|bug|error|script|algorithm|api|regex|sql|python|javascript|typescript|compile)\b/;

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function identifier(word: string): string {
  return word.replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "items";
}

function codeBlock(language: string, kw: string, rng: Rng): string {
  const name = identifier(kw);
  const camel = name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  const limit = rng.int(2, 20) * 5;
  switch (language) {
    case "typescript":
      return `\`\`\`typescript\nexport function ${camel}Summary(items: string[], limit = ${limit}): Map<string, number> {\n  const counts = new Map<string, number>();\n  for (const item of items.slice(0, limit)) {\n    counts.set(item, (counts.get(item) ?? 0) + 1);\n  }\n  return counts;\n}\n\`\`\``;
    case "javascript":
      return `\`\`\`javascript\nasync function load${capitalise(camel)}(url) {\n  const response = await fetch(url);\n  if (!response.ok) {\n    throw new Error(\`Request failed: \${response.status}\`);\n  }\n  const data = await response.json();\n  return data.slice(0, ${limit});\n}\n\`\`\``;
    case "sql":
      return `\`\`\`sql\nSELECT ${name}, COUNT(*) AS total\nFROM events\nWHERE created_at >= NOW() - INTERVAL '7 days'\nGROUP BY ${name}\nORDER BY total DESC\nLIMIT ${limit};\n\`\`\``;
    case "bash":
      return `\`\`\`bash\n#!/usr/bin/env bash\nset -euo pipefail\n\nfor file in ./${name}/*.log; do\n  echo "Processing $file"\n  grep -c "ERROR" "$file" || true\ndone | head -n ${limit}\n\`\`\``;
    case "rust":
      return `\`\`\`rust\nfn ${name}_total(values: &[u64]) -> u64 {\n    values.iter().take(${limit}).sum()\n}\n\`\`\``;
    case "go":
      return `\`\`\`go\nfunc ${capitalise(camel)}Total(values []int) int {\n\ttotal := 0\n\tfor i, v := range values {\n\t\tif i >= ${limit} {\n\t\t\tbreak\n\t\t}\n\t\ttotal += v\n\t}\n\treturn total\n}\n\`\`\``;
    default:
      return `\`\`\`python\ndef process_${name}(items, limit=${limit}):\n    """Return the first \`limit\` non-empty items, stripped."""\n    result = []\n    for item in items:\n        if item and len(result) < limit:\n            result.append(item.strip())\n    return result\n\`\`\``;
  }
}

/** Fills {topic}, {kw}, {noun}… slots of a template from the prompt's phrases and the vocabulary. */
function fill(template: string, words: string[], topic: string, rng: Rng): string {
  const used = new Set<string>();
  const fresh = (pool: readonly string[]): string => {
    let value = rng.pick(pool);
    for (let i = 0; i < 4 && used.has(value) && pool.length > 1; i++) value = rng.pick(pool);
    used.add(value);
    return value;
  };
  return template.replace(/\{(\w+)\}/g, (_m, slot: string) => {
    const lower = slot.toLowerCase();
    let value: string;
    if (lower === "topic") value = topic;
    else if (lower === "kw" || lower === "kw2") value = fresh(words.length > 0 ? words : NOUNS);
    else if (lower === "noun" || lower === "noun2") value = fresh(NOUNS);
    else if (lower === "verb") value = rng.pick(VERBS);
    else if (lower === "adj") value = rng.pick(ADJECTIVES);
    else value = slot;
    return slot.charAt(0) === slot.charAt(0).toUpperCase() ? capitalise(value) : value;
  });
}

const LANGUAGE_NAMES: Record<string, string> = {
  typescript: "TypeScript",
  javascript: "JavaScript",
  python: "Python",
  bash: "Bash",
  sql: "SQL",
  rust: "Rust",
  go: "Go",
};

/** The code-block intro and block for a prompt, named after its first keyword that is not a language. */
function codeExample(prompt: string, language: string, rng: Rng): string[] {
  const name = keywords(prompt).find((w) => !(w in LANGUAGE_NAMES)) ?? "items";
  return [`For example, in ${LANGUAGE_NAMES[language] ?? language}:`, codeBlock(language, name, rng)];
}

/** What to write an answer about. */
export interface AnswerInput {
  /** The text of the last user turn (used for keywords and the code language). */
  prompt: string;
  /** Roughly how long the natural answer should be, in tokens; the text ends at a paragraph after it. */
  targetTokens: number;
  /** How many images came with the prompt (the answer then describes "the image"). */
  images?: number;
  /** Set when answering after a tool result: the tool's name and what it returned. */
  toolResult?: { name: string; content: string } | null;
}

/** Generates a multi-paragraph answer of about `targetTokens` tokens (never less than one paragraph). */
export function generateAnswer(input: AnswerInput, rng: Rng): string {
  const words = keyPhrases(input.prompt);
  const multi = words.find((w) => w.includes(" "));
  const topic =
    multi ?? (words.length >= 2 ? `${words[0]} and ${words[1]}` : (words[0] ?? rng.pick(FALLBACK_TOPICS)));
  const sentenceDeck: string[] = [];
  const targetChars = Math.max(40, input.targetTokens * 4);
  const parts: string[] = [];
  let length = 0;
  const push = (part: string) => {
    parts.push(part);
    length += part.length + 2;
  };

  if (input.toolResult) {
    const excerpt = input.toolResult.content.replace(/\s+/g, " ").trim().slice(0, 160);
    push(
      `Based on the result from \`${input.toolResult.name}\`${excerpt ? ` (${excerpt})` : ""}, here is what it means for ${topic}.`,
    );
  } else {
    push(fill(rng.pick(OPENINGS), words, topic, rng));
  }
  if (input.images && input.images > 0) {
    push(fill(rng.pick(IMAGE_SENTENCES), words, topic, rng));
  }
  const lower = input.prompt.toLowerCase();
  const wantsCode = CODE_WORDS.test(lower) || rng.chance(0.15);
  const language = CODE_HINTS.find(([re]) => re.test(lower))?.[1] ?? "python";
  let codeDone = !wantsCode;
  let listDone = !rng.chance(0.55);
  let guard = 0;
  while (length < targetChars && guard++ < 200) {
    const roll = rng.next();
    if (!codeDone && (roll < 0.35 || length > targetChars / 2)) {
      for (const part of codeExample(input.prompt, language, rng)) push(part);
      codeDone = true;
    } else if (!listDone && roll < 0.6) {
      const items: string[] = [];
      const count = rng.int(3, 5);
      const start = rng.int(0, LIST_ITEMS.length - 1);
      for (let i = 0; i < count; i++) {
        items.push(`${i + 1}. ${fill(LIST_ITEMS[(start + i) % LIST_ITEMS.length]!, words, topic, rng)}`);
      }
      push(fill(rng.pick(LIST_INTROS), words, topic, rng));
      push(items.join("\n"));
      listDone = true;
    } else {
      const sentences: string[] = [];
      const count = rng.int(2, 4);
      for (let i = 0; i < count; i++) {
        if (sentenceDeck.length === 0) sentenceDeck.push(...SENTENCES);
        const template = sentenceDeck.splice(rng.int(0, sentenceDeck.length - 1), 1)[0]!;
        sentences.push(fill(template, words, topic, rng));
      }
      push(sentences.join(" "));
    }
  }
  if (!codeDone) for (const part of codeExample(input.prompt, language, rng)) push(part);
  push(fill(rng.pick(CLOSINGS), words, topic, rng));
  return parts.join("\n\n");
}

const THINKING_STEPS = [
  "The user is asking about {topic}. Let me think about what they actually need.",
  "First, I should consider the {noun}: how does {kw} depend on it?",
  "Wait, I need to double-check the assumption about {kw2} before going further.",
  "If I {verb} the {noun} first, the rest follows more directly.",
  "Let me reconsider: the {noun2} might matter more than {kw} here.",
  "So the answer should cover the {noun}, give a concrete example, and mention the main trade-off.",
  "Checking this step by step: the constraint on {kw} holds, and the {noun} stays {adj}.",
  "I think the clearest structure is an overview, then specifics, then a short summary.",
];

/** Generates step-by-step "thinking" text of about `targetTokens` tokens. */
export function generateThinking(prompt: string, targetTokens: number, rng: Rng): string {
  const words = keyPhrases(prompt);
  const topic = words.slice(0, 3).join(", ") || rng.pick(FALLBACK_TOPICS);
  const targetChars = Math.max(40, targetTokens * 4);
  const lines: string[] = [];
  let length = 0;
  let i = 0;
  while (length < targetChars && i < 400) {
    const step = i === 0 ? THINKING_STEPS[0]! : rng.pick(THINKING_STEPS.slice(1));
    const line = fill(step, words, topic, rng);
    lines.push(line);
    length += line.length + 1;
    i++;
  }
  return lines.join("\n");
}

/**
 * Splits a text into stream pieces of `words` words each (whitespace stays attached), so that joining
 * the pieces gives back the text exactly.
 */
export function splitWords(text: string, words: number): string[] {
  const per = Math.max(1, Math.floor(words));
  const pieces: string[] = [];
  let start = 0;
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord) {
      if (count === per) {
        pieces.push(text.slice(start, i));
        start = i;
        count = 0;
      }
      count++;
    }
    inWord = !space;
  }
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}

/** Splits a string into pieces of at most `size` characters (tool-argument JSON in streams). */
export function splitChars(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}
