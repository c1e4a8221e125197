import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parseEventLine } from "../events/parse.js";
import type { TruthRecord } from "../events/truth.js";
import { BuiltinSource } from "./content/builtin.js";
import { PRESETS, type Preset } from "./presets.js";
import { bodyJson, type RequestSpec, renderBody } from "./request.js";
import { sidecarPath, simulate } from "./simulate.js";

const dir = mkdtempSync(join(tmpdir(), "dg-sim-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The tiny preset cut to one day so the test stays fast. */
const small: Preset = {
  ...PRESETS.tiny!,
  days: 1,
  releaseDay: 0.5,
  campaigns: PRESETS.tiny!.campaigns.map((c) => ({ ...c, days: 1, exchanges: Math.round(c.exchanges / 2) })),
};

function run(seed: number, name: string): { log: string; truth: string; sidecar: string } {
  const out = join(dir, `${name}.jsonl`);
  const truth = join(dir, `${name}.truth.jsonl`);
  simulate({ preset: small, seed, source: new BuiltinSource(), out, truth });
  return {
    log: readFileSync(out, "utf8"),
    truth: readFileSync(truth, "utf8"),
    sidecar: readFileSync(sidecarPath(truth), "utf8"),
  };
}

const a = run(11, "a");

test("same seed gives byte-identical log, truth and sidecar; another seed differs", () => {
  const b = run(11, "b");
  assert.equal(a.log, b.log);
  assert.equal(a.truth, b.truth);
  assert.equal(a.sidecar, b.sidecar);
  const c = run(12, "c");
  assert.notEqual(a.log, c.log);
});

test("every line is a valid v1 event, in time order, from an account in the truth", () => {
  const truth = new Map<string, TruthRecord>();
  for (const line of a.truth.trim().split("\n")) {
    const r = JSON.parse(line) as TruthRecord;
    truth.set(r.account_id, r);
  }
  let last = "";
  const ids = new Set<string>();
  const perAccount = new Map<string, number>();
  const lines = a.log.trim().split("\n");
  assert.ok(lines.length > 1000, `only ${lines.length} exchanges`);
  for (const line of lines) {
    const p = parseEventLine(line);
    assert.ok(p.ok, line.slice(0, 200));
    if (!p.ok) continue;
    const e = p.event;
    assert.ok(e.time >= last, `out of order at ${e.id}`);
    last = e.time;
    assert.ok(!ids.has(e.id), `duplicate id ${e.id}`);
    ids.add(e.id);
    assert.ok(truth.has(e.account_id), `account ${e.account_id} missing from truth`);
    perAccount.set(e.account_id, (perAccount.get(e.account_id) ?? 0) + 1);
    assert.match(e.account_id, /^acct_[0-9a-f]{16}$/, "ids must not reveal population");
    assert.ok(typeof e.request.model === "string");
    const c = e.client!;
    assert.match(c.ip ?? "", /^\d+\.\d+\.\d+\.\d+$/);
    assert.ok(["residential", "datacenter", "vpn"].includes(c.network ?? ""));
  }
  assert.equal(perAccount.size, truth.size, "truth lists exactly the accounts that appear");
  const kinds = new Set([...truth.values()].map((t) => t.population));
  for (const p of [
    "individual_dev",
    "production_app",
    "batch_job",
    "eval_harness",
    "multi_account_org",
    "vpn_user",
    "reseller_customer",
  ]) {
    assert.ok(kinds.has(p), `population ${p} missing`);
  }
  const attack = [...truth.values()].filter((t) => t.kind === "attack");
  assert.ok(attack.length > 0 && attack.every((t) => t.campaign_id !== null));
});

test("sidecar lists campaigns with knobs and counts that match the log", () => {
  const side = JSON.parse(a.sidecar) as {
    campaigns: { id: string; exchanges: number; knobs: { profile: string } }[];
    exchanges: number;
    attack_exchanges: number;
  };
  assert.equal(side.exchanges, a.log.trim().split("\n").length);
  const sum = side.campaigns.reduce((s, c) => s + c.exchanges, 0);
  assert.equal(sum, side.attack_exchanges);
  assert.ok(side.campaigns.some((c) => c.knobs.profile === "hydra_coder"));
});

test("both dialects appear, with system prompts, tools, images and thinking", () => {
  const text = a.log;
  assert.ok(text.includes('"api":"anthropic.messages"'));
  assert.ok(text.includes('"api":"openai.chat.completions"'));
  assert.ok(text.includes('"input_schema"'));
  assert.ok(text.includes('"type":"function"'));
  assert.ok(text.includes('"thinking":{"type":"enabled"'));
  assert.ok(text.includes('"reasoning_effort"'));
  assert.ok(text.includes('"tool_result"'));
});

test("bodyJson is byte-identical to JSON.stringify(renderBody) for both dialects", () => {
  const src = new BuiltinSource();
  for (const api of ["anthropic.messages", "openai.chat.completions"] as const) {
    for (const cap of ["agentic", "tool_use", "chat"] as const) {
      const p = src.item(cap, 3);
      const spec: RequestSpec = {
        api,
        model: "m",
        turns: [{ role: "user", text: p.text }],
        maxTokens: 100,
        stream: true,
        temperature: 0.5,
        ...(p.system ? { system: p.system } : {}),
        ...(p.tools ? { tools: p.tools } : {}),
      };
      assert.equal(bodyJson(spec), JSON.stringify(renderBody(spec)));
      assert.equal(bodyJson(spec), JSON.stringify(renderBody(spec)), "cached path");
    }
  }
});
