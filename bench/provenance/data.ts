/**
 * Real text for the provenance benchmarks, read at run time from the shared data directory
 * (default ../shared/data, or $DG_DATA). Nothing is copied into the repository.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { mulberry32 } from "../../src/detect/math.js";

/** The data directory, or null when absent. */
export function dataDir(): string | null {
  const dir = process.env.DG_DATA ?? "../shared/data";
  return existsSync(join(dir, "responses")) ? dir : null;
}

/** A named collection of documents. */
export interface Collection {
  name: string;
  docs: string[];
}

/** The 500 real GPT-4 answers to the Arena-Hard questions. */
export function arenaAnswers(dir: string): string[] {
  const file = join(dir, "responses", "arena-hard-v0.1-gpt-4-0613-answers.jsonl");
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map(
      (l) =>
        (JSON.parse(l) as { messages: Array<{ content: { answer?: string } | string }> }).messages[1]
          ?.content,
    )
    .map((c) => (typeof c === "string" ? c : (c?.answer ?? "")))
    .filter((t) => t.length > 0);
}

function gpteacher(dir: string, file: string): string[] {
  const rows = JSON.parse(readFileSync(join(dir, "prompts", file), "utf8")) as Array<{ response: string }>;
  return rows.map((r) => r.response).filter((t) => typeof t === "string" && t.length > 0);
}

/** Every clean (never watermarked) real text collection available. */
export function cleanCollections(dir: string): Collection[] {
  const gsm = readFileSync(join(dir, "prompts", "gsm8k-train.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { answer: string }).answer);
  const hh: string[] = [];
  for (const line of gunzipSync(readFileSync(join(dir, "prompts", "hh-rlhf-harmless-base-test.jsonl.gz")))
    .toString("utf8")
    .split("\n")) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { chosen: string; rejected: string };
    for (const t of [r.chosen, r.rejected]) {
      const assistant = t
        .split(/\n\nHuman: /)
        .flatMap((turn) => turn.split(/\n\nAssistant: /).slice(1))
        .join("\n\n");
      if (assistant.trim()) hh.push(assistant);
    }
  }
  const arenaQ = readFileSync(join(dir, "prompts", "arena-hard-v0.1-questions.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { prompt: string }).prompt);
  return [
    { name: "arena-hard GPT-4 answers", docs: arenaAnswers(dir) },
    { name: "arena-hard questions", docs: arenaQ },
    { name: "GPTeacher codegen answers", docs: gpteacher(dir, "gpteacher-codegen-instruct.json") },
    { name: "GPTeacher toolformer answers", docs: gpteacher(dir, "gpteacher-toolformer.json") },
    { name: "GSM8K solutions", docs: gsm },
    { name: "HH-RLHF assistant turns", docs: hh },
  ];
}

/** Seeded PRNG (mulberry32) for reproducible benchmark sampling. */
export const rng: (seed: number) => () => number = mulberry32;

/** Count of whitespace-separated words. */
export function wordCount(text: string): number {
  const m = text.match(/\S+/g);
  return m ? m.length : 0;
}
