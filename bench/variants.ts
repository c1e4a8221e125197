/**
 * The detector on adversaries it was not developed against: for each campaign-knob variant in
 * bench/variants/ (`simulate --campaigns` files) and each seed, simulates the preset with the
 * variant, analyses the log with the CLI (`analyze`, as a user would) and scores the report; prints
 * a Markdown table of yield / minutes to first enforcement per campaign and seed, the campaign's
 * accounts enforced, and legitimate accounts enforced. `base` is the preset as it is.
 * Usage: node dist/bench/variants.js [--variants base,avdc,...] [--seeds 1,2,3] [--preset quick]
 *        [--dir /tmp/dg-variants] [--keep]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { promptSource } from "../src/cli/commands/simulate.js";
import type { SystemResult } from "../src/eval/metrics.js";
import { evaluateFiles } from "../src/eval/run.js";
import { applyCampaignOverrides } from "../src/sim/overrides.js";
import { PRESETS } from "../src/sim/presets.js";
import { simulate } from "../src/sim/simulate.js";

/** The repository root (this file runs from dist/bench/). */
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const variantDir = join(root, "bench", "variants");
const known = readdirSync(variantDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.replace(/\.json$/, ""))
  .sort();

const { values } = parseArgs({
  options: {
    variants: { type: "string", default: ["base", ...known].join(",") },
    seeds: { type: "string", default: "1,2,3" },
    preset: { type: "string", default: "quick" },
    dir: { type: "string", default: "/tmp/dg-variants" },
    corpus: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});

const named = PRESETS[values.preset];
if (!named) throw new Error(`--preset ${values.preset}: unknown (${Object.keys(PRESETS).join(", ")})`);
const seeds = values.seeds.split(",").map(Number);
const variants = values.variants.split(",");
for (const v of variants)
  if (v !== "base" && !known.includes(v)) throw new Error(`--variants: no bench/variants/${v}.json`);
mkdirSync(values.dir, { recursive: true });
const source = promptSource(values.corpus);
const cli = join(root, "bin", "distillguard.mjs");

interface Run {
  system: SystemResult;
  /** Accounts of each campaign, and those enforced (from the report and the truth). */
  accounts: Record<string, number>;
  enforced: Record<string, number>;
}

async function one(variant: string, seed: number): Promise<Run> {
  const preset =
    variant === "base"
      ? named!
      : applyCampaignOverrides(
          named!,
          JSON.parse(readFileSync(join(variantDir, `${variant}.json`), "utf8")),
          `bench/variants/${variant}.json`,
        );
  const base = join(values.dir, `${variant}-${values.preset}${seed}`);
  const log = `${base}.jsonl`;
  const truth = `${base}.truth.jsonl`;
  const report = `${base}.report.json`;
  simulate({ preset, seed, source, out: log, truth });
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [cli, "analyze", log, "--out", report, "--quiet"], {
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error(`analyze ${log}: exit ${r.status}`);
  process.stderr.write(
    `variants: ${variant} seed ${seed} analysed in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  const ev = await evaluateFiles({ log, truth, report, naive: [] });
  const system = ev.systems.find((s) => s.kind === "detector")!;
  const verdicts = new Map<string, string>();
  for (const a of (
    JSON.parse(readFileSync(report, "utf8")) as { accounts: { account_id: string; verdict: string }[] }
  ).accounts)
    verdicts.set(a.account_id, a.verdict);
  const accounts: Record<string, number> = {};
  const enforced: Record<string, number> = {};
  for (const line of readFileSync(truth, "utf8").trim().split("\n")) {
    const t = JSON.parse(line) as { account_id: string; campaign_id: string | null };
    if (!t.campaign_id) continue;
    accounts[t.campaign_id] = (accounts[t.campaign_id] ?? 0) + 1;
    const v = verdicts.get(t.account_id);
    if (v === "block" || v === "throttle") enforced[t.campaign_id] = (enforced[t.campaign_id] ?? 0) + 1;
  }
  if (!values.keep) rmSync(log, { force: true });
  return { system, accounts, enforced };
}

const out: string[] = [
  `Preset \`${values.preset}\`, seeds ${seeds.join(", ")}; per campaign: yield / minutes to first enforcement.`,
  "",
  `| variant | campaign | ${seeds.map((s) => `seed ${s}`).join(" | ")} | enforced / accounts | legit enforced |`,
  `| --- | --- | ${seeds.map(() => "---:").join(" | ")} | ---: | ---: |`,
];
for (const variant of variants) {
  const runs: Run[] = [];
  for (const seed of seeds) runs.push(await one(variant, seed));
  const camps = Object.keys(runs[0]!.system.yield_by_campaign).sort();
  const legit = runs.reduce((n, r) => n + r.system.legit_enforced, 0);
  camps.forEach((c, i) => {
    const cells = runs.map((r) => {
      const m = r.system.minutes_to_first_enforcement[c];
      return `${((r.system.yield_by_campaign[c] ?? 0) * 100).toFixed(1)} % / ${m == null ? "never" : m.toFixed(0)}`;
    });
    const enf = runs.reduce((n, r) => n + (r.enforced[c] ?? 0), 0);
    const all = runs.reduce((n, r) => n + (r.accounts[c] ?? 0), 0);
    out.push(
      `| ${i === 0 ? variant : ""} | ${c.replace(/^camp-/, "")} | ${cells.join(" | ")} | ${enf} / ${all} | ${i === 0 ? legit : ""} |`,
    );
  });
}
process.stdout.write(`${out.join("\n")}\n`);
