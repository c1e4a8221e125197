/**
 * Live-loop queue behaviour: measures the detector thread's sustained rate, then offers a burst
 * ten times that rate for a few seconds and reports what was processed, queued and dropped.
 * Usage: npm run build && node dist/bench/live/burst.js [--seconds 5] [--queue 50000]
 */
import { parseArgs } from "node:util";
import {
  accountEvents,
  byTime,
  evalOrgAccounts,
  hydraAccounts,
  legitAccounts,
  rng,
  T0,
} from "../../src/detect/fixtures.js";
import type { ExchangeEvent } from "../../src/events/types.js";
import { DecisionTable } from "../../src/gateway/policy/index.js";
import { LiveDetector } from "../../src/live/live-detector.js";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "5" }, queue: { type: "string", default: "50000" } },
});
const seconds = Number(values.seconds);
const queueMax = Number(values.queue);

function traffic(seed: number): { event: ExchangeEvent; raw: string }[] {
  const r = rng(seed);
  const lists = [
    ...legitAccounts(300, r).map((a) => accountEvents(a, T0, 60, r)),
    ...evalOrgAccounts(20).map((a) => accountEvents(a, T0, 200, r)),
    ...hydraAccounts(60, r).map((a) => accountEvents(a, T0 + 3_600_000, 200, r)),
  ];
  return byTime(lists).map((event) => ({ event, raw: JSON.stringify(event.request) }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function drain(live: LiveDetector): Promise<void> {
  while (live.stats().queued > 0 || live.stats().inFlight > 0) await sleep(5);
}

const events = traffic(11);
// 1. Sustained rate: offer everything with an unbounded queue and time the processing.
const calib = new LiveDetector({ decisions: new DecisionTable(), queueMax: Number.MAX_SAFE_INTEGER });
const t0 = performance.now();
for (const e of events) calib.onEvent(e.event, e.raw);
await drain(calib);
const rate = events.length / ((performance.now() - t0) / 1000);
await calib.close();

// 2. Burst: offer 10× that rate for `seconds`, in 10 ms slices, with the configured bound.
const live = new LiveDetector({ decisions: new DecisionTable(), queueMax });
const offeredPerSlice = Math.ceil((rate * 10) / 100);
let offered = 0;
let maxQueued = 0;
const end = performance.now() + seconds * 1000;
let i = 0;
while (performance.now() < end) {
  for (let k = 0; k < offeredPerSlice; k++) {
    const e = events[i++ % events.length]!;
    live.onEvent(e.event, e.raw);
    offered++;
  }
  maxQueued = Math.max(maxQueued, live.stats().queued);
  await sleep(10);
}
const burstWall = seconds;
await drain(live);
const s = live.stats();
await live.close();

const out = {
  date: new Date().toISOString(),
  detector_rate_events_per_s: Math.round(rate),
  burst: {
    offered_per_s: Math.round(offered / burstWall),
    seconds,
    queue_max: queueMax,
    received: s.received,
    processed: s.processed,
    dropped: s.dropped,
    max_queued: maxQueued,
    accounted_for: s.processed + s.dropped === s.received,
  },
};
console.log(JSON.stringify(out, null, 2));
