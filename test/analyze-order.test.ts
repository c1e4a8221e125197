import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { lineTimeMs } from "../src/batch/sort-log.js";
import { analyzeLog, DEFAULT_REORDER_MS } from "../src/cli/commands/analyze.js";
import { accountEvents, byTime, hydraAccounts, legitAccounts, rng, T0 } from "../src/detect/fixtures.js";
import { tempDir } from "./helpers/tmp.js";

type Report = Record<string, unknown> & {
  input: Record<string, unknown> & {
    lines: number;
    events: number;
    problems: { line: number; problem: string; file?: string }[];
    problems_by_kind: Record<string, number>;
    warnings: string[];
    sorted?: { runs: number; untimed_lines: number; automatic: boolean };
  };
  campaigns: { first_seen: string }[];
};

/** The report without its input section (which names the file and times the run). */
const verdicts = (r: Report) => ({ ...r, input: null });

/** A log with a campaign in it, in time order, as JSON lines. */
function orderedLines(seed: number): string[] {
  const r = rng(seed);
  const lists = [
    ...legitAccounts(25, r).map((a) => accountEvents(a, T0, 30, r)),
    ...hydraAccounts(12, r).map((a) => accountEvents(a, T0 + 600_000, 60, r)),
  ];
  return byTime(lists).map((e) => JSON.stringify(e));
}

