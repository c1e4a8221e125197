import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { analyzeLog } from "../src/cli/commands/analyze.js";
import { ConfigError } from "../src/core/errors.js";
import {
  accountEvents,
  byTime,
  evalOrgAccounts,
  hydraAccounts,
  legitAccounts,
  rng,
  T0,
} from "../src/detect/fixtures.js";
import { parseIgnoredFields } from "../src/events/ignore.js";
import { tempDir } from "./helpers/tmp.js";

function writeLog(): string {
  const r = rng(3);
  const events = accountEvents(legitAccounts(1, r)[0]!, T0, 6, r);
  const lines = events.map((e) => JSON.stringify(e));
  const bad = [
    lines[0]!,
    lines[1]!,
    "{not json",
    JSON.stringify({ ...events[2], account_id: undefined }),
    lines[3]!,
    JSON.stringify({ ...events[4], api: "cohere.chat" }),
    JSON.stringify({ ...events[4], time: new Date(T0 - 3_600_000).toISOString() }),
    lines[5]!.slice(0, 40),
  ];
  const dir = tempDir("dg-analyze-");
  const path = join(dir, "log.jsonl");
  writeFileSync(path, `${bad.join("\n")}\n`);
  return path;
}

describe("analyze on bad input", () => {
  it("counts, reports with line numbers and skips bad lines, and goes on", async () => {
    const report = (await analyzeLog(writeLog(), { asn: false })) as {
      accounts: unknown[];
      input: { events: number; problem_lines: number; problems: { line: number; problem: string }[] };
    };
    assert.equal(report.input.events, 3);
    assert.deepEqual(
      report.input.problems.map((p) => [p.line, p.problem]),
      [
        [3, "invalid_json"],
        [4, "missing_field"],
        [6, "unknown_api"],
        [7, "out_of_order"],
        [8, "invalid_json"],
      ],
    );
    assert.equal(report.accounts.length, 1);
  });
  it("makes the first bad line fatal under --strict", async () => {
    await assert.rejects(analyzeLog(writeLog(), { asn: false, strict: true }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /line 3: invalid_json/);
      return true;
    });
  });
});

describe("analyze with feature workers", () => {
  const strip = (r: Record<string, unknown>): Record<string, unknown> => ({
    ...r,
    input: { ...(r.input as object), seconds: 0 },
  });

  it("gives the same report, problems and line numbers with 0, 1 or 3 workers and any block size", async () => {
    const r = rng(11);
    const lists = [
      ...legitAccounts(30, r).map((a) => accountEvents(a, T0, 40, r)),
      ...evalOrgAccounts(4).map((a) => accountEvents(a, T0, 80, r)),
      ...hydraAccounts(12, r).map((a) => accountEvents(a, T0 + 600_000, 80, r)),
    ];
    const lines = byTime(lists).map((e) => JSON.stringify(e));
    // bad lines spread through the log, a blank line, and no newline at the end
    for (const at of [5, 700, 1500]) lines.splice(at, 0, "{not json");
    lines.splice(900, 0, "");
    lines.splice(
      1200,
      0,
      JSON.stringify({
        id: "x",
        time: "yesterday",
        account_id: "a",
        api: "openai.chat.completions",
        request: {},
        response: { status: 200 },
      }),
    );
    const dir = tempDir("dg-analyze-w-");
    const path = join(dir, "log.jsonl");
    writeFileSync(path, lines.join("\n"));
    writeFileSync(`${path}.gz`, gzipSync(lines.join("\n")));

    const serial = strip(await analyzeLog(path, { asn: true, workers: 0 }));
    const input = serial.input as {
      events: number;
      lines: number;
      problems: { line: number; problem: string }[];
    };
    assert.equal(input.lines, lines.length);
    const expected = lines.flatMap((l, i) =>
      l === "{not json" ? [[i + 1, "invalid_json"]] : l.includes('"yesterday"') ? [[i + 1, "bad_time"]] : [],
    );
    assert.equal(expected.length, 4);
    assert.deepEqual(
      input.problems.map((p) => [p.line, p.problem]),
      expected,
    );
    assert.ok((serial.accounts as unknown[]).length >= 46);
    assert.ok((serial.campaigns as unknown[]).length >= 1, "the hydra fixture forms a campaign");
    for (const [workers, blockBytes] of [
      [1, 1 << 20],
      [3, 4096],
      [2, 300], // blocks shorter than a line
    ] as const) {
      const parallel = strip(await analyzeLog(path, { asn: true, workers, blockBytes }));
      assert.deepEqual(parallel, serial, `workers=${workers} blockBytes=${blockBytes}`);
    }
    const gz = strip(await analyzeLog(`${path}.gz`, { asn: true, workers: 2, blockBytes: 8192 }));
    assert.deepEqual({ ...gz, input: { ...(gz.input as object), path } }, serial);
  });

  it("stops its workers and reports the line under --strict", async () => {
    await assert.rejects(
      analyzeLog(writeLog(), { asn: false, strict: true, workers: 2, blockBytes: 256 }),
      /line 3: invalid_json/,
    );
  });
});

