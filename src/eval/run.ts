/** File adapter of the evaluator: reads log, truth and report from disk, writes JSON/Markdown/SVG. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { ConfigError } from "../core/errors.js";
import { readEvents } from "../events/reader.js";
import type { DetectionReport } from "../events/report.js";
import type { TruthRecord } from "../events/truth.js";
import { type EvalResult, Evaluator } from "./metrics.js";
import type { NaiveSpec } from "./naive.js";
import { renderMarkdown, renderSvg } from "./render-all.js";

/** Reads a ground-truth JSONL file. */
export function readTruth(path: string): TruthRecord[] {
  let text: string;
  try {
    const raw = readFileSync(path);
    text = path.endsWith(".gz") ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
  } catch (err) {
    throw new ConfigError(`--truth ${path}: ${(err as Error).message}`);
  }
  const out: TruthRecord[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let r: TruthRecord;
    try {
      r = JSON.parse(line) as TruthRecord;
    } catch {
      throw new ConfigError(`--truth ${path}:${i + 1}: not JSON`);
    }
    if (typeof r.account_id !== "string" || (r.kind !== "legit" && r.kind !== "attack")) {
      throw new ConfigError(`--truth ${path}:${i + 1}: needs account_id and kind legit|attack`);
    }
    out.push(r);
  });
  return out;
}

/** Reads a detection report (JSON). */
export function readReport(path: string): DetectionReport {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ConfigError(`--report ${path}: ${(err as Error).message}`);
  }
  const r = value as DetectionReport;
  if (!r || typeof r !== "object" || !Array.isArray(r.accounts))
    throw new ConfigError(`--report ${path}: expected { accounts: [...], campaigns: [...] }`);
  if (!Array.isArray(r.campaigns)) r.campaigns = [];
  return r;
}

export interface EvalFiles {
  log: string;
  truth: string;
  report?: string;
  naive: readonly NaiveSpec[];
  /** Called every N events with the count. */
  progress?: (n: number) => void;
}

/**
 * How far a line may be older than the latest before eval calls the log out of order: analyze's
 * default reorder window (a gateway writes an exchange when it ends, stamped when it began).
 */
const OUT_OF_ORDER_MS = 10 * 60_000;

/** Streams the log once and evaluates the report and every naive limit. */
export async function evaluateFiles(o: EvalFiles): Promise<EvalResult> {
  const ev = new Evaluator(readTruth(o.truth), o.report ? readReport(o.report) : null, o.naive);
  let n = 0;
  let bad = 0;
  let late = 0;
  let latest = Number.NEGATIVE_INFINITY;
  for await (const item of readEvents(o.log)) {
    if (!item.event) {
      bad++;
      continue;
    }
    const t = Date.parse(item.event.time);
    if (t < latest - OUT_OF_ORDER_MS) late++;
    else if (t > latest) latest = t;
    ev.add(item.event.account_id, t);
    if (o.progress && ++n % 1_000_000 === 0) o.progress(n);
  }
  const r = ev.finish();
  if (bad > 0) process.stderr.write(`eval: skipped ${bad} unreadable log lines\n`);
  // the naive limits replay the log in file order: their figures are only right for a log in time order
  if (late > 0)
    process.stderr.write(
      `eval: warning: ${late} log lines are more than ${OUT_OF_ORDER_MS} ms older than an earlier line; the naive rate limits replay the log in file order, so their figures are wrong for a log out of time order: sort it first\n`,
    );
  return r;
}

/** Writes eval.json, eval.md and eval.svg into a directory; returns their paths. */
export function writeOutputs(r: EvalResult, dir: string, title: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, "eval.json"), join(dir, "eval.md"), join(dir, "eval.svg")];
  writeFileSync(files[0]!, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(files[1]!, renderMarkdown(r, title));
  writeFileSync(files[2]!, renderSvg(r, title));
  return files;
}
