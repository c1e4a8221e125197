import { createHash } from "node:crypto";
import { Worker } from "node:worker_threads";
import { type Decision, type DetectorConfig, defaultConfig } from "../detect/index.js";
import { joinsSignature, requestKeys } from "../detect/signature.js";
import type { DetectionReport } from "../events/report.js";
import type { ClientInfo, ExchangeEvent } from "../events/types.js";
import type { Action, ClockSpec, DecisionTable } from "../gateway/policy/index.js";
import type { LiveEvent, LiveReply, LiveRequest, LiveWorkerOptions } from "./worker.js";

export interface LiveDetectorOptions {
  decisions: DecisionTable;
  config?: DetectorConfig | null;
  /** Events held while the detector is busy; beyond this, new events are dropped and counted. */
  queueMax?: number;
  /** Longest time an event waits before its batch goes to the detector (ms). */
  batchMs?: number;
  batchMax?: number;
  /** Wall-clock interval of the detector's periodic passes (ms). */
  tickMs?: number;
  /** Simulated clock for the detector's passes (default: the wall clock). */
  clock?: ClockSpec | null;
  /** Called for every verdict change after it was applied (alerts, console). */
  onDecision?: (d: Decision) => void;
}

export interface LiveDetectorStats {
  received: number;
  processed: number;
  dropped: number;
  queued: number;
  inFlight: number;
  decisions: number;
  errors: number;
  lastError: string | null;
  /** Event time to detector processing, for the last batch (ms). */
  lagMs: number;
  /** Keys in enforced campaigns' signatures, as known to the gateway. */
  signatureKeys: number;
  /** Accounts linked to an enforced campaign by the gateway before their request was served. */
  signatureJoins: number;
}

/** The account attributes the signature check reads (a gateway account record). */
export interface SignatureAccount {
  org_id: string | null;
  created_at: string;
  payment_fingerprint?: string | null;
  email_domain?: string | null;
}

/** Support reference shown to a blocked customer: derived, not revealing, stable per decision. */
export function supportRef(subject: string, timeMs: number): string {
  return `DG-${createHash("sha256").update(`${subject}:${timeMs}`).digest("hex").slice(0, 10).toUpperCase()}`;
}

const ACTIONS: Record<string, Action> = {
  allow: "allow",
  monitor: "monitor",
  review: "review",
  throttle: "throttle",
  block: "block",
};

/**
 * The live loop: the gateway's events go to the detector (a worker thread) through a bounded queue,
 * and its verdict changes come back into the gateway's decision table, normally within a few
 * hundred milliseconds. A slow detector never slows serving: at most `queueMax` events wait; the
 * rest are dropped and counted (visible in stats and /metrics).
 */
export class LiveDetector {
  private queue: LiveEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private readonly worker: Worker;
  private reportSeq = 0;
  private readonly pendingReports = new Map<
    number,
    (r: { report: DetectionReport; stats: unknown }) => void
  >();
  private readonly s: LiveDetectorStats = {
    received: 0,
    processed: 0,
    dropped: 0,
    queued: 0,
    inFlight: 0,
    decisions: 0,
    errors: 0,
    lastError: null,
    lagMs: 0,
    signatureKeys: 0,
    signatureJoins: 0,
  };
  /** Signature key -> enforced campaign id, mirrored from the engine. */
  private readonly owners = new Map<number, string>();
  private readonly cfg: DetectorConfig;
  private readonly queueMax: number;
  private readonly batchMs: number;
  private readonly batchMax: number;
  /** At most this many batches posted and not yet answered, so the queue (not the worker) absorbs bursts. */
  private static readonly MAX_IN_FLIGHT = 4;

