/**
 * Prompt source backed by real public corpora (the shared data directory's prompts/ and
 * responses/ files). Capabilities a corpus lacks fall back to the built-in generators.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { ConfigError } from "../../core/errors.js";
import { AGENT_SYSTEMS, AGENT_TOOLS } from "./tools.js";
import type { Capability, Prompt, PromptSource, ToolDef } from "./types.js";

const MAX_TEXT = 2400;

function clip(s: string): string {
  return s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) : s;
}

function jsonl(path: string): Record<string, unknown>[] {
  const text = path.endsWith(".gz")
    ? gunzipSync(readFileSync(path)).toString("utf8")
    : readFileSync(path, "utf8");
  const out: Record<string, unknown>[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    out.push(JSON.parse(line) as Record<string, unknown>);
  }
  return out;
}

/** Minimal RFC 4180 CSV reader (quoted fields, doubled quotes, newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** BFCL writes `"type": "dict"` where JSON Schema says object; fix that recursively. */
function fixSchema(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fixSchema);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = k === "type" && x === "dict" ? "object" : fixSchema(x);
    return out;
  }
  return v;
}

type Partial = Omit<Prompt, "capability" | "item">;

/** Loads whatever corpus files exist under `dir` (or `dir`/prompts). */
export class CorpusSource implements PromptSource {
  readonly name: string;
  private readonly pools = new Map<Capability, Partial[]>();

  constructor(
    dir: string,
    private readonly fallback: PromptSource,
  ) {
    this.name = dir;
    const prompts = existsSync(join(dir, "prompts")) ? join(dir, "prompts") : dir;
    const responses = existsSync(join(dir, "responses"))
      ? join(dir, "responses")
      : join(dir, "..", "responses");
    const f = (name: string): string | null => (existsSync(join(prompts, name)) ? join(prompts, name) : null);
    let loaded = 0;

    const gsm = f("gsm8k-train.jsonl");
    if (gsm)
      this.set(
        "math",
        jsonl(gsm).map((r) => ({ text: String(r.question) })),
      );

    const codegen = f("gpteacher-codegen-instruct.json");
    if (codegen) {
      const rows = JSON.parse(readFileSync(codegen, "utf8")) as { instruction: string; input: string }[];
      const code = rows.map((r) => ({
        text: clip(r.input ? `${r.instruction}\n\n${r.input}` : r.instruction),
      }));
      this.set("code", code);
      this.set(
        "agentic",
        rows.map((r, i) => ({
          system: AGENT_SYSTEMS[i % AGENT_SYSTEMS.length]!,
          tools: [...AGENT_TOOLS],
          text: clip(
            `${r.instruction} ${r.input ? `(${r.input})` : ""} Make the change in the repository and run the tests.`,
          ),
        })),
      );
    }

    const tools: Partial[] = [];
    for (const name of ["bfcl-v4-live-simple.jsonl", "bfcl-v4-live-multiple.jsonl"]) {
      const p = f(name);
      if (!p) continue;
      for (const r of jsonl(p)) {
        const q = (r.question as { role: string; content: string }[][])[0]?.find((m) => m.role === "user");
        const fns = (r.function as { name: string; description: string; parameters: unknown }[]) ?? [];
        if (!q) continue;
        tools.push({
          text: clip(q.content),
          tools: fns.map(
            (fn): ToolDef => ({
              name: fn.name.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64),
              description: clip(fn.description ?? ""),
              schema: fixSchema(fn.parameters) as Record<string, unknown>,
            }),
          ),
        });
      }
    }
    const toolformer = f("gpteacher-toolformer.json");
    if (toolformer) {
      const rows = JSON.parse(readFileSync(toolformer, "utf8")) as { instruction: string; input: string }[];
      for (const r of rows) {
        const lines = r.instruction.split("\n");
        tools.push({
          system: clip(lines.slice(0, -1).join("\n")),
          text: clip(`${lines.at(-1) ?? ""}\n${r.input}`),
        });
      }
    }
    if (tools.length > 0) this.set("tool_use", tools);

    const arena = f("arena-hard-v0.1-questions.jsonl");
    const arenaPrompts = arena ? jsonl(arena).map((r) => clip(String(r.prompt))) : [];
    if (arenaPrompts.length > 0)
      this.set(
        "chat",
        arenaPrompts.map((text) => ({ text })),
      );

    const judges = f("mtbench-judge-prompts.jsonl");
    const answersPath = join(responses, "arena-hard-v0.1-gpt-4-0613-answers.jsonl");
    const answers: string[] = existsSync(answersPath)
      ? jsonl(answersPath).map((r) => {
          const msgs = r.messages as { content: { answer?: string } | string }[] | undefined;
          const c = msgs?.[1]?.content;
          return clip(typeof c === "string" ? c : (c?.answer ?? ""));
        })
      : [];
    if (answers.length > 0)
      this.set(
        "document",
        answers.filter((a) => a.length > 200).map((text) => ({ text })),
      );
    if (judges && arenaPrompts.length > 0) {
      const templates = jsonl(judges).filter((j) => String(j.prompt_template ?? "").includes("{question}"));
      const rubric: Partial[] = [];
      arenaPrompts.forEach((q, i) => {
        const t = templates[i % templates.length];
        if (!t) return;
        const a = answers[i] ?? answers[0] ?? "";
        const text = String(t.prompt_template)
          .replaceAll("{question}", q)
          .replaceAll("{question_1}", q)
          .replaceAll("{answer}", a)
          .replaceAll("{answer_1}", a)
          .replaceAll("{answer_a}", a)
          .replaceAll("{answer_b}", answers[(i + 1) % Math.max(1, answers.length)] ?? "")
          .replace(/\{[a-z_0-9]+\}/g, "");
        rubric.push({ system: String(t.system_prompt ?? ""), text: clip(text) });
      });
      if (rubric.length > 0) this.set("rubric", rubric);
    }

    const hh = f("hh-rlhf-harmless-base-test.jsonl.gz");
    if (hh) {
      const asks = jsonl(hh)
        .map((r) => /Human: ([\s\S]*?)\n\nAssistant:/.exec(String(r.chosen))?.[1]?.trim() ?? "")
        .filter((s) => s.length > 0);
      this.set(
        "policy",
        asks.map((text) => ({ text: clip(text) })),
      );
    }

    const personas = f("awesome-chatgpt-prompts-2025-01.csv");
    if (personas) {
      const rows = parseCsv(readFileSync(personas, "utf8")).slice(1);
      this.set(
        "persona",
        rows.filter((r) => r.length >= 2).map((r) => ({ system: clip(r[1] ?? ""), text: "Let's begin." })),
      );
    }

    for (const pool of this.pools.values()) loaded += pool.length;
    if (loaded === 0)
      throw new ConfigError(`--corpus ${dir}: no known prompt files found (see its README.md)`);
  }

  private set(cap: Capability, items: Partial[]): void {
    if (items.length > 0) this.pools.set(cap, items);
  }

  /** Capabilities served from the corpus (the rest come from the built-in generators). */
  capabilities(): Capability[] {
    return [...this.pools.keys()];
  }

  size(cap: Capability): number {
    return this.pools.get(cap)?.length ?? this.fallback.size(cap);
  }

  item(cap: Capability, index: number): Prompt {
    const pool = this.pools.get(cap);
    if (!pool) return this.fallback.item(cap, index);
    const i = ((index % pool.length) + pool.length) % pool.length;
    return { capability: cap, item: i, ...(pool[i] as Partial) };
  }
}
