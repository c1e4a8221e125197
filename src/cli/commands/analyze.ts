/**
 * `distillguard analyze LOG... --out REPORT.json`: runs the detection engine over a log in time order
 * (no look-ahead) and writes the detection report. Bad lines are counted, reported with their line
 * numbers and skipped; `--strict` makes the first one fatal (exit 2). Lines a little out of time order
 * (within `--reorder-ms`) are put back in order; a log that is not in time order at all is sorted
 * first with `--sort` (an external merge sort, src/batch/sort-log.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { loadAsnTable } from "../../batch/asn.js";
import { readFeatures } from "../../batch/feature-reader.js";
import { STDIN } from "../../batch/open-log.js";
import { SortedLog } from "../../batch/sort-log.js";
import { ConfigError } from "../../core/errors.js";
import { type DetectorConfig, defaultConfig, parseDetectorConfig } from "../../detect/config.js";
import { DetectionEngine } from "../../detect/engine.js";
import type { RequestFeatures } from "../../detect/features.js";
import { type IgnorableField, parseIgnoredFields } from "../../events/ignore.js";
import { TimeHeap } from "../../sim/heap.js";
import type { Register } from "./index.js";

interface Options {
  out?: string;
  strict?: boolean;
  config?: string;
  asn: boolean;
  reorderMs: string;
  workers: string;
  ignore?: string;
  sort?: boolean;
  sortDir?: string;
  quiet?: boolean;
}

/**
 * Optional fields the detector's evidence rests on, how to tell a request carries one, and what a
 * log without it loses (measured by field ablation: docs/detector.md, "What the detector needs from
 * the log").
 */
const EVIDENCE_FIELDS: readonly { field: string; has: (f: RequestFeatures) => boolean; without: string }[] = [
  {
    field: "account.created_at",
    has: (f) => !Number.isNaN(f.createdMs),
    without:
      "account age is unknown, so a ring of new accounts cannot be told from aged ones (on the simulator's presets the hydra is no longer caught)",
  },
  {
    field: "account.payment_fingerprint",
    has: (f) => f.payment !== "",
    without: "shared cards cannot link accounts (rings are enforced later)",
  },
  {
    field: "account.verified",
    has: (f) => f.verified !== null,
    without: "verification earns no trust and its absence no suspicion",
  },
  {
    field: "client.ip",
    has: (f) => f.ip !== "",
    without: "no network evidence (prefixes, ASNs, proxy footprints, relays)",
  },
  {
    field: "client.user_agent",
    has: (f) => f.userAgent !== "",
    without: "client rotation and forged client stacks are invisible",
  },
  {
    field: "client.tls_fingerprint",
    has: (f) => f.tls !== "",
    without: "user agents cannot be checked against their TLS stack",
  },
  {
    field: "client.country",
    has: (f) => f.country !== "",
    without: "no geo hops or restricted-region evidence",
  },
];
/** Share of events under which a field counts as missing from the log (a warning names it). */
const FIELD_WARN_SHARE = 0.5;

interface Problem {
  /** The log file, when several were read as one log. */
  file?: string;
  line: number;
  problem: string;
  detail: string;
}

/** Loads the detector config from a JSON file (or the defaults). */
export function loadConfig(path: string | undefined): DetectorConfig {
  if (!path) return defaultConfig();
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  return parseDetectorConfig(value);
}

/** Feature workers by default: one per core beyond the engine's own, at most 3. */
export function defaultWorkers(): number {
  return Math.max(0, Math.min(3, availableParallelism() - 1));
}

/**
 * How much older than the latest line a line may be and still reach the engine in time order. The
 * gateway writes each exchange when it ends, stamped with the time it began, so its own log is out
 * of order by up to the longest exchange (a long streamed answer takes minutes); lines held this
 * long cost memory in proportion to the traffic of the window.
 */
export const DEFAULT_REORDER_MS = 10 * 60_000;

/** Options of `analyzeLog`. */
export interface AnalyzeOptions {
  config?: DetectorConfig;
  strict?: boolean;
  asn?: boolean;
  reorderMs?: number;
  progress?: boolean;
  /** Feature worker threads (0: all on this thread); default defaultWorkers(). */
  workers?: number;
  /** Bytes per block of lines handed to a worker (tests use small blocks). */
  blockBytes?: number;
  /** Optional fields read as absent (field ablation; recorded in the report's input). */
  ignore?: readonly IgnorableField[];
  /**
   * Sort the log by event time first: true always, false never (lines too far out of order are
   * skipped), "auto" (the default) once the log turns out not to be in time order.
   */
  sort?: boolean | "auto";
  /** Where the sort spills its runs (default: the OS temp dir). */
  sortDir?: string;
  /** Bytes of lines the sort holds in memory per run (tests use small runs). */
  sortRunBytes?: number;
}

