/**
 * Naive rate-limit baselines over several presets and seeds: simulates each (preset, seed), runs
 * the evaluator with the naive limits only, and prints a Markdown table (mean and range over seeds).
 * Usage: node dist/bench/baselines.js [--presets quick,medium] [--seeds 1,2,3] [--dir /tmp/dg-baselines]
 *        [--limits 10/h,20/h,60/h,300/h,1000/h,30/m] [--corpus ../shared/data]
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { promptSource } from "../src/cli/commands/simulate.js";
import type { SystemResult } from "../src/eval/metrics.js";
import { parseNaiveSpec } from "../src/eval/naive.js";
import { evaluateFiles } from "../src/eval/run.js";
import { PRESETS } from "../src/sim/presets.js";
import { simulate } from "../src/sim/simulate.js";

const { values } = parseArgs({
  options: {
    presets: { type: "string", default: "quick" },
    seeds: { type: "string", default: "1,2,3" },
    dir: { type: "string", default: "/tmp/dg-baselines" },
    limits: { type: "string", default: "10/h,20/h,60/h,300/h,1000/h,30/m" },
    corpus: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});

const specs = values.limits.split(",").map(parseNaiveSpec);
const seeds = values.seeds.split(",").map(Number);
mkdirSync(values.dir, { recursive: true });
const source = promptSource(values.corpus);

const pct = (x: number): string => `${(x * 100).toFixed(1)}`;
function cell(xs: number[]): string {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? `${pct(mean)}%` : `${pct(mean)}% (${pct(lo)}–${pct(hi)})`;
}

for (const name of values.presets.split(",")) {
  const preset = PRESETS[name];
  if (!preset) throw new Error(`unknown preset ${name}`);
  const runs: SystemResult[][] = [];
  const sizes: string[] = [];
  for (const seed of seeds) {
    const log = join(values.dir, `${name}-${seed}.jsonl`);
    const truth = join(values.dir, `${name}-${seed}.truth.jsonl`);
    const st = simulate({ preset, seed, source, out: log, truth });
    sizes.push(
      `seed ${seed}: ${st.exchanges.toLocaleString("en")} exchanges (${st.attack.toLocaleString("en")} attack), ${st.accounts.toLocaleString("en")} accounts`,
    );
    process.stderr.write(`baselines: ${name} seed ${seed} simulated in ${st.seconds.toFixed(1)} s\n`);
    const r = await evaluateFiles({ log, truth, naive: specs });
    runs.push(r.systems);
    if (!values.keep) {
      rmSync(log, { force: true });
    }
  }
  const pops = Object.keys(runs[0]![0]!.fpr_by_population).sort();
  const camps = Object.keys(runs[0]![0]!.yield_by_campaign).sort();
  const out: string[] = [];
  out.push(`### Preset \`${name}\` (${preset.days} days), seeds ${seeds.join(", ")}`, "");
  for (const s of sizes) out.push(`- ${s}`);
  out.push("", "Mean over seeds, range in brackets.", "");
  const head = [
    "limit",
    "attack recall",
    "legit FPR",
    ...pops.map((p) => `FPR ${p}`),
    "legit exchanges blocked",
    ...camps.map((c) => `yield ${c.replace(/^camp-/, "")}`),
  ];
  out.push(`| ${head.join(" | ")} |`, `| ${head.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`);
  specs.forEach((_, j) => {
    const col = (f: (s: SystemResult) => number): string => cell(runs.map((r) => f(r[j]!)));
    out.push(
      `| ${runs[0]![j]!.name.replace(/^naive /, "")} | ${col((s) => s.recall)} | ${col((s) => s.legit_fpr)} | ${pops.map((p) => col((s) => s.fpr_by_population[p] ?? 0)).join(" | ")} | ${col((s) => s.legit_exchanges_blocked_share)} | ${camps.map((c) => col((s) => s.yield_by_campaign[c] ?? 0)).join(" | ")} |`,
    );
  });
  process.stdout.write(`${out.join("\n")}\n\n`);
}
