/**
 * The live detector's thread: hosts one DetectionEngine, folds in the gateway's events as they
 * arrive, runs its periodic passes on the wall clock, and sends every verdict change back.
 * Serving never waits for it: the gateway only posts batches.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type Decision, DetectionEngine, type DetectorConfig, defaultConfig } from "../detect/index.js";
import type { DetectionReport } from "../events/report.js";
import type { ExchangeEvent } from "../events/types.js";
import { type ClockSpec, clockOf } from "../gateway/policy/clock.js";

export interface LiveWorkerOptions {
  config: DetectorConfig | null;
  /** Wall-clock interval of the engine's periodic passes (ms). */
  tickMs: number;
  /** The gateway's clock when it is simulated (accelerated replay); null for the wall clock. */
  clock: ClockSpec | null;
}

/** One exchange: the event without its request, and the request body as received. */
export interface LiveEvent {
  event: Omit<ExchangeEvent, "request">;
  rawRequest: string;
}

export type LiveRequest =
  | { type: "events"; events: LiveEvent[] }
  | { type: "report"; id: number }
  | { type: "close" };

export type LiveReply =
  | {
      type: "decisions";
      decisions: Decision[];
      processed: number;
      lagMs: number;
      /** Keys newly added to enforced campaigns' signatures, with the campaign id. */
      signature: [key: number, campaignId: string][];
    }
  | { type: "report"; id: number; report: DetectionReport; stats: ReturnType<DetectionEngine["stats"]> }
  | { type: "error"; message: string };

function parseRequest(raw: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

if (parentPort) {
  const port = parentPort;
  const opts = workerData as LiveWorkerOptions;
  // Live, the engine is ticked by the wall clock (below), not by event time.
  const engine = new DetectionEngine(opts.config ?? defaultConfig(), {
    autoTick: false,
    exportSignature: true,
  });
  const clock = clockOf(opts.clock);
  const send = (decisions: Decision[], processed: number, lagMs: number) => {
    const signature = engine.drainSignature();
    if (decisions.length > 0 || processed > 0 || signature.length > 0) {
      port.postMessage({ type: "decisions", decisions, processed, lagMs, signature } satisfies LiveReply);
    }
  };
  const timer = setInterval(() => {
    try {
      send(engine.tick(clock.now()), 0, 0);
    } catch (err) {
      port.postMessage({ type: "error", message: (err as Error).message } satisfies LiveReply);
    }
  }, opts.tickMs);
  port.on("message", (msg: LiveRequest) => {
    if (msg.type === "close") {
      clearInterval(timer);
      port.close();
      return;
    }
    if (msg.type === "report") {
      port.postMessage({
        type: "report",
        id: msg.id,
        report: engine.report(),
        stats: engine.stats(),
      } satisfies LiveReply);
      return;
    }
    const out: Decision[] = [];
    let lag = 0;
    for (const e of msg.events) {
      try {
        const event = { ...e.event, request: parseRequest(e.rawRequest) } as ExchangeEvent;
        for (const d of engine.ingest(event)) out.push(d);
        lag = Math.max(lag, clock.now() - Date.parse(event.time));
      } catch (err) {
        port.postMessage({ type: "error", message: (err as Error).message } satisfies LiveReply);
      }
    }
    send(out, msg.events.length, lag);
  });
}