  constructor(private readonly opts: LiveDetectorOptions) {
    this.cfg = opts.config ?? defaultConfig();
    this.queueMax = opts.queueMax ?? 100_000;
    // On an accelerated clock (the demo's replay) a wall-clock window lasts `speed` times longer in
    // the gateway's time, and a relay would get that many more requests through before a verdict
    // lands: shrink the batch window and the tick so the detector sees traffic about as promptly, in
    // the gateway's time, as it does live.
    const speed = Math.max(1, opts.clock?.speed ?? 1);
    this.batchMs = opts.batchMs ?? Math.max(1, Math.round(50 / speed));
    this.batchMax = opts.batchMax ?? 1000;
    const data: LiveWorkerOptions = {
      config: opts.config ?? null,
      tickMs: opts.tickMs ?? Math.max(10, Math.round(250 / speed)),
      clock: opts.clock ?? null,
    };
    this.worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: data });
    this.worker.unref();
    this.worker.on("message", (m: LiveReply) => this.onReply(m));
    this.worker.on("error", (err) => {
      this.s.errors++;
      this.s.lastError = `detector thread: ${err.message}`;
    });
  }

  /** The gateway's event listener: O(1), never throws. */
  readonly onEvent = (event: ExchangeEvent, rawRequest: string): void => {
    this.s.received++;
    if (event.account_id === "unauthenticated") return;
    if (this.queue.length >= this.queueMax) {
      this.s.dropped++;
      return;
    }
    const { request, ...rest } = event;
    this.queue.push({ event: rest, rawRequest: rawRequest || JSON.stringify(request) });
    if (this.queue.length >= this.batchMax) this.pump();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, this.batchMs);
      this.timer.unref();
    }
  };

  stats(): LiveDetectorStats {
    return { ...this.s, queued: this.queue.length, inFlight: this.inFlight, signatureKeys: this.owners.size };
  }

  /**
   * The enforced campaign this request's account joins before it is served: the request's network
   * and identity keys (client prefix, ASN, TLS + user agent, card, creation window, mail domain,
   * org) checked against the campaigns' signatures by the engine's own rule (detect/signature.ts),
   * so a fresh account of a known campaign is refused on its very first request instead of after
   * the detector has seen it. Null when none matches; one size check while no campaign is enforced.
   */
  readonly matchSignature = (account: SignatureAccount, client: ClientInfo): string | null => {
    if (this.owners.size === 0) return null;
    const { keys, types } = requestKeys(
      {
        ip: client.ip,
        asn: client.asn,
        tlsFingerprint: client.tls_fingerprint,
        userAgent: client.user_agent,
        paymentFingerprint: account.payment_fingerprint,
        createdAt: account.created_at,
        emailDomain: account.email_domain,
        orgId: account.org_id,
      },
      this.cfg,
    );
    for (const k of keys) {
      const c = this.owners.get(k);
      if (c === undefined) continue;
      if (joinsSignature(keys, types, (x) => this.owners.get(x) === c, this.cfg)) {
        this.s.signatureJoins++;
        return c;
      }
    }
    return null;
  };

  /** The detector's current report (accounts, campaigns, reasons). */
  report(): Promise<{ report: DetectionReport; stats: unknown }> {
    const id = ++this.reportSeq;
    return new Promise((resolve) => {
      this.pendingReports.set(id, resolve);
      this.worker.postMessage({ type: "report", id } satisfies LiveRequest);
    });
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.worker.postMessage({ type: "close" } satisfies LiveRequest);
    await this.worker.terminate();
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < LiveDetector.MAX_IN_FLIGHT) {
      const events = this.queue.splice(0, this.batchMax);
      this.inFlight++;
      this.worker.postMessage({ type: "events", events } satisfies LiveRequest);
    }
  }

  private onReply(m: LiveReply): void {
    if (m.type === "report") {
      this.pendingReports.get(m.id)?.({ report: m.report, stats: m.stats });
      this.pendingReports.delete(m.id);
      return;
    }
    if (m.type === "error") {
      this.s.errors++;
      this.s.lastError = m.message;
      return;
    }
    if (m.processed > 0) {
      this.inFlight = Math.max(0, this.inFlight - 1);
      this.s.processed += m.processed;
      this.s.lagMs = m.lagMs;
    }
    for (const [key, campaignId] of m.signature) this.owners.set(key, campaignId);
    for (const d of m.decisions) this.apply(d);
    this.pump();
  }

  /** Writes one verdict change into the gateway's decision table. */
  private apply(d: Decision): void {
    this.s.decisions++;
    const table = this.opts.decisions;
    const action = ACTIONS[d.verdict] ?? "allow";
    const input = {
      action: action === "allow" && d.protect ? ("protect" as const) : action,
      reasonCode: d.reasons[0]?.id ?? d.verdict,
      ref: supportRef(d.id, d.timeMs),
      source: "detector" as const,
      protect: d.protect,
      ...(d.campaignId ? { campaignId: d.campaignId } : {}),
    };
    if (d.scope === "campaign") {
      if (action === "allow" && !d.protect) table.clearCampaign(d.id, "detector");
      else table.setCampaign(d.id, input);
    } else {
      if (d.campaignId) table.link(d.id, d.campaignId);
      if (action === "allow" && !d.protect) table.clearAccount(d.id, "detector");
      else table.setAccount(d.id, input);
    }
    try {
      this.opts.onDecision?.(d);
    } catch {
      this.s.errors++;
    }
  }
}
