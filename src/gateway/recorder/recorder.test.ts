import assert from "node:assert/strict";
import { chmodSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../../../test/helpers/tmp.js";
import type { ExchangeEvent } from "../../events/types.js";
import { Recorder } from "./recorder.js";
import { retainRequest } from "./retention.js";
import { buildRecord } from "./worker.js";

const KEY = Buffer.alloc(32, 7);

function event(i: number): ExchangeEvent {
  return {
    id: `ex_${i}`,
    time: new Date(Date.UTC(2026, 1, 1, 12, 0, i)).toISOString(),
    account_id: `acct_${i % 3}`,
    org_id: null,
    api_key_id: "dg-aaaaaaaaaaaa",
    api: "anthropic.messages",
    request: {
      model: "claude-x",
      max_tokens: 10,
      messages: [{ role: "user", content: `secret prompt ${i}` }],
    },
    response: { status: 200, input_tokens: 5, output_tokens: 7, latency_ms: 1.5, text: "the answer" },
  };
}

describe("retention", () => {
  const body = {
    model: "m",
    system: [{ type: "text", text: "You are a grader." }],
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "Explain step by step" },
          { type: "image", source: { type: "base64", data: "AAAA" } },
        ],
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: '{"q":1}' } }],
      },
      { role: "tool", content: "result text" },
    ],
    tools: [{ name: "f", input_schema: { type: "object" } }],
  };

  it("keeps the shape and replaces every text with length + keyed digest", () => {
    const out = JSON.stringify(retainRequest(body, "none", KEY));
    for (const secret of [
      "You are a grader.",
      "Explain step by step",
      "AAAA",
      '{\\"q\\":1}',
      "result text",
    ]) {
      assert.ok(!out.includes(secret), `${secret} must be redacted`);
    }
    assert.match(out, /\[redacted chars=20 h=[0-9a-f]{16}\]/);
    assert.ok(out.includes('"tools"') && out.includes('"name":"f"'), "tool definitions are kept");
    assert.deepEqual(body.messages[2], { role: "tool", content: "result text" }, "input is not mutated");
  });

  it("gives equal digests for equal texts, different ones for different texts or keys", () => {
    const a = retainRequest({ messages: [{ role: "user", content: "same" }] }, "none", KEY);
    const b = retainRequest({ messages: [{ role: "user", content: "same" }] }, "none", KEY);
    const c = retainRequest({ messages: [{ role: "user", content: "other" }] }, "none", KEY);
    const d = retainRequest({ messages: [{ role: "user", content: "same" }] }, "none", Buffer.alloc(32, 8));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.notDeepEqual(a, d);
  });

  it("keeps the body exactly under full retention, and answer text only then", () => {
    const e = event(1);
    const full = buildRecord({ event: e, rawRequest: JSON.stringify(e.request) }, "full", KEY);
    assert.deepEqual(JSON.parse(full.line).request, e.request);
    assert.equal(JSON.parse(full.line).response.text, "the answer");
    const none = buildRecord({ event: e, rawRequest: JSON.stringify(e.request) }, "none", KEY);
    assert.equal(JSON.parse(none.line).response.text, null);
    assert.ok(!none.line.includes("secret prompt"));
  });

  it("records an unparseable body by its size only", () => {
    const r = buildRecord({ event: event(2), rawRequest: "{oops" }, "full", KEY);
    assert.deepEqual(JSON.parse(r.line).request, { _unparsed: true, bytes: 5 });
  });
});

describe("Recorder", () => {
  it("writes every event to JSONL and DuckDB", async () => {
    const dir = tempDir("dg-rec-");
    const rec = new Recorder({
      duckdbPath: join(dir, "events.duckdb"),
      jsonlDir: join(dir, "events"),
      batchMs: 20,
      batchMax: 7,
      queueMax: 1000,
      retention: "none",
      retentionKey: KEY.toString("hex"),
    });
    assert.deepEqual((await rec.start()).sort(), ["duckdb", "jsonl"]);
    for (let i = 0; i < 50; i++) rec.record(event(i));
    await rec.flush();
    const stats = rec.stats();
    assert.equal(stats.written, 50);
    assert.equal(stats.sinkFailures, 0);
    await rec.close();
    const files = readdirSync(join(dir, "events"));
    const lines = readFileSync(join(dir, "events", files[0]!), "utf8")
      .trim()
      .split("\n");
    assert.equal(lines.length, 50);
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).id),
      Array.from({ length: 50 }, (_, i) => `ex_${i}`),
    );
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(join(dir, "events.duckdb"));
    const conn = await db.connect();
    const rows = await conn.runAndReadAll(
      "select count(*)::int as n, sum(output_tokens)::int as out, count(distinct account_id)::int as accts from events",
    );
    assert.deepEqual(rows.getRowObjects()[0], { n: 50, out: 350, accts: 3 });
    conn.closeSync();
    db.closeSync();
  });

  it("keeps serving when a sink fails: failures are counted, other sinks still write", async () => {
    const dir = tempDir("dg-rec-");
    const jsonlDir = join(dir, "events");
    const rec = new Recorder({
      duckdbPath: join(dir, "no-such-dir", "x", "events.duckdb"),
      jsonlDir,
      batchMs: 10,
      batchMax: 100,
      queueMax: 1000,
      retention: "none",
      retentionKey: KEY.toString("hex"),
    });
    await rec.start();
    rec.record(event(1));
    await rec.flush();
    let s = rec.stats();
    assert.ok(s.sinkFailures >= 1, "the broken DuckDB path is reported");
    assert.equal(s.written, 1);
    // Now make the JSONL directory unwritable too (as a full disk would): record() still never throws.
    if (process.getuid?.() !== 0) chmodSync(jsonlDir, 0o500);
    for (let i = 0; i < 5; i++) rec.record(event(i));
    await rec.flush();
    s = rec.stats();
    assert.equal(s.recorded, 6);
    await rec.close();
  });

  it("drops and counts events beyond the queue bound", async () => {
    const dir = tempDir("dg-rec-");
    const rec = new Recorder({
      duckdbPath: null,
      jsonlDir: join(dir, "events"),
      batchMs: 1000,
      batchMax: 1000,
      queueMax: 10,
      retention: "none",
      retentionKey: KEY.toString("hex"),
    });
    await rec.start();
    for (let i = 0; i < 25; i++) rec.record(event(i));
    assert.equal(rec.stats().dropped, 15);
    await rec.flush();
    assert.equal(rec.stats().written, 10);
    await rec.close();
  });
});