/**
 * Out-of-order lines after which `--sort auto` gives up reading the log as it is and sorts it: at
 * least this many, and at least AUTO_SORT_SHARE of the lines read so far (a few late lines in a
 * log in time order are skipped and reported instead).
 */
const AUTO_SORT_MIN = 100;
const AUTO_SORT_SHARE = 0.01;

/** Thrown inside a pass when the log is found out of time order and will be sorted. */
class NotInTimeOrder extends Error {
  constructor(
    readonly skipped: number,
    readonly line: number,
  ) {
    super(`${skipped} of the first ${line} lines are out of time order`);
  }
}

/**
 * The log files named: files as they are, directories as their `*.jsonl` and `*.jsonl.gz` files in
 * name order (the gateway's recorder writes `events-YYYY-MM-DD.jsonl`, one per UTC day).
 */
export function logFiles(paths: readonly string[]): string[] {
  if (paths.includes(STDIN)) {
    if (paths.length > 1) throw new ConfigError("- (standard input) cannot be read with other logs");
    return [STDIN];
  }
  const out: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new ConfigError(`no such log: ${path}`);
    if (statSync(path).isDirectory()) {
      const names = readdirSync(path)
        .filter((n) => /\.jsonl(\.gz)?$/.test(n))
        .sort();
      if (names.length === 0) throw new ConfigError(`no *.jsonl or *.jsonl.gz file in ${path}`);
      for (const n of names) out.push(join(path, n));
    } else out.push(path);
  }
  if (out.length === 0) throw new ConfigError("no log given");
  return out;
}

/**
 * Runs the analysis of one log, or of several files read one after the other as one log (see
 * logFiles); returns the report object (also used by tests and benchmarks).
 */
export async function analyzeLog(
  logs: string | readonly string[],
  opts: AnalyzeOptions,
): Promise<Record<string, unknown>> {
  const path = logFiles(typeof logs === "string" ? [logs] : logs);
  const started = Date.now();
  const mode = opts.sort ?? "auto";
  if (mode === true) return analyzePass(path, opts, started, true, null);
  try {
    return await analyzePass(path, opts, started, false, mode === "auto" && !opts.strict);
  } catch (err) {
    if (!(err instanceof NotInTimeOrder)) throw err;
    // standard input cannot be read again
    if (path[0] === STDIN)
      throw new ConfigError(
        `the log on standard input is not in time order (${err.message}): run with --sort, which sorts it as it reads, or --no-sort to skip such lines`,
      );
    if (opts.progress)
      process.stderr.write(`analyze: ${err.message}: sorting the log by time and starting again\n`);
    return analyzePass(path, opts, started, true, err);
  }
}

/**
 * One pass over the log (sorted first when `sort`). `auto` (unsorted pass): give up with
 * NotInTimeOrder once the log is clearly not in time order; on the sorted pass, why it was sorted.
 */
