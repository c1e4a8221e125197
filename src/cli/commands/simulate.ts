import { existsSync, readFileSync } from "node:fs";
import { ConfigError } from "../../core/errors.js";
import { BuiltinSource } from "../../sim/content/builtin.js";
import { CorpusSource } from "../../sim/content/corpus.js";
import type { PromptSource } from "../../sim/content/types.js";
import { applyCampaignOverrides } from "../../sim/overrides.js";
import { PRESETS, type Preset } from "../../sim/presets.js";
import { sidecarPath, simulate } from "../../sim/simulate.js";
import type { Register } from "./index.js";

interface Opts {
  preset: string;
  seed: string;
  out: string;
  truth?: string;
  corpus?: string;
  start?: string;
  target?: string;
  speed?: string;
  keyTemplate?: string;
  max?: string;
  campaigns?: string;
  quiet?: boolean;
}

/** Reads the --corpus option into a prompt source (built-in generators when absent). */
export function promptSource(corpus: string | undefined): PromptSource {
  const builtin = new BuiltinSource();
  if (!corpus) return builtin;
  if (!existsSync(corpus)) throw new ConfigError(`--corpus ${corpus}: no such directory`);
  return new CorpusSource(corpus, builtin);
}

/** Reads a --campaigns file (JSON: campaign id -> knobs to replace) into the preset. */
export function withCampaignFile(preset: Preset, file: string | undefined): Preset {
  if (!file) return preset;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`--campaigns ${file}: cannot read (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`--campaigns ${file}: not JSON (${(e as Error).message})`);
  }
  return applyCampaignOverrides(preset, json, `--campaigns ${file}`);
}

/** `distillguard simulate`: writes a log + ground truth, or replays traffic into a gateway. */
export const register: Register = (program) => {
  program
    .command("simulate")
    .description("Generate realistic legitimate and adversarial traffic: a v1 log plus ground truth")
    .option("--preset <name>", `scale preset (${Object.keys(PRESETS).join(", ")})`, "quick")
    .option("--seed <n>", "PRNG seed (same seed, same bytes)", "1")
    .option("--out <path>", "log path (.jsonl or .jsonl.gz, - for stdout)", "sim.jsonl")
    .option("--truth <path>", "ground-truth path (default: <out>.truth.jsonl)")
    .option("--corpus <dir>", "draw prompts from a real corpus directory (e.g. ../shared/data)")
    .option("--start <iso>", "simulated start time (default 2026-02-02T00:00:00Z)")
    .option("--target <url>", "replay through a running gateway instead of writing a log")
    .option("--speed <x>", "clock acceleration for --target", "600")
    .option(
      "--key-template <t>",
      "API key of each account for --target ({account} is replaced)",
      "sk-sim-{account}",
    )
    .option("--max <n>", "stop --target replay after this many exchanges")
    .option(
      "--campaigns <file>",
      'JSON file replacing campaign knobs, e.g. {"camp-cot-grader": {"stack": "go"}} (docs/simulator.md)',
    )
    .option("-q, --quiet", "no progress on stderr")
    .action(async (o: Opts) => {
      const named = PRESETS[o.preset];
      if (!named)
        throw new ConfigError(`--preset ${o.preset}: unknown (use ${Object.keys(PRESETS).join(", ")})`);
      const preset = withCampaignFile(named, o.campaigns);
      const seed = Number(o.seed);
      if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
        throw new ConfigError(`--seed ${o.seed}: not an integer in 0..2^32-1`);
      const start = o.start ? Date.parse(o.start) : undefined;
      if (start !== undefined && Number.isNaN(start))
        throw new ConfigError(`--start ${o.start}: not an ISO time`);
      const source = promptSource(o.corpus);
      if (o.target) {
        const { replayCommand } = await import("../../sim/live/command.js");
        const speed = Number(o.speed);
        if (!(speed > 0)) throw new ConfigError(`--speed ${o.speed}: must be a positive number`);
        await replayCommand({
          preset,
          seed,
          source,
          target: o.target,
          speed,
          ...(o.keyTemplate ? { keyTemplate: o.keyTemplate } : {}),
          ...(o.max ? { maxExchanges: Number(o.max) } : {}),
          quiet: !!o.quiet,
          ...(start !== undefined ? { start } : {}),
        });
        return;
      }
      const base = o.out === "-" ? "sim" : o.out.replace(/\.jsonl(\.gz)?$/, "");
      const truth = o.truth ?? `${base}.truth.jsonl`;
      const began = Date.now();
      const stats = simulate({
        preset,
        seed,
        source,
        out: o.out,
        truth,
        ...(start !== undefined ? { start } : {}),
        ...(o.quiet
          ? {}
          : {
              progress: (n: number, t: number) => {
                const s = (Date.now() - began) / 1000;
                const mem = Math.round(process.memoryUsage().rss / 2 ** 20);
                process.stderr.write(
                  `simulate: ${n.toLocaleString("en")} exchanges, at ${new Date(t).toISOString()}, ${Math.round(n / s).toLocaleString("en")}/s, rss ${mem} MiB\n`,
                );
              },
            }),
      });
      process.stderr.write(
        `simulate: wrote ${stats.exchanges.toLocaleString("en")} exchanges (${stats.attack.toLocaleString("en")} attack) from ${stats.accounts.toLocaleString("en")} accounts in ${stats.seconds.toFixed(1)} s (${Math.round(stats.exchanges / stats.seconds).toLocaleString("en")}/s)\n` +
          `  log: ${o.out}\n  truth: ${truth}\n  campaigns: ${sidecarPath(truth)}\n`,
      );
    });
};