describe("analyze --ignore (field ablation)", () => {
  type Report = {
    accounts: { account_id: string; reasons: { id: string }[] }[];
    input: Record<string, unknown>;
  };
  const reasonIds = (r: Report): Set<string> =>
    new Set(r.accounts.flatMap((a) => a.reasons.map((x) => x.id)));

  it("reads the log as if it lacked the fields, with or without workers, and says so in the report", async () => {
    const r = rng(5);
    const lists = [
      ...legitAccounts(20, r).map((a) => accountEvents(a, T0, 30, r)),
      ...hydraAccounts(12, r).map((a) => accountEvents(a, T0 + 600_000, 60, r)),
    ];
    const dir = tempDir("dg-analyze-ignore-");
    const path = join(dir, "log.jsonl");
    writeFileSync(
      path,
      `${byTime(lists)
        .map((e) => JSON.stringify(e))
        .join("\n")}\n`,
    );
    const full = (await analyzeLog(path, { asn: false, workers: 0 })) as Report;
    const dropped = ["account.created_at", "account.payment_fingerprint"] as const;
    const blind = (await analyzeLog(path, { asn: false, workers: 0, ignore: dropped })) as Report;
    // the fixture carries age and card evidence, so these can fail
    for (const id of ["deception.fresh_account", "trust.established", "deception.payment_reuse"]) {
      assert.ok(reasonIds(full).has(id), `${id} with every field`);
      assert.ok(!reasonIds(blind).has(id), `${id} without creation times and cards`);
    }
    assert.deepEqual(blind.input.ignored_fields, [...dropped]);
    assert.equal(full.input.ignored_fields, undefined);
    assert.equal(blind.input.events, full.input.events, "no line is lost");
    const withWorker = (await analyzeLog(path, { asn: false, workers: 1, ignore: dropped })) as Report;
    assert.deepEqual(
      { ...withWorker, input: { ...withWorker.input, seconds: 0 } },
      {
        ...blind,
        input: { ...blind.input, seconds: 0 },
      },
    );
  });

  it("accepts only optional fields of the interchange format", () => {
    assert.deepEqual(parseIgnoredFields(" account.created_at,client.tls_fingerprint,account.created_at,"), [
      "account.created_at",
      "client.tls_fingerprint",
    ]);
    for (const bad of ["account.bogus", "account_id", "time", "request", "client.tls"]) {
      assert.throws(() => parseIgnoredFields(bad), ConfigError, bad);
    }
  });
});

describe("analyze field coverage", () => {
  it("reports the share of events carrying each evidence field and warns about missing ones", async () => {
    const r = rng(9);
    const lists = legitAccounts(6, r).map((a) => accountEvents(a, T0, 20, r));
    const dir = tempDir("dg-analyze-cov-");
    const path = join(dir, "log.jsonl");
    // every other event of the log lacks its creation time; none lacks its card
    const lines = byTime(lists).map((e, i) => {
      if (i % 2 === 1 && e.account) e.account = { ...e.account, created_at: null };
      return JSON.stringify(e);
    });
    writeFileSync(path, `${lines.join("\n")}\n`);
    type Input = { field_coverage: Record<string, number>; warnings: string[] };
    const full = (await analyzeLog(path, { asn: false, workers: 0 })) as { input: Input };
    assert.equal(full.input.field_coverage["account.created_at"], 0.5);
    assert.equal(full.input.field_coverage["account.payment_fingerprint"], 1);
    assert.ok(!full.input.warnings.some((w) => w.startsWith("account.")), full.input.warnings.join("; "));
    const blind = (await analyzeLog(path, {
      asn: false,
      workers: 0,
      ignore: ["account.created_at", "client.tls_fingerprint"],
    })) as { input: Input };
    assert.equal(blind.input.field_coverage["account.created_at"], 0);
    assert.equal(blind.input.field_coverage["client.tls_fingerprint"], 0);
    assert.deepEqual(
      blind.input.warnings.map((w) => w.split(" ")[0]),
      ["account.created_at", "client.tls_fingerprint"],
    );
  });
});
