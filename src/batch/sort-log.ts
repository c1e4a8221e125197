/**
 * External sort of an event log by event time (`analyze --sort`), for logs that are not in time
 * order: a warehouse export, several gateway replicas' files concatenated, a log grouped by
 * account. The detector must see events in time order (its verdicts are causal), and without
 * sorting such a log would mostly be skipped as out of order.
 *
 * Pass 1 reads the log (optionally .gz) in runs of about `runBytes`, orders each run by (time, line)
 * and, when the log does not fit in one run, spills it to a file in a private temporary directory.
 * Pass 2 merges the runs and yields blocks of whole lines in time order, ready for the feature
 * reader. Each yielded line's number in the original file is kept (`SortedLog.originalLine`), so
 * problems are still reported where they are in the file. Lines whose time cannot be read (not JSON,
 * no `time`, not a date) sort first and are reported by the reader as they would have been. Bytes
 * are copied as they are: a line that is not UTF-8 stays so. Blank lines are dropped (the reader
 * skips them anyway) but still counted in `lines`.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openLog } from "./open-log.js";

export interface SortOptions {
  /** Bytes of log lines held in memory per run (default 256 MiB). */
  runBytes?: number;
  /** Where the private temporary directory for spilled runs is made (default: the OS temp dir). */
  tmpDir?: string;
  /** Bytes per yielded block (default 1 MiB; whole lines, so a longer line makes a longer block). */
  blockBytes?: number;
  /** Called now and then with the lines read so far and the runs spilled. */
  onProgress?: (linesRead: number, runs: number) => void;
}

export interface SortStats {
  /** Lines in the original file, blank ones included. */
  lines: number;
  /** Runs the log was sorted in (1: it fit in memory, nothing was written to disk). */
  runs: number;
  /** Lines whose time could not be read; they come first. */
  untimed: number;
}

const TIME_KEY = Buffer.from('"time":"');
const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;

/**
 * The event time (ms since the epoch) of one line, or -Infinity when it cannot be read. The fast
 * path takes a top-level `"time":"..."` found before any nested value or escaped character; anything
 * else is parsed as JSON, so a `time` inside the request body is never mistaken for the event's.
 */
export function lineTimeMs(line: Uint8Array): number {
  const buf = Buffer.from(line.buffer, line.byteOffset, line.byteLength);
  const at = buf.indexOf(TIME_KEY);
  if (at > 0) {
    let quotes = 0;
    let plain = true;
    for (let i = 1; i < at; i++) {
      const c = buf[i]!;
      if (c === QUOTE) quotes++;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET || c === BACKSLASH) {
        plain = false;
        break;
      }
    }
    // outside any string (even quote count) and at depth one (the opening brace only)
    let first = 0;
    while (first < at && (buf[first] === 32 || buf[first] === 9)) first++;
    if (plain && quotes % 2 === 0 && buf[first] === OPEN_BRACE) {
      const from = at + TIME_KEY.length;
      const end = buf.indexOf(QUOTE, from);
      if (end > from && end - from <= 40) {
        const t = Date.parse(buf.toString("latin1", from, end));
        return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
      }
    }
  }
  try {
    const value = JSON.parse(buf.toString("utf8")) as { time?: unknown };
    if (value && typeof value === "object" && typeof value.time === "string") {
      const t = Date.parse(value.time);
      if (!Number.isNaN(t)) return t;
    }
  } catch {
    // not JSON: sorts first; the reader reports it
  }
  return Number.NEGATIVE_INFINITY;
}

/** Original line numbers of the sorted lines, in chunks (a log may have billions of lines). */
class LineMap {
  private readonly chunks: Uint32Array[] = [];
  length = 0;
  private static readonly SHIFT = 20;
  private static readonly MASK = (1 << LineMap.SHIFT) - 1;

  push(line: number): void {
    if (line > 0xffffffff) throw new Error("log has more than 4,294,967,295 lines; split it before sorting");
    const i = this.length++;
    const c = i >>> LineMap.SHIFT;
    if (c === this.chunks.length) this.chunks.push(new Uint32Array(1 << LineMap.SHIFT));
    this.chunks[c]![i & LineMap.MASK] = line;
  }

  /** Original line of the k-th (1-based) sorted line. */
  get(k: number): number {
    const i = k - 1;
    if (i < 0 || i >= this.length) return k;
    return this.chunks[i >>> LineMap.SHIFT]![i & LineMap.MASK]!;
  }
}

/** One run of lines in memory. */
interface Run {
  lines: Buffer[];
  times: number[];
  nums: number[];
  bytes: number;
}

function emptyRun(): Run {
  return { lines: [], times: [], nums: [], bytes: 0 };
}