async function analyzePass(
  path: readonly string[],
  opts: AnalyzeOptions,
  started: number,
  sort: boolean,
  auto: boolean | NotInTimeOrder | null,
): Promise<Record<string, unknown>> {
  const workers = opts.workers ?? defaultWorkers();
  const asn = opts.asn !== false;
  // with workers, each worker loads its own table; the engine only sees extracted features
  const lookup = asn && workers === 0 ? loadAsnTable() : null;
  const engine = new DetectionEngine(opts.config ?? defaultConfig());
  const reorder = opts.reorderMs ?? DEFAULT_REORDER_MS;
  const problems: Problem[] = [];
  const byKind: Record<string, number> = {};
  let problemCount = 0;
  let lines = 0;
  let events = 0;
  let latest = Number.NEGATIVE_INFINITY;
  let lastProgress = started;
  const sorted = sort
    ? new SortedLog(path, {
        runBytes: opts.sortRunBytes,
        tmpDir: opts.sortDir,
        blockBytes: opts.blockBytes,
        onProgress: opts.progress
          ? (read, runs) =>
              process.stderr.write(`analyze: sorting: ${read} lines read, ${runs} runs written\n`)
          : undefined,
      })
    : null;
  // Line numbers in the stream read (sorted or not, several files or one) back to a file's: where
  // each file's lines begin among the source's.
  const starts: number[] = [];
  const place = (p: Problem) => {
    let line = sorted ? sorted.originalLine(p.line) : p.line;
    if (path.length > 1) {
      const at = sorted ? sorted.fileStarts : starts;
      let f = at.length - 1;
      while (f > 0 && at[f]! >= line) f--;
      line -= at[f] ?? 0;
      p.file = path[f]!;
    }
    p.line = line;
  };
  const note = (p: Problem) => {
    place(p);
    problemCount++;
    byKind[p.problem] = (byKind[p.problem] ?? 0) + 1;
    if (problems.length < 100) problems.push(p);
    if (opts.strict)
      throw new ConfigError(
        `${p.file ? `${p.file}: ` : ""}line ${p.line}: ${p.problem}: ${p.detail} (--strict)`,
      );
  };
  const carried = new Array<number>(EVIDENCE_FIELDS.length).fill(0);
  // Lines up to `reorder` ms older than the latest wait here and reach the engine in time order
  // (ties in file order); older ones are skipped as out of order.
  const held = new TimeHeap<RequestFeatures>();
  const ingest = (f: RequestFeatures, line: number) => {
    if (f.timeMs < latest - reorder) {
      note({
        line,
        problem: "out_of_order",
        detail: `time ${new Date(f.timeMs).toISOString()} is ${Math.round((latest - f.timeMs) / 1000)} s before an earlier line`,
      });
      const skipped = byKind.out_of_order!;
      if (auto === true && skipped >= AUTO_SORT_MIN && skipped >= AUTO_SORT_SHARE * line)
        throw new NotInTimeOrder(skipped, line);
      return;
    }
    if (f.timeMs > latest) latest = f.timeMs;
    held.push(f.timeMs, line, f);
    while (held.size > 0 && held.peekTime() <= latest - reorder) release(held.pop()!);
  };
  const release = (f: RequestFeatures) => {
    engine.ingestFeatures(f);
    events++;
    for (let i = 0; i < EVIDENCE_FIELDS.length; i++) if (EVIDENCE_FIELDS[i]!.has(f)) carried[i]!++;
    if (opts.progress && (events & 0xffff) === 0) {
      const now = Date.now();
      if (now - lastProgress >= 2000) {
        lastProgress = now;
        const rate = Math.round(events / ((now - started) / 1000));
        const s = engine.stats();
        process.stderr.write(
          `analyze: ${events} events, ${rate} events/s, ${s.accounts} accounts, ${s.campaigns} clusters\n`,
        );
      }
    }
  };
  for await (const batch of readFeatures(sorted ? sorted.blocks() : path, {
    workers,
    asn,
    lookup,
    blockBytes: opts.blockBytes,
    ignore: opts.ignore,
    // (an empty file has no lines: it starts where the next one does)
    onFileStart: (file, before) => {
      for (let k = starts.length; k <= file; k++) starts[k] = before;
    },
  })) {
    // features and problem lines, merged back into file order
    const { features, lines: at, problems: bad } = batch;
    let b = 0;
    for (let i = 0; i < features.length; i++) {
      const line = at[i]!;
      while (b < bad.length && bad[b]!.line < line) note(bad[b++]!);
      ingest(features[i]!, line);
      lines = line;
    }
    while (b < bad.length) {
      lines = Math.max(lines, bad[b]!.line);
      note(bad[b++]!);
    }
  }
  while (held.size > 0) release(held.pop()!);
  if (sorted) lines = sorted.stats.lines;
  engine.flush();
  const seconds = (Date.now() - started) / 1000;
  const report = engine.report();
  const coverage: Record<string, number> = {};
  const warnings: string[] = [];
  const skipped = byKind.out_of_order ?? 0;
  if (skipped > 0)
    warnings.push(
      `${skipped} lines (${((100 * skipped) / Math.max(1, lines)).toFixed(skipped * 1000 < lines ? 3 : 1)} %) were more than ${reorder} ms older than an earlier line and were skipped: sort the log by time (--sort) or raise --reorder-ms`,
    );
  // most of the log unreadable: not a v1 log, or compressed under a name that does not say so
  const unreadable = problemCount - skipped;
  if (unreadable > 0 && unreadable >= events) {
    const kinds = Object.entries(byKind)
      .filter(([k]) => k !== "out_of_order")
      .sort((x, y) => y[1] - x[1])
      .map(([k, n]) => `${n} ${k}`)
      .join(", ");
    warnings.push(
      `${unreadable} of ${unreadable + events} lines are not events (${kinds}): is this an interchange-format v1 log, uncompressed or named *.gz?`,
    );
  }
  if (events === 0 && unreadable === 0) warnings.push("the log has no events");
  if (auto instanceof NotInTimeOrder)
    warnings.push(
      `the log is not in time order (${auto.skipped} of its first ${auto.line} lines were more than ${reorder} ms older than an earlier line): it was sorted by time first; --no-sort skips such lines instead`,
    );
  for (let i = 0; i < EVIDENCE_FIELDS.length; i++) {
    const { field, without } = EVIDENCE_FIELDS[i]!;
    const share = events > 0 ? carried[i]! / events : 0;
    coverage[field] = Math.round(share * 1000) / 1000;
    if (events > 0 && share < FIELD_WARN_SHARE)
      warnings.push(`${field} is on ${(share * 100).toFixed(1)} % of events: ${without}`);
  }

  if (opts.progress) {
    process.stderr.write(
      `analyze: done: ${events} events in ${seconds.toFixed(1)} s (${Math.round(events / Math.max(seconds, 1e-3))} events/s), ` +
        `${report.accounts.length} accounts, ${report.campaigns.length} campaigns, ${problemCount} problem lines\n`,
    );
    for (const p of problems.slice(0, 10))
      process.stderr.write(`  line ${p.line}: ${p.problem}: ${p.detail}\n`);
    if (problemCount > 10)
      process.stderr.write(`  ... ${problemCount - 10} more (see "input.problems" in the report)\n`);
  }
  return {
    ...report,
    input: {
      ...(path.length === 1 ? { path: path[0] } : { paths: path }),
      lines,
      events,
      problem_lines: problemCount,
      problems_by_kind: byKind,
      problems,
      ...(opts.ignore && opts.ignore.length > 0 ? { ignored_fields: [...opts.ignore] } : {}),
      ...(sorted
        ? {
            sorted: {
              runs: sorted.stats.runs,
              untimed_lines: sorted.stats.untimed,
              automatic: auto instanceof NotInTimeOrder,
            },
          }
        : {}),
      field_coverage: coverage,
      warnings,
      seconds: Math.round(seconds * 1000) / 1000,
    },
  };
}

