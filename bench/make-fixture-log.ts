/**
 * Writes a synthetic log of N events (fixture populations: organic accounts, hydras, a verified eval
 * org) for throughput runs when no simulator log is at hand.
 * Usage: node dist/bench/make-fixture-log.js OUT.jsonl N
 */
import { createWriteStream } from "node:fs";
import {
  accountEvents,
  evalOrgAccounts,
  type FixtureAccount,
  hydraAccounts,
  legitAccounts,
  rng,
  T0,
} from "../src/detect/fixtures.js";

const out = process.argv[2];
const total = Number(process.argv[3] ?? 1_000_000);
if (!out) {
  process.stderr.write("usage: make-fixture-log OUT.jsonl N\n");
  process.exit(2);
}
const r = rng(42);
const accounts: { a: FixtureAccount; share: number }[] = [];
const nLegit = Math.max(100, Math.round(total / 150));
for (const a of legitAccounts(nLegit, r)) accounts.push({ a, share: 0.6 / nLegit });
for (let h = 0; h < 4; h++) {
  for (const a of hydraAccounts(Math.max(20, Math.round(total / 4000)), r, `hydra${h}`))
    accounts.push({ a, share: 0 });
}
const hydraCount = accounts.length - nLegit;
for (const x of accounts) if (x.share === 0) x.share = 0.35 / hydraCount;
for (const a of evalOrgAccounts(20)) accounts.push({ a, share: 0.05 / 20 });
// interleave: each account emits its events over one simulated week; merge by time in chunks
const span = 7 * 86_400_000;
const stream = createWriteStream(out);
const perAccount = accounts.map((x) => Math.max(1, Math.round(x.share * total)));
const heads = accounts.map(() => 0);
const BATCH = 4096;
let written = 0;
// produce events in time slices of one hour
const slices = Math.ceil(span / 3_600_000);
for (let s = 0; s < slices; s++) {
  const slice = [];
  for (let i = 0; i < accounts.length; i++) {
    const due = Math.round((perAccount[i]! * (s + 1)) / slices) - heads[i]!;
    if (due <= 0) continue;
    const a = { ...accounts[i]!.a, every: 3600 / due, jitter: 0.5 };
    const evs = accountEvents(a, T0 + s * 3_600_000, due, r);
    const sliceEnd = T0 + (s + 1) * 3_600_000 - 1;
    for (const e of evs) {
      e.id = `${a.id}-${heads[i]!++}`;
      if (Date.parse(e.time) > sliceEnd) e.time = new Date(sliceEnd).toISOString();
      slice.push(e);
    }
  }
  slice.sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0));
  let buf = "";
  for (let k = 0; k < slice.length; k++) {
    buf += `${JSON.stringify(slice[k])}\n`;
    if (k % BATCH === BATCH - 1) {
      if (!stream.write(buf)) await new Promise<void>((res) => stream.once("drain", () => res()));
      buf = "";
    }
  }
  if (buf) stream.write(buf);
  written += slice.length;
}
stream.end();
await new Promise<void>((res) => stream.on("finish", () => res()));
process.stderr.write(`wrote ${written} events for ${accounts.length} accounts to ${out}\n`);
