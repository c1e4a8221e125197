/**
 * Costs of provenance on the hot path.
 *   node dist/bench/provenance/costs.js
 * - watermark: added time per KB of streamed text, plain text stream and through the SSE transform
 *   (Anthropic events with 2-word deltas, as the mock upstream sends them), against a pass-through;
 * - receipts: receipts signed per second on one core, by batch size (hashing, Merkle tree, one
 *   Ed25519 signature per batch, proofs);
 * - verification: time to verify one receipt (signature + inclusion + hash).
 */
import { randomBytes } from "node:crypto";
import { KeyRing } from "../../src/provenance/receipts/keyring.js";
import { sha256Hex } from "../../src/provenance/receipts/receipt.js";
import { ReceiptSigner } from "../../src/provenance/receipts/signer.js";
import { verifyReceipt } from "../../src/provenance/receipts/verify.js";
import { createSseWatermarkTransform } from "../../src/provenance/sse.js";
import { createWatermarker } from "../../src/provenance/watermark.js";
import { loadSynonymTable } from "../../src/provenance/wordnet.js";
import { arenaAnswers, dataDir } from "./data.js";

const out = (s: string) => process.stdout.write(`${s}\n`);
const dir = dataDir();
const texts = dir
  ? arenaAnswers(dir)
  : Array.from({ length: 200 }, () =>
      "We often calculate a large total quickly, and therefore the method is reliable. ".repeat(30),
    );
const table = loadSynonymTable();
const wm = createWatermarker({ key: randomBytes(32), table });
const bytes = texts.reduce((a, t) => a + Buffer.byteLength(t), 0);

function deltas(t: string): string[] {
  const parts = t.split(/(?<=\s)/);
  const d: string[] = [];
  for (let i = 0; i < parts.length; i += 2) d.push(parts.slice(i, i + 2).join(""));
  return d;
}
const pieces = texts.map(deltas);
const sse = pieces.map((ds) =>
  ds.map((text) =>
    Buffer.from(
      `event: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } })}\n\n`,
    ),
  ),
);
const head = Buffer.from(
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
);
const tail = Buffer.from('event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n');
const sseBytes = sse.reduce((a, evs) => a + evs.reduce((b, e) => b + e.length, 0), 0);

function time(fn: () => void, rounds: number): number {
  fn(); // warm-up
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / rounds;
}

const ROUNDS = 5;
const textMs = time(() => {
  for (const ds of pieces) {
    const s = wm.stream();
    for (const d of ds) s.push(d);
    s.end();
  }
}, ROUNDS);
const passMs = time(() => {
  let n = 0;
  for (const ds of pieces) for (const d of ds) n += d.length;
  if (n < 0) throw new Error("unreachable");
}, ROUNDS);
const sseMs = time(() => {
  for (const evs of sse) {
    const t = createSseWatermarkTransform("anthropic.messages", wm);
    t.push(head);
    for (const e of evs) t.push(e);
    t.push(tail);
    t.end();
  }
}, ROUNDS);
const deltaCount = pieces.reduce((a, d) => a + d.length, 0);
out(
  `## Watermark cost (${texts.length} real answers, ${(bytes / 1024).toFixed(0)} KB of text, ${deltaCount} deltas of 2 words)\n`,
);
out("| path | time per KB of text | per delta |");
out("| --- | ---: | ---: |");
out(
  `| text stream (push per delta) | ${((textMs * 1000) / (bytes / 1024)).toFixed(1)} µs | ${((textMs * 1000) / deltaCount).toFixed(2)} µs |`,
);
out(
  `| Anthropic SSE transform (${(sseBytes / 1024).toFixed(0)} KB of SSE) | ${((sseMs * 1000) / (bytes / 1024)).toFixed(1)} µs | ${((sseMs * 1000) / deltaCount).toFixed(2)} µs |`,
);
out(`| pass-through loop (baseline) | ${((passMs * 1000) / (bytes / 1024)).toFixed(2)} µs | |`);

// ---- Receipts ----
out("\n## Receipt signing throughput (one core, Ed25519, RFC 6962 tree per batch)\n");
out("| batch size | receipts / s | signatures / s |");
out("| ---: | ---: | ---: |");
const keys = KeyRing.memory();
const inputs = Array.from({ length: 4096 }, (_, i) => ({
  requestHash: sha256Hex(`req ${i}`),
  responseHash: sha256Hex(`res ${i}`),
  textHash: sha256Hex(`text ${i}`),
  account_id: `acct_${i % 97}`,
  model: "claude-sonnet-4-5",
  key_id: "wm-0123456789abcdef",
}));
for (const batch of [1, 16, 256, 4096]) {
  const signer = new ReceiptSigner({ keys, maxBatch: batch, maxDelayMs: 60_000, keep: 10_000 });
  const total = batch === 1 ? 2000 : 16384;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < total; i++) signer.sign(inputs[i % inputs.length] as (typeof inputs)[number]);
  signer.flush();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  out(`| ${batch} | ${Math.round(total / s)} | ${Math.round(total / batch / s)} |`);
}

// ---- Verification ----
const signer = new ReceiptSigner({ keys, maxBatch: 4096, maxDelayMs: 60_000 });
const pending = inputs.map((x) => signer.sign(x).receipt);
signer.flush();
const receipts = await Promise.all(pending);
const jwks = keys.jwks();
const N = 2000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < N; i++) {
  const r = verifyReceipt(receipts[i % receipts.length] as (typeof receipts)[number], jwks, {
    text: `text ${i % receipts.length}`,
  });
  if (!r.ok) throw new Error("verification failed");
}
const us = Number(process.hrtime.bigint() - t0) / 1e3 / N;
out(
  `\nVerifying one receipt offline (Ed25519 signature, 12-step inclusion proof in a 4096-leaf tree, text hash): ${us.toFixed(0)} µs.`,
);
