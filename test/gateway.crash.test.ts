/**
 * Durability: a gateway killed with SIGKILL loses at most the events of its last batch window.
 * Runs the real CLI in a child process.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { tempDir } from "./helpers/tmp.js";

const BIN = fileURLToPath(new URL("../../bin/distillguard.mjs", import.meta.url));

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe("gateway crash", () => {
  it("keeps every event written before the last batch window after kill -9", async () => {
    const state = tempDir("dg-crash-");
    const account = JSON.parse(cli(["keys", "create-account", "--state-dir", state, "--json"])) as {
      id: string;
    };
    const { key } = JSON.parse(
      cli(["keys", "create", "--state-dir", state, "--account", account.id, "--json"]),
    ) as {
      key: string;
    };
    const child = spawn(
      process.execPath,
      [BIN, "serve", "--upstream", "mock", "--port", "0", "--state-dir", state],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    try {
      let log = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on("data", (c: Buffer) => {
          log += c.toString();
          const m = /listening on (http:\/\/\S+)/.exec(log);
          if (m) resolve(m[1]!);
        });
        child.once("exit", (code) => reject(new Error(`gateway exited early (${code}): ${log}`)));
      });
      const n = 40;
      for (let i = 0; i < n; i++) {
        const r = await fetch(`${url}/v1/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": key },
          body: JSON.stringify({
            model: "claude-sonnet-4-5",
            max_tokens: 20,
            messages: [{ role: "user", content: `q${i}` }],
          }),
        });
        assert.equal(r.status, 200);
        await r.text();
      }
      await sleep(1000); // four default batch windows (250 ms)
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      const dir = join(state, "events");
      const lines = readdirSync(dir).flatMap((f) => readFileSync(join(dir, f), "utf8").trim().split("\n"));
      assert.equal(lines.length, n, "every exchange older than the batch window survived in JSONL");
      const { DuckDBInstance } = await import("@duckdb/node-api");
      const db = await DuckDBInstance.create(join(state, "events.duckdb"));
      const conn = await db.connect();
      const rows = (await conn.runAndReadAll("select count(*)::int as n from events")).getRowObjects();
      assert.deepEqual(rows, [{ n }], "and in DuckDB (WAL replayed on open)");
      conn.closeSync();
      db.closeSync();
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
