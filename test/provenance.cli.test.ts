/**
 * The provenance commands end to end through the real CLI: watermark keygen/apply/detect, verify
 * (valid and tampered), forensics on a dataset mixing watermarked, receipted and unrelated texts.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { deriveWatermarkKey, loadOrCreateMasterKey } from "../src/provenance/keys.js";
import { provenancePaths } from "../src/provenance/paths.js";
import { KeyRing } from "../src/provenance/receipts/keyring.js";
import { sha256Hex, textHash } from "../src/provenance/receipts/receipt.js";
import { ReceiptSigner } from "../src/provenance/receipts/signer.js";
import { appendBatch } from "../src/provenance/receipts/store.js";
import { createWatermarker } from "../src/provenance/watermark.js";
import { tempDir } from "./helpers/tmp.js";

const BIN = fileURLToPath(new URL("../../bin/distillguard.mjs", import.meta.url));

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const PROSE = [
  "We often calculate a large total quickly, and therefore the method is usually reliable.",
  "Researchers evaluate each topic and assume the result is exactly what they need to achieve.",
  "To respond well, you should especially build a big idea and construct a simple theme.",
  "It is approximately right: primarily we compute the calculation and then assess the job.",
];

/** Distinct synthetic documents with many synonym positions (contexts vary with the lead word). */
function docs(n: number): string[] {
  const leads = ["Today", "Here", "Now", "Then", "First", "Next", "Finally", "Also", "Still", "Again"];
  return Array.from(
    { length: n },
    (_, i) => `${leads[i % leads.length]} ${i}: ${PROSE[i % 4]} ${PROSE[(i + 1) % 4]}`,
  );
}

describe("provenance CLI", () => {
  it("watermark keygen, apply and detect attribute a dataset to the right account key", () => {
    const state = tempDir("dg-cli-");
    // A fixed master key keeps the H0 check below deterministic; keygen keeps an existing key.
    mkdirSync(provenancePaths(state).root, { recursive: true });
    writeFileSync(provenancePaths(state).watermarkKey, `${"5a".repeat(32)}\n`, { mode: 0o600 });
    const kg = cli("watermark", "keygen", "--state-dir", state, "--json");
    assert.equal(kg.code, 0);
    assert.equal(
      JSON.parse(kg.stdout).deployment_kid,
      deriveWatermarkKey(Buffer.from("5a".repeat(32), "hex"), "deployment").kid,
    );
    const input = join(state, "in.jsonl");
    writeFileSync(
      input,
      docs(60)
        .map((t) => `${JSON.stringify({ text: t })}\n`)
        .join(""),
    );
    const out = join(state, "wm.jsonl");
    const applied = cli("watermark", "apply", "--state-dir", state, "--account", "acme", input, "-o", out);
    assert.equal(applied.code, 0, applied.stderr);
    const r = cli("watermark", "detect", "--state-dir", state, "--accounts", "bob,acme", "--json", out);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      positions: number;
      keys: Array<{ scope: string; match: boolean; pValue: number }>;
    };
    assert.ok(report.positions > 20);
    assert.deepEqual(
      report.keys.filter((k) => k.match).map((k) => k.scope),
      ["account:acme"],
    );
    const clean = JSON.parse(
      cli("watermark", "detect", "--state-dir", state, "--accounts", "acme", "--json", input).stdout,
    ) as {
      keys: Array<{ match: boolean }>;
    };
    // The originals were not watermarked: no key matches.
    assert.deepEqual(
      clean.keys.map((k) => k.match),
      [false, false],
    );
    assert.equal(cli("watermark", "detect", "--state-dir", join(state, "none"), out).code, 2);
  });

  it("verify accepts a genuine receipt and rejects a tampered text; forensics finds receipts and the account", async () => {
    const state = tempDir("dg-cli-");
    const paths = provenancePaths(state);
    const master = loadOrCreateMasterKey(paths.watermarkKey);
    const key = deriveWatermarkKey(master, "account:mallory");
    const wm = createWatermarker({ key: key.key });
    const ring = KeyRing.open(paths.signingKeys);
    const signer = new ReceiptSigner({
      keys: ring,
      maxBatch: 16,
      onBatch: (r) => appendBatch(paths.receipts, r),
    });
    const texts = docs(40).map((t) => wm.apply(t));
    const receipts = await Promise.all(
      texts.map(
        (t, i) =>
          signer.sign({
            requestHash: sha256Hex(`request ${i}`),
            responseHash: sha256Hex(`body ${i}`),
            textHash: textHash(t),
            account_id: "mallory",
            model: "claude-sonnet-4-5",
            key_id: key.kid,
          }).receipt,
      ),
    );
    signer.close();
    const rf = join(state, "receipt.json");
    writeFileSync(rf, JSON.stringify(receipts[3]));
    const tf = join(state, "text.txt");
    writeFileSync(tf, texts[3] as string);
    const jwks = join(state, "jwks.json");
    writeFileSync(jwks, JSON.stringify(ring.jwks()));
    const ok = cli("verify", "--receipt", rf, "--jwks", jwks, "--text", tf);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /VALID/);
    writeFileSync(tf, `${texts[3]} (edited)`);
    const bad = cli("verify", "--receipt", rf, "--state-dir", state, "--text", tf);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /FAIL text/);
    // A harvested dataset: 10 exact texts, 20 lightly edited ones (no receipt match), 10 unrelated.
    const dataset = join(state, "harvest.jsonl");
    const rows = [
      ...texts.slice(0, 10),
      ...texts.slice(10, 30).map((t) => `${t} Thanks!`),
      ...docs(10).map((t) => t.toUpperCase()),
    ];
    writeFileSync(dataset, rows.map((t) => `${JSON.stringify({ text: t })}\n`).join(""));
    const f = cli("forensics", "--state-dir", state, "--accounts", "alice,bob", "--json", dataset);
    assert.equal(f.code, 0, f.stderr);
    const rep = JSON.parse(f.stdout) as {
      receipts: { exactMatches: number; byAccount: Record<string, number> };
      attribution: Array<{ scope: string; exactReceipts: number; watermarkP: number | null }>;
      watermark: Array<{ scope: string; match: boolean }>;
    };
    assert.equal(rep.receipts.exactMatches, 10);
    assert.deepEqual(rep.receipts.byAccount, { mallory: 10 });
    assert.equal(rep.attribution[0]?.scope, "account:mallory");
    assert.ok((rep.attribution[0]?.watermarkP ?? 1) < 0.01);
    assert.deepEqual(
      rep.watermark.filter((w) => w.match).map((w) => w.scope),
      ["account:mallory"],
    );
  });
});
