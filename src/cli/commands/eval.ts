import { ConfigError } from "../../core/errors.js";
import { DEFAULT_NAIVE, parseNaiveSpec } from "../../eval/naive.js";
import { renderText } from "../../eval/render.js";
import { evaluateFiles, writeOutputs } from "../../eval/run.js";
import type { Register } from "./index.js";

interface Opts {
  log: string;
  truth: string;
  report?: string;
  out: string;
  limits: string;
  title?: string;
  quiet?: boolean;
}

/** `distillguard eval`: judges a detection report against ground truth, beside naive rate limits. */
export const register: Register = (program) => {
  program
    .command("eval")
    .description(
      "Score a detection report against simulator ground truth, beside naive per-account rate limits",
    )
    .requiredOption("--log <path>", "interchange v1 log (.jsonl or .jsonl.gz)")
    .requiredOption("--truth <path>", "ground truth written by simulate")
    .option("--report <path>", "detection report (omit to see only the naive baselines)")
    .option("--out <dir>", "directory for eval.json, eval.md and eval.svg", "eval-out")
    .option(
      "--limits <list>",
      "naive rate limits, comma separated (N/s, N/m, N/h, N/d)",
      DEFAULT_NAIVE.join(","),
    )
    .option("--title <text>", "title of the Markdown report and plot")
    .option("-q, --quiet", "no progress on stderr")
    .action(async (o: Opts) => {
      const naive = o.limits
        .split(",")
        .filter((s) => s.trim() !== "")
        .map(parseNaiveSpec);
      if (naive.length === 0 && !o.report)
        throw new ConfigError("nothing to evaluate: give --report or --limits");
      const r = await evaluateFiles({
        log: o.log,
        truth: o.truth,
        ...(o.report ? { report: o.report } : {}),
        naive,
        ...(o.quiet
          ? {}
          : { progress: (n: number) => process.stderr.write(`eval: ${n.toLocaleString("en")} exchanges\n`) }),
      });
      process.stdout.write(`${renderText(r)}\n`);
      const files = writeOutputs(r, o.out, o.title ?? `distillguard eval: ${o.log}`);
      process.stderr.write(`eval: wrote ${files.join(", ")}\n`);
    });
};
