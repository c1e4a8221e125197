/**
 * Real answer texts for the mock (optional): the arena-hard GPT-4 answers in
 * `<corpusDir>/responses/arena-hard-v0.1-gpt-4-0613-answers.jsonl`. A prompt that is exactly one of the
 * arena questions gets that question's real answer; any other prompt gets an answer picked by hash.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Relative path of the answers file inside a corpus directory. */
export const CORPUS_ANSWERS_FILE = join("responses", "arena-hard-v0.1-gpt-4-0613-answers.jsonl");

/** Loaded answers. */
export interface Corpus {
  answers: string[];
  /** The answer for a prompt: its own answer when the prompt is a known question, else answers[pick % n]. */
  answerFor(prompt: string, pick: number): string;
}

interface ArenaLine {
  messages?: Array<{ role?: string; content?: unknown }>;
}

/** Builds a corpus from (question, answer) pairs. */
export function corpusFromPairs(pairs: Array<{ question: string; answer: string }>): Corpus {
  const answers = pairs.map((p) => p.answer);
  const byQuestion = new Map<string, number>();
  pairs.forEach((p, i) => {
    if (p.question) byQuestion.set(p.question.trim(), i);
  });
  return {
    answers,
    answerFor(prompt, pick) {
      const own = byQuestion.get(prompt.trim());
      return answers[own ?? pick % answers.length] ?? "";
    },
  };
}

/** Parses the arena answers JSONL text (lines that do not fit are skipped). */
export function parseArenaAnswers(text: string): Corpus {
  const pairs: Array<{ question: string; answer: string }> = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    let parsed: ArenaLine;
    try {
      parsed = JSON.parse(line) as ArenaLine;
    } catch {
      continue;
    }
    const question = parsed.messages?.find((m) => m.role === "user")?.content;
    const content = parsed.messages?.find((m) => m.role === "assistant")?.content as
      | { answer?: unknown }
      | undefined;
    const answer = content?.answer;
    if (typeof answer === "string" && answer.length > 0) {
      pairs.push({ question: typeof question === "string" ? question : "", answer });
    }
  }
  return corpusFromPairs(pairs);
}

/** Loads the corpus from a directory; null when the directory or the answers file is absent. */
export function loadCorpus(dir: string | null | undefined): Corpus | null {
  if (!dir) return null;
  const file = join(dir, CORPUS_ANSWERS_FILE);
  if (!existsSync(file)) return null;
  const corpus = parseArenaAnswers(readFileSync(file, "utf8"));
  return corpus.answers.length > 0 ? corpus : null;
}
