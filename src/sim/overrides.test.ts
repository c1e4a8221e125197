import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { withCampaignFile } from "../cli/commands/simulate.js";
import { ConfigError } from "../core/errors.js";
import type { TruthRecord } from "../events/truth.js";
import { TLS_FINGERPRINTS } from "./clients.js";
import { BuiltinSource } from "./content/builtin.js";
import { applyCampaignOverrides } from "./overrides.js";
import { PRESETS, type Preset } from "./presets.js";
import { sidecarPath, simulate } from "./simulate.js";

const dir = mkdtempSync(join(tmpdir(), "dg-overrides-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const tiny = PRESETS.tiny!;

test("an override replaces the named knobs of the named campaign and nothing else", () => {
  const p = applyCampaignOverrides(
    tiny,
    { "camp-cot-grader": { stack: "go", egress: "datacenter", cards: 2, tiers: { free: 1 } } },
    "t.json",
  );
  const before = tiny.campaigns.find((k) => k.id === "camp-cot-grader")!;
  const after = p.campaigns.find((k) => k.id === "camp-cot-grader")!;
  assert.deepEqual(after, { ...before, stack: "go", egress: "datacenter", cards: 2, tiers: { free: 1 } });
  for (const k of p.campaigns)
    if (k.id !== "camp-cot-grader")
      assert.equal(
        k,
        tiny.campaigns.find((x) => x.id === k.id),
      );
  // the preset itself is untouched
  assert.equal(tiny.campaigns.find((k) => k.id === "camp-cot-grader")!.stack, "python-openssl3");
});

test("a campaign's span is cut to the preset's days, as the presets do", () => {
  const p = applyCampaignOverrides(tiny, { "camp-hydra-coder": { days: 400 } }, "t.json");
  assert.equal(p.campaigns.find((k) => k.id === "camp-hydra-coder")!.days, tiny.days);
});

test("mistakes are errors naming the campaign, the knob and what is allowed", () => {
  const cases: [unknown, RegExp][] = [
    [[], /must be a JSON object mapping campaign ids/],
    [{ "camp-nope": {} }, /no campaign "camp-nope" in preset tiny \(camp-cot-grader, /],
    [{ "camp-cot-grader": 3 }, /"camp-cot-grader" must be an object of knobs/],
    [{ "camp-cot-grader": { stak: "go" } }, /"camp-cot-grader"\.stak is not a campaign knob \(accounts, /],
    [{ "camp-cot-grader": { id: "x" } }, /\.id is not a campaign knob/],
    [{ "camp-cot-grader": { stack: "rust" } }, /stack = "rust": must be one of python-openssl3, .*java/],
    [{ "camp-cot-grader": { accounts: 0 } }, /accounts = 0: must be an integer ≥ 1/],
    [{ "camp-cot-grader": { accounts: 2.5 } }, /accounts = 2\.5: must be an integer/],
    [{ "camp-cot-grader": { verified: 1.5 } }, /verified = 1\.5: must be a number in 0\.\.1/],
    [{ "camp-cot-grader": { verified: "1" } }, /verified = "1": must be a number/],
    [{ "camp-cot-grader": { capabilities: { sorcery: 1 } } }, /unknown "sorcery"/],
    [{ "camp-cot-grader": { capabilities: { math: -1 } } }, /"math": -1/],
    [{ "camp-cot-grader": { tiers: { free: 0 } } }, /not all 0/],
    [{ "camp-cot-grader": { templates: [] } }, /non-empty array of template ids/],
    [{ "camp-cot-grader": { templates: ["a-cot-1", "b"] } }, /not "b"/],
    [{ "camp-cot-grader": { sweepDays: [1, -2] } }, /non-negative numbers of days/],
  ];
  for (const [json, message] of cases) {
    assert.throws(
      () => applyCampaignOverrides(tiny, json, "t.json"),
      (e: unknown) => e instanceof ConfigError && e.message.startsWith("t.json: ") && message.test(e.message),
      JSON.stringify(json),
    );
  }
});

test("the simulated log follows the override (client stack, egress network) and the sidecar records it", () => {
  const small: Preset = {
    ...tiny,
    days: 1,
    releaseDay: 0.5,
    campaigns: tiny.campaigns.map((c) => ({ ...c, days: 1, exchanges: Math.round(c.exchanges / 2) })),
  };
  const run = (preset: Preset, name: string) => {
    const out = join(dir, `${name}.jsonl`);
    const truth = join(dir, `${name}.truth.jsonl`);
    simulate({ preset, seed: 5, source: new BuiltinSource(), out, truth });
    const camp = new Map<string, string | null>();
    for (const line of readFileSync(truth, "utf8").trim().split("\n")) {
      const t = JSON.parse(line) as TruthRecord;
      camp.set(t.account_id, t.campaign_id);
    }
    const tls = new Set<string>();
    const networks = new Set<string>();
    for (const line of readFileSync(out, "utf8").trim().split("\n")) {
      const e = JSON.parse(line) as {
        account_id: string;
        client: { tls_fingerprint: string; network: string };
      };
      if (camp.get(e.account_id) !== "camp-cot-grader") continue;
      tls.add(e.client.tls_fingerprint);
      networks.add(e.client.network);
    }
    const meta = JSON.parse(readFileSync(sidecarPath(truth), "utf8")) as {
      campaigns: { id: string; knobs: { stack: string; egress: string } }[];
    };
    return { tls, networks, knobs: meta.campaigns.find((c) => c.id === "camp-cot-grader")!.knobs };
  };
  const plain = run(small, "plain");
  const changed = run(
    applyCampaignOverrides(small, { "camp-cot-grader": { stack: "java", egress: "datacenter" } }, "t.json"),
    "changed",
  );
  assert.deepEqual([...plain.networks], ["vpn"]);
  assert.ok(!plain.tls.has(TLS_FINGERPRINTS.java));
  assert.deepEqual([...changed.tls], [TLS_FINGERPRINTS.java]);
  assert.deepEqual([...changed.networks], ["datacenter"]);
  assert.equal(changed.knobs.stack, "java");
  assert.equal(changed.knobs.egress, "datacenter");
});

test("simulate --campaigns: an unreadable or non-JSON file is a clear error; a good one applies", () => {
  const bad = join(dir, "bad.json");
  writeFileSync(bad, '{"camp-cot-grader": {"stack": "go"');
  assert.throws(
    () => withCampaignFile(tiny, join(dir, "missing.json")),
    /--campaigns .*missing\.json: cannot read/,
  );
  assert.throws(() => withCampaignFile(tiny, bad), /--campaigns .*bad\.json: not JSON/);
  const good = join(dir, "good.json");
  writeFileSync(good, '{"camp-cot-grader": {"stack": "go"}}');
  assert.equal(withCampaignFile(tiny, good).campaigns.find((k) => k.id === "camp-cot-grader")!.stack, "go");
  assert.equal(withCampaignFile(tiny, undefined), tiny);
});