function write(dir: string, name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** A deterministic shuffle (so the test is the same on every run). */
function shuffled<T>(xs: T[], seed: number): T[] {
  const r = rng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("analyze on a log out of time order", () => {
  it("with --no-sort, skips what is too far out of order and says to sort the log", async () => {
    const dir = tempDir("dg-order-");
    const lines = orderedLines(3);
    const report = (await analyzeLog(write(dir, "shuffled.jsonl", shuffled(lines, 1)), {
      asn: false,
      workers: 0,
      sort: false,
    })) as Report;
    const skipped = report.input.problems_by_kind.out_of_order ?? 0;
    assert.ok(skipped > lines.length / 2, `${skipped} of ${lines.length} skipped`);
    assert.equal(report.input.events + skipped, lines.length);
    assert.equal(report.input.warnings.length, 1);
    assert.match(
      report.input.warnings[0]!,
      /^\d+ lines \([\d.]+ %\) .* skipped: sort the log by time \(--sort\)/,
    );
  });

  it("--sort gives the report of the log in time order, in memory or through runs on disk, with problems at their file lines", async () => {
    const dir = tempDir("dg-order-");
    const ordered = orderedLines(4);
    // the reference: the same events in time order (ties, one millisecond, kept in shuffled order)
    const mixed = shuffled(ordered, 2);
    const order = mixed
      .map((l, i) => ({ l, i, t: Date.parse((JSON.parse(l) as { time: string }).time) }))
      .sort((a, b) => a.t - b.t || a.i - b.i)
      .map((x) => x.l);
    const reference = (await analyzeLog(write(dir, "ordered.jsonl", order), {
      asn: false,
      workers: 0,
    })) as Report;
    assert.ok(reference.campaigns.length >= 1, "the hydra fixture forms a campaign");
    assert.equal(reference.input.problem_lines, 0);

    // bad lines at known places: not JSON, no time, a time inside the body only, blank, CRLF
    const bad = [...mixed];
    bad.splice(10, 0, "{not json");
    bad.splice(
      200,
      0,
      JSON.stringify({
        id: "x",
        account_id: "a",
        api: "anthropic.messages",
        request: { time: "2026-01-01T00:00:00Z" },
        response: { status: 200 },
      }),
    );
    bad.splice(300, 0, "");
    bad[400] = `${bad[400]!}\r`;
    const expected = [
      [11, "invalid_json"],
      [201, "missing_field"],
    ];
    const path = write(dir, "mixed.jsonl", bad);
    writeFileSync(`${path}.gz`, gzipSync(`${bad.join("\n")}\n`));
    const spillDir = tempDir("dg-order-spill-");
    for (const [name, opts] of [
      ["in memory, inline", { workers: 0 }],
      ["through runs on disk, with a worker", { workers: 1, sortRunBytes: 20_000, sortDir: spillDir }],
      ["gzip, one-line runs", { workers: 0, sortRunBytes: 1, sortDir: spillDir, file: `${path}.gz` }],
    ] as const) {
      const report = (await analyzeLog("file" in opts ? opts.file : path, {
        asn: false,
        sort: true,
        ...opts,
      })) as Report;
      assert.deepEqual(verdicts(report), verdicts(reference), name);
      assert.deepEqual(
        report.input.problems.map((p) => [p.line, p.problem]),
        expected,
        name,
      );
      assert.equal(report.input.lines, bad.length, name);
      assert.equal(report.input.events, ordered.length, name);
      assert.deepEqual(report.input.warnings, [], name);
      assert.equal(report.input.sorted!.untimed_lines, 2, name);
      if (opts.workers === 1)
        assert.ok(report.input.sorted!.runs > 10, `${name}: ${report.input.sorted!.runs} runs`);
      else if (!("file" in opts)) assert.equal(report.input.sorted!.runs, 1, name);
      // the runs are gone
      assert.deepEqual(readdirSync(spillDir), [], name);
    }
  });

  it("by default, sorts a log once it turns out not to be in time order, and says so", async () => {
    const dir = tempDir("dg-order-");
    const path = write(dir, "shuffled.jsonl", shuffled(orderedLines(3), 7));
    const sorted = (await analyzeLog(path, { asn: false, workers: 1, sort: true })) as Report;
    const auto = (await analyzeLog(path, { asn: false, workers: 1 })) as Report;
    assert.deepEqual(verdicts(auto), verdicts(sorted));
    assert.equal(auto.input.problem_lines, 0);
    assert.equal(auto.input.sorted?.automatic, true);
    assert.equal(sorted.input.sorted?.automatic, false);
    assert.equal(auto.input.warnings.length, 1);
    assert.match(
      auto.input.warnings[0]!,
      /^the log is not in time order \(\d+ of its first \d+ lines .*\): it was sorted/,
    );
    // --strict wants a clean log: the first line out of order is fatal, nothing is sorted
    await assert.rejects(analyzeLog(path, { asn: false, workers: 0, strict: true }), /out_of_order/);
  });

  it("by default, skips and reports a few late lines in a log in time order instead of sorting it", async () => {
    const dir = tempDir("dg-order-");
    const lines = orderedLines(8);
    // five lines moved twice the reorder window's worth of lines later
    const late = [...lines];
    const moved: string[] = [];
    for (const at of [900, 700, 500, 300, 100]) moved.push(...late.splice(at, 1));
    const tMoved = Math.max(...moved.map((l) => Date.parse((JSON.parse(l) as { time: string }).time)));
    let to = late.findIndex(
      (l) => Date.parse((JSON.parse(l) as { time: string }).time) > tMoved + 2 * DEFAULT_REORDER_MS,
    );
    assert.ok(to > 0);
    late.splice(to, 0, ...moved);
    to += 1;
    const report = (await analyzeLog(write(dir, "late.jsonl", late), { asn: false, workers: 0 })) as Report;
    assert.equal(report.input.sorted, undefined);
    assert.equal(report.input.problems_by_kind.out_of_order, 5);
    assert.deepEqual(
      report.input.problems.map((p) => p.line),
      [to, to + 1, to + 2, to + 3, to + 4],
    );
    assert.match(report.input.warnings[0]!, /^5 lines \(0\.\d+ %\) .* skipped/);
  });

  it("fails with a clear message when the sort cannot write its runs", async () => {
    const dir = tempDir("dg-order-");
    const path = write(dir, "shuffled.jsonl", shuffled(orderedLines(3), 5));
    const notADir = write(dir, "not-a-dir", ["x"]);
    await assert.rejects(
      analyzeLog(path, { asn: false, workers: 0, sort: true, sortRunBytes: 10_000, sortDir: notADir }),
      /^Error: sorting the log: cannot write its runs under .*not-a-dir .*--sort-dir, or --no-sort/,
    );
  });

  it("reads a gateway's own log, written as exchanges end and stamped when they began, as it is", async () => {
    // answers of up to five minutes (long streamed answers): the log is out of order by as much
    const dir = tempDir("dg-order-");
    const ordered = orderedLines(9);
    const reference = (await analyzeLog(write(dir, "ordered.jsonl", ordered), {
      asn: false,
      workers: 0,
    })) as Report;
    const r = rng(4);
    const asWritten = ordered
      .map((l, i) => {
        const start = Date.parse((JSON.parse(l) as { time: string }).time);
        const latency = r() < 0.1 ? 60_000 + r() * 240_000 : r() * 20_000;
        return { l, i, end: start + latency };
      })
      .sort((a, b) => a.end - b.end || a.i - b.i);
    const moved = asWritten.filter((x, k) => x.i !== k).length;
    assert.ok(moved > ordered.length / 4, `${moved} lines out of place`);
    const report = (await analyzeLog(
      write(
        dir,
        "gateway.jsonl",
        asWritten.map((x) => x.l),
      ),
      { asn: false, workers: 1 },
    )) as Report;
    assert.equal(report.input.problem_lines, 0);
    assert.equal(report.input.sorted, undefined, "no sort needed");
    assert.deepEqual(verdicts(report), verdicts(reference));
  });

  it("puts lines a little out of order back in order before the engine sees them", async () => {
    const dir = tempDir("dg-order-");
    const ordered = orderedLines(6);
    const reference = (await analyzeLog(write(dir, "ordered.jsonl", ordered), {
      asn: false,
      workers: 0,
    })) as Report;
    // the first request of the log, and of its earliest account, arrives after the next 20 lines
    const late = [...ordered];
    const [first] = late.splice(0, 1);
    late.splice(20, 0, first!);
    const t0 = Date.parse((JSON.parse(first!) as { time: string }).time);
    const t20 = Date.parse((JSON.parse(late[19]!) as { time: string }).time);
    assert.ok(t20 > t0, "the line really is displaced in time");
    const report = (await analyzeLog(write(dir, "late.jsonl", late), {
      asn: false,
      workers: 0,
      reorderMs: t20 - t0 + 1,
    })) as Report;
    assert.equal(report.input.problem_lines, 0);
    assert.deepEqual(verdicts(report), verdicts(reference));
  });
});

describe("analyze on several files", () => {
  it("reads files, or a directory of them, one after the other as one log, with problems at their file and line", async () => {
    const dir = tempDir("dg-files-");
    const ordered = orderedLines(10);
    const reference = (await analyzeLog(write(dir, "all.jsonl", ordered), {
      asn: false,
      workers: 0,
    })) as Report;
    // a day's files as the gateway writes them: an empty one, a bad line in the second, the last gzipped
    const logs = join(dir, "events");
    mkdirSync(logs);
    const third = Math.floor(ordered.length / 3);
    const day2 = [...ordered.slice(third, 2 * third)];
    day2.splice(7, 0, "{not json");
    write(logs, "events-2026-02-01.jsonl", []);
    write(logs, "events-2026-02-02.jsonl", ordered.slice(0, third));
    write(logs, "events-2026-02-03.jsonl", day2);
    writeFileSync(
      join(logs, "events-2026-02-04.jsonl.gz"),
      gzipSync(`${ordered.slice(2 * third).join("\n")}\n`),
    );
    writeFileSync(join(logs, "notes.txt"), "not a log");
    const expected = [[join(logs, "events-2026-02-03.jsonl"), 8, "invalid_json"]];
    for (const workers of [0, 1]) {
      const report = (await analyzeLog(logs, { asn: false, workers })) as Report & {
        input: { paths: string[] };
      };
      assert.deepEqual(verdicts(report), verdicts(reference), `workers ${workers}`);
      assert.equal(report.input.paths.length, 4);
      assert.equal(report.input.lines, ordered.length + 2); // the bad line and the empty file's ""
      assert.deepEqual(
        report.input.problems.map((p) => [p.file, p.line, p.problem]),
        expected,
      );
    }
    // the same files named out of order: sorted, the same report, the bad line still found
    const named = ["events-2026-02-04.jsonl.gz", "events-2026-02-02.jsonl", "events-2026-02-03.jsonl"];
    const mixed = (await analyzeLog(
      named.map((n) => join(logs, n)),
      { asn: false, workers: 1 },
    )) as Report;
    assert.equal(mixed.input.sorted?.automatic, true);
    assert.deepEqual(verdicts(mixed), verdicts(reference));
    assert.deepEqual(
      mixed.input.problems.map((p) => [p.file, p.line, p.problem]),
      expected,
    );
    await assert.rejects(
      analyzeLog(tempDir("dg-files-empty-"), { asn: false }),
      /no \*\.jsonl or \*\.jsonl\.gz file in/,
    );
  });
});

describe("analyze on standard input", () => {
  const BIN = fileURLToPath(new URL("../../bin/distillguard.mjs", import.meta.url));
  const cli = (args: string[], input: Buffer) =>
    spawnSync(process.execPath, [BIN, "analyze", ...args], { input, encoding: "utf8" });

  it("reads a log from -, gzipped or not, to the file's report; sorts it only when asked", async () => {
    const dir = tempDir("dg-stdin-");
    const ordered = orderedLines(11);
    const path = write(dir, "log.jsonl", ordered);
    const reference = (await analyzeLog(path, { asn: true })) as Report;
    const text = readFileSync(path);
    for (const [name, input] of [
      ["plain", text],
      ["gzip", gzipSync(text)],
    ] as const) {
      const out = join(dir, `${name}.json`);
      const r = cli(["-", "--out", out, "--quiet"], input);
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(readFileSync(out, "utf8")) as Report;
      assert.deepEqual(verdicts(report), verdicts(reference), name);
      assert.equal(report.input.path, "-");
    }
    // out of time order: standard input cannot be read twice, so it says how to go on
    const mixed = Buffer.from(`${shuffled(ordered, 3).join("\n")}\n`);
    const refused = cli(["-", "--out", join(dir, "x.json"), "--quiet"], mixed);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /standard input is not in time order .*--sort/);
    const out = join(dir, "sorted.json");
    const sorted = cli(["-", "--sort", "--out", out, "--quiet"], mixed);
    assert.equal(sorted.status, 0, sorted.stderr);
    assert.equal((JSON.parse(readFileSync(out, "utf8")) as Report).input.events, ordered.length);
  });

  it("warns when most lines are not events (a gzipped log under a plain name), or when there are none", async () => {
    const dir = tempDir("dg-stdin-");
    const path = join(dir, "log.jsonl");
    writeFileSync(path, gzipSync(`${orderedLines(12).join("\n")}\n`));
    const report = (await analyzeLog(path, { asn: false, workers: 0 })) as Report;
    assert.equal(report.input.events, 0);
    assert.match(
      report.input.warnings[0]!,
      /^\d+ of \d+ lines are not events \(\d+ invalid_utf8.*named \*\.gz\?$/,
    );
    const empty = (await analyzeLog(write(dir, "empty.jsonl", [""]), { asn: false, workers: 0 })) as Report;
    assert.deepEqual(empty.input.warnings, ["the log has no events"]);
  });
});

describe("the sort key", () => {
  const t = Date.parse("2026-02-02T10:00:00.123Z");
  it("reads the top-level time, not one inside the request", () => {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o));
    assert.equal(lineTimeMs(enc({ id: "a", time: "2026-02-02T10:00:00.123Z", request: {} })), t);
    assert.equal(
      lineTimeMs(enc({ request: { time: "1999-01-01T00:00:00Z" }, time: "2026-02-02T10:00:00.123Z" })),
      t,
    );
    assert.equal(lineTimeMs(enc({ id: 'a "quoted" {', time: "2026-02-02T10:00:00.123Z" })), t);
    assert.equal(lineTimeMs(Buffer.from('  { "id": "a", "time" : "2026-02-02T10:00:00.123Z" }')), t);
    assert.equal(
      lineTimeMs(enc({ id: "a", request: { time: "2026-02-02T10:00:00.123Z" } })),
      Number.NEGATIVE_INFINITY,
    );
    assert.equal(lineTimeMs(Buffer.from('{"id":"a","time":"yesterday"}')), Number.NEGATIVE_INFINITY);
    assert.equal(lineTimeMs(Buffer.from('{"time":"2026-02-02T10:00:00.123Z"')), t); // truncated: the reader reports it
    assert.equal(lineTimeMs(Buffer.from("{not json")), Number.NEGATIVE_INFINITY);
  });
});