/** Indices of a run's lines in (time, line) order. */
function order(run: Run): Uint32Array {
  const idx = new Uint32Array(run.lines.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  const { times, nums } = run;
  idx.sort((a, b) => times[a]! - times[b]! || nums[a]! - nums[b]!);
  return idx;
}

// A spilled run is a sequence of records: time (float64), line (float64), length (uint32), bytes.
const HEADER = 20;

/** Appends records to a run file through a staging buffer. */
class RunWriter {
  private readonly fd: number;
  private readonly stage = Buffer.allocUnsafe(4 << 20);
  private used = 0;
  constructor(path: string) {
    this.fd = openSync(path, "w");
  }

  add(time: number, num: number, line: Uint8Array): void {
    if (this.used + HEADER + line.length > this.stage.length) this.flush();
    if (HEADER + line.length > this.stage.length) {
      const head = Buffer.allocUnsafe(HEADER);
      head.writeDoubleLE(time, 0);
      head.writeDoubleLE(num, 8);
      head.writeUInt32LE(line.length, 16);
      writeSync(this.fd, head);
      writeSync(this.fd, line);
      return;
    }
    this.stage.writeDoubleLE(time, this.used);
    this.stage.writeDoubleLE(num, this.used + 8);
    this.stage.writeUInt32LE(line.length, this.used + 16);
    this.stage.set(line, this.used + HEADER);
    this.used += HEADER + line.length;
  }

  private flush(): void {
    if (this.used > 0) writeSync(this.fd, this.stage, 0, this.used);
    this.used = 0;
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}

/** Writes a run to `path` in (time, line) order. */
function spill(run: Run, path: string): void {
  const w = new RunWriter(path);
  try {
    for (const i of order(run)) w.add(run.times[i]!, run.nums[i]!, run.lines[i]!);
  } finally {
    w.close();
  }
}

/** Reads a spilled run back, record by record, through a small buffer. */
class RunReader {
  private buf = Buffer.allocUnsafe(256 << 10);
  private start = 0;
  private end = 0;
  private eof = false;
  time = 0;
  num = 0;
  line: Buffer = Buffer.alloc(0);

  constructor(private readonly fd: number) {}

  /** Loads the next record; false at the end of the run. */
  next(): boolean {
    if (!this.ensure(HEADER)) return false;
    const time = this.buf.readDoubleLE(this.start);
    const num = this.buf.readDoubleLE(this.start + 8);
    const len = this.buf.readUInt32LE(this.start + 16);
    if (!this.ensure(HEADER + len)) throw new Error("sort: a spilled run ends inside a record");
    this.time = time;
    this.num = num;
    this.line = this.buf.subarray(this.start + HEADER, this.start + HEADER + len);
    this.start += HEADER + len;
    return true;
  }

  /** Makes `n` bytes available from `start`; false when the run ends first (cleanly, at 0 bytes). */
  private ensure(n: number): boolean {
    if (this.end - this.start >= n) return true;
    if (n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(n, 2 * this.buf.length));
      this.buf.copy(bigger, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
      this.buf = bigger;
    } else if (this.start > 0) {
      this.buf.copy(this.buf, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    while (!this.eof && this.end - this.start < n) {
      const got = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
      if (got === 0) this.eof = true;
      this.end += got;
    }
    if (this.end - this.start >= n) return true;
    if (this.end - this.start === 0) return false;
    throw new Error("sort: a spilled run ends inside a record");
  }
}

/** Builds output blocks of whole lines (copied in: a run reader's buffer moves on) and records where each line came from. */
class BlockWriter {
  private buf: Uint8Array;
  private held = 0;
  constructor(
    private readonly blockBytes: number,
    private readonly map: LineMap,
  ) {
    this.buf = new Uint8Array(blockBytes + 4096);
  }

  /** Adds a line; returns a full block when one is ready. */
  add(line: Uint8Array, num: number): Uint8Array<ArrayBuffer> | null {
    this.map.push(num);
    const need = this.held + line.length + 1;
    if (need > this.buf.length) {
      const bigger = new Uint8Array(Math.max(need, 2 * this.buf.length));
      bigger.set(this.buf.subarray(0, this.held));
      this.buf = bigger;
    }
    this.buf.set(line, this.held);
    this.buf[this.held + line.length] = 10;
    this.held = need;
    return this.held >= this.blockBytes ? this.take() : null;
  }

  /** The block held so far, in its own buffer (null when empty). */
  take(): Uint8Array<ArrayBuffer> | null {
    if (this.held === 0) return null;
    const out = this.buf.slice(0, this.held);
    this.held = 0;
    return out;
  }
}

/** A log being sorted: iterate `blocks()` once, then read `stats`. */
export class SortedLog {
  private readonly map = new LineMap();
  private readonly paths: readonly string[];
  readonly stats: SortStats = { lines: 0, runs: 0, untimed: 0 };
  /** Lines of the source before each file's first (several files are sorted as one log). */
  readonly fileStarts: number[] = [];

  constructor(
    path: string | readonly string[],
    private readonly opts: SortOptions = {},
  ) {
    this.paths = typeof path === "string" ? [path] : path;
  }

  /** Original (1-based) line number of the k-th line yielded. */
  originalLine(k: number): number {
    return this.map.get(k);
  }

  /** Blocks of whole lines in (time, original line) order. */
  async *blocks(): AsyncGenerator<Uint8Array<ArrayBuffer>> {
    const runBytes = Math.max(1, this.opts.runBytes ?? 256 << 20);
    const out = new BlockWriter(Math.max(1, this.opts.blockBytes ?? 1 << 20), this.map);
    let dir: string | null = null;
    const files: string[] = [];
    let run = emptyRun();
    let lineNo = 0;
    let lastProgress = Date.now();
    const keep = (line: Buffer) => {
      lineNo++;
      let blank = true;
      for (let i = 0; i < line.length; i++) {
        const c = line[i]!;
        if (c !== 32 && c !== 9 && c !== 13) {
          blank = false;
          break;
        }
      }
      if (blank) return;
      const t = lineTimeMs(line);
      if (t === Number.NEGATIVE_INFINITY) this.stats.untimed++;
      run.lines.push(line);
      run.times.push(t);
      run.nums.push(lineNo);
      run.bytes += line.length + 64; // the line plus its bookkeeping
    };
    const spillRun = () => {
      if (run.lines.length === 0) return;
      const parent = this.opts.tmpDir ?? tmpdir();
      try {
        dir ??= mkdtempSync(join(parent, "dg-sort-"));
        const file = join(dir, `run-${files.length}`);
        files.push(file);
        spill(run, file);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        const why = e.code === "ENOSPC" ? "no space left" : e.message;
        throw new Error(
          `sorting the log: cannot write its runs under ${parent} (${why}); it needs free space about the size of the uncompressed log: choose another directory with --sort-dir, or --no-sort to skip lines out of order instead`,
        );
      }
      run = emptyRun();
    };
    try {
      for (const path of this.paths) {
        this.fileStarts.push(lineNo);
        let carry: Buffer | null = null;
        for await (const chunk of openLog(path)) {
          const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
          let start = 0;
          for (;;) {
            const nl = buf.indexOf(10, start);
            if (nl === -1) break;
            keep(buf.subarray(start, nl));
            start = nl + 1;
            if (run.bytes >= runBytes) spillRun();
          }
          carry = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
          if (this.opts.onProgress && Date.now() - lastProgress >= 2000) {
            lastProgress = Date.now();
            this.opts.onProgress(lineNo, files.length);
          }
        }
        if (carry && carry.length > 0) keep(carry);
      }
      this.stats.lines = lineNo;

      if (files.length === 0) {
        // it fit in memory: no file written
        this.stats.runs = 1;
        for (const i of order(run)) {
          const block = out.add(run.lines[i]!, run.nums[i]!);
          if (block) yield block;
        }
        run = emptyRun();
      } else {
        spillRun();
        this.stats.runs = files.length;
        yield* this.merge(files, dir!, out);
      }
      const last = out.take();
      if (last) yield last;
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }

  /** k-way merge of spilled runs into blocks; above MAX_FANIN runs, groups are merged into longer runs first. */
  private *merge(files: string[], dir: string, out: BlockWriter): Generator<Uint8Array<ArrayBuffer>> {
    let runs = files;
    let made = 0;
    while (runs.length > MAX_FANIN) {
      const next: string[] = [];
      for (let i = 0; i < runs.length; i += MAX_FANIN) {
        const group = runs.slice(i, i + MAX_FANIN);
        if (group.length === 1) {
          next.push(group[0]!);
          continue;
        }
        const file = join(dir, `merged-${made++}`);
        const w = new RunWriter(file);
        try {
          for (const r of mergeRuns(group)) w.add(r.time, r.num, r.line);
        } finally {
          w.close();
        }
        for (const f of group) rmSync(f, { force: true });
        next.push(file);
      }
      runs = next;
    }
    for (const r of mergeRuns(runs)) {
      // the block copies the line, so the reader's buffer may move on
      const block = out.add(r.line, r.num);
      if (block) yield block;
    }
  }
}

/** Runs merged at once (open files); more are merged in groups first. */
const MAX_FANIN = 64;

/** Records of several spilled runs in (time, line) order; each yielded reader is valid until the next. */
function* mergeRuns(files: string[]): Generator<RunReader> {
  const fds = files.map((f) => openSync(f, "r"));
  try {
    const heap: RunReader[] = [];
    const less = (a: RunReader, b: RunReader) => a.time < b.time || (a.time === b.time && a.num < b.num);
    const down = (i: number) => {
      const n = heap.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) return;
        const r = l + 1;
        const m = r < n && less(heap[r]!, heap[l]!) ? r : l;
        if (!less(heap[m]!, heap[i]!)) return;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    };
    for (const fd of fds) {
      const r = new RunReader(fd);
      if (r.next()) heap.push(r);
    }
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
    while (heap.length > 0) {
      const top = heap[0]!;
      yield top;
      if (top.next()) down(0);
      else {
        const last = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = last;
          down(0);
        }
      }
    }
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}
