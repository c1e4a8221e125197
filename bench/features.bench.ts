/**
 * Per-request feature extraction time for a 2 KB prompt (median and p99 over many runs).
 * Usage: node dist/bench/features.bench.js
 */

import { extractFeatures } from "../src/detect/features.js";
import type { ExchangeEvent } from "../src/events/types.js";

const words =
  "the quick brown fox jumps over the lazy dog while Alice computes 42 results step by step in python code and explains why".split(
    " ",
  );
function prompt(seed: number): string {
  let s = "";
  let i = seed;
  while (s.length < 2048) {
    s += `${words[i % words.length]}${i % 13 === 0 ? ". " : " "}`;
    i = (i * 31 + 7) % 1009;
  }
  return JSON.parse(JSON.stringify(s.slice(0, 2048)));
}
const events: ExchangeEvent[] = [];
for (let k = 0; k < 64; k++) {
  events.push({
    id: `e${k}`,
    time: "2026-02-01T00:00:00.000Z",
    account_id: "a",
    api: "anthropic.messages",
    request: {
      model: "m",
      system: "You are a helpful assistant.",
      max_tokens: 1024,
      messages: [{ role: "user", content: prompt(k) }],
    },
    response: { status: 200 },
    client: { ip: "1.2.3.4", user_agent: "anthropic-python/0.40.0", tls_fingerprint: "t13d", country: "US" },
  });
}
const N = 50_000;
for (let i = 0; i < 5000; i++) extractFeatures(events[i % 64]!); // warm-up
const times = new Float64Array(N);
for (let i = 0; i < N; i++) {
  const t0 = process.hrtime.bigint();
  extractFeatures(events[i % 64]!);
  times[i] = Number(process.hrtime.bigint() - t0) / 1000;
}
times.sort();
console.log(
  JSON.stringify({
    prompt_chars: 2048,
    median_us: Math.round(times[N >> 1]! * 10) / 10,
    p90_us: Math.round(times[Math.floor(N * 0.9)]! * 10) / 10,
    p99_us: Math.round(times[Math.floor(N * 0.99)]! * 10) / 10,
  }),
);
