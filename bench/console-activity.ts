/**
 * Cost of the console's gateway event listener (Activity.onEvent) per exchange: it runs on the
 * gateway's event loop after each response. Usage: npm run build && node dist/bench/console-activity.js
 * Prints ns/event for a 1 kB system prompt over 500 accounts (results in docs/console.md).
 */
import { Activity } from "../src/console/activity.js";
import type { ExchangeEvent } from "../src/events/types.js";

const activity = new Activity({ keepSamples: false });
const system = "You are an expert tutor. ".repeat(40);
const base = Date.now();
const events: ExchangeEvent[] = Array.from({ length: 1000 }, (_, i) => ({
  id: `e${i}`,
  time: new Date(base + i).toISOString(),
  account_id: `acct-${i % 500}`,
  org_id: null,
  api: "anthropic.messages",
  request: { model: "m", system, messages: [{ role: "user", content: `hello ${i}` }] },
  response: { status: 200, input_tokens: 10, output_tokens: 20 },
  client: { ip: `203.0.113.${i % 250}`, user_agent: "ua/1" },
  account: { payment_fingerprint: `p${i % 7}` },
}));
const N = 500_000;
for (let i = 0; i < 50_000; i++) activity.onEvent(events[i % 1000]!);
const t0 = process.hrtime.bigint();
for (let i = 0; i < N; i++) activity.onEvent(events[i % 1000]!);
const ns = Number(process.hrtime.bigint() - t0) / N;
process.stdout.write(
  `Activity.onEvent: ${ns.toFixed(0)} ns/event (1 kB system prompt, 500 accounts, ${N} events)\n`,
);