export const register: Register = (program) => {
  program
    .command("analyze")
    .description(
      "Analyse an event log (JSONL, optionally .gz; several files, a directory of them, or - for standard input) in time order and write the detection report",
    )
    .argument(
      "<logs...>",
      "event log in interchange format v1 (JSONL or JSONL.gz; - reads standard input); several files, or directories of them (*.jsonl, *.jsonl.gz in name order, as the gateway writes one per day), are read one after the other as one log",
    )
    .option("--out <file>", "write the report here (default: stdout)")
    .option("--strict", "treat the first bad line as fatal (exit 2)")
    .option("--config <file>", "detector configuration (JSON, partial; defaults elsewhere)")
    .option("--no-asn", "do not resolve ASN / network class from the bundled table")
    .option(
      "--reorder-ms <ms>",
      "lines up to this much older than the latest are put back in time order; older ones are skipped as out_of_order",
      String(DEFAULT_REORDER_MS),
    )
    .option(
      "--sort",
      "sort the log by event time first (needs free disk about the log's uncompressed size); by default it is sorted once it turns out not to be in time order (a warehouse export, replicas' files concatenated)",
    )
    .option("--no-sort", "never sort: lines more than --reorder-ms out of order are skipped and reported")
    .option("--sort-dir <dir>", "where --sort writes its temporary runs (default: the OS temp dir)")
    .option(
      "--workers <n>",
      "threads that parse lines and extract features beside the engine's (0: none)",
      String(defaultWorkers()),
    )
    .option(
      "--ignore <fields>",
      "read the log as if it lacked these optional fields (comma-separated, e.g. account.created_at,client.tls_fingerprint): what the detector owes to each",
    )
    .option("--quiet", "no progress on stderr")
    .action(async (log: string[], opts: Options) => {
      const workers = Number(opts.workers);
      if (!Number.isInteger(workers) || workers < 0 || workers > 64)
        throw new ConfigError("--workers must be an integer from 0 to 64");
      const reorderMs = Number(opts.reorderMs);
      if (!Number.isFinite(reorderMs) || reorderMs < 0)
        throw new ConfigError("--reorder-ms must be a non-negative number");
      const ignore = opts.ignore !== undefined ? parseIgnoredFields(opts.ignore) : [];
      if (opts.sortDir !== undefined && opts.sort === false)
        throw new ConfigError("--sort-dir cannot go with --no-sort");
      if (opts.sortDir !== undefined && !existsSync(opts.sortDir))
        throw new ConfigError(`--sort-dir ${opts.sortDir} does not exist`);
      const report = await analyzeLog(log, {
        config: loadConfig(opts.config),
        strict: opts.strict ?? false,
        asn: opts.asn,
        reorderMs,
        progress: !opts.quiet,
        workers,
        ignore,
        sort: opts.sort ?? "auto",
        sortDir: opts.sortDir,
      });
      // not progress: said even under --quiet
      for (const w of (report.input as { warnings: string[] }).warnings)
        process.stderr.write(`analyze: warning: ${w}\n`);
      const text = JSON.stringify(report);
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(`${text}\n`);
    });
};
