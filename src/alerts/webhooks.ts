import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { request } from "undici";

/** What an alert is about. */
export type AlertKind = "campaign.detected" | "campaign.grew" | "campaign.escalated";

export interface Alert {
  /** Unique per delivery attempt group; receivers dedupe on it. */
  id: string;
  kind: AlertKind;
  time: string;
  campaign_id: string;
  verdict: string;
  previous_verdict: string | null;
  accounts: number;
  /** Short reason texts (never prompts). */
  reasons: string[];
  /** Where an analyst can look (console URL), when known. */
  link: string | null;
}

export interface WebhookTarget {
  url: string;
  /** HMAC-SHA256 secret; the signature header is omitted when absent. */
  secret: string | null;
  /** "json" posts the alert; "slack" posts a Slack incoming-webhook message. */
  format: "json" | "slack";
}

export interface DeliveryOptions {
  /** Attempts per alert and target, the first included. */
  maxAttempts: number;
  /** First retry delay (ms); doubles each time, with ±20 % jitter. */
  backoffMs: number;
  /** Per-attempt timeout (ms). */
  timeoutMs: number;
}

export interface DeliveryStats {
  sent: number;
  delivered: number;
  retried: number;
  failed: number;
  lastError: string | null;
}

/** The header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = "x-distillguard-signature";

/** Signs a body for a webhook receiver. */
export function signBody(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * Verifies a signature header as a receiver would: constant-time comparison, and a tolerance on
 * the timestamp against replays. Exported so receivers in Node can reuse it.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(header.split(",").map((kv) => kv.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isFinite(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !parts.v1) return false;
  const expected = Buffer.from(signBody(secret, body, t).split("v1=")[1]!, "hex");
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A Slack incoming-webhook message for an alert. */
export function slackMessage(a: Alert): { text: string } {
  const head =
    a.kind === "campaign.detected"
      ? `:rotating_light: New distillation campaign ${a.campaign_id}`
      : a.kind === "campaign.escalated"
        ? `:arrow_up: Campaign ${a.campaign_id} escalated ${a.previous_verdict ?? "?"} → ${a.verdict}`
        : `:chart_with_upwards_trend: Campaign ${a.campaign_id} grew to ${a.accounts} accounts`;
  const lines = [head, `verdict: *${a.verdict}*, accounts: ${a.accounts}`];
  for (const r of a.reasons.slice(0, 3)) lines.push(`• ${r}`);
  if (a.link) lines.push(a.link);
  return { text: lines.join("\n") };
}

export function newAlertId(): string {
  return `alrt_${randomUUID().replaceAll("-", "")}`;
}

/**
 * Delivers alerts to webhook targets in the background: signed, retried with exponential backoff on
 * network errors, timeouts, 429 and 5xx (other 4xx answers are final), never blocking the caller.
 */
export class WebhookDispatcher {
  readonly stats: DeliveryStats = { sent: 0, delivered: 0, retried: 0, failed: 0, lastError: null };
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly targets: readonly WebhookTarget[],
    private readonly opts: DeliveryOptions = { maxAttempts: 6, backoffMs: 500, timeoutMs: 5000 },
  ) {}

  /** Queues an alert for every target. */
  send(alert: Alert): void {
    for (const target of this.targets) {
      const p = this.deliver(target, alert).finally(() => this.pending.delete(p));
      this.pending.add(p);
    }
  }

  /** Resolves when every queued delivery has succeeded or given up. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async deliver(target: WebhookTarget, alert: Alert): Promise<void> {
    const body = JSON.stringify(target.format === "slack" ? slackMessage(alert) : alert);
    for (let attempt = 1; attempt <= this.opts.maxAttempts; attempt++) {
      this.stats.sent++;
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "user-agent": "distillguard-webhooks/1",
        "x-distillguard-event-id": alert.id,
        "x-distillguard-event": alert.kind,
        "x-distillguard-attempt": String(attempt),
      };
      if (target.secret)
        headers[SIGNATURE_HEADER] = signBody(target.secret, body, Math.floor(Date.now() / 1000));
      let retryable = true;
      try {
        const res = await request(target.url, {
          method: "POST",
          headers,
          body,
          headersTimeout: this.opts.timeoutMs,
          bodyTimeout: this.opts.timeoutMs,
        });
        await res.body.dump();
        if (res.statusCode >= 200 && res.statusCode < 300) {
          this.stats.delivered++;
          return;
        }
        retryable = res.statusCode === 429 || res.statusCode >= 500;
        this.stats.lastError = `${target.url}: HTTP ${res.statusCode}`;
      } catch (err) {
        this.stats.lastError = `${target.url}: ${(err as Error).message}`;
      }
      if (!retryable || attempt === this.opts.maxAttempts) break;
      this.stats.retried++;
      const delay = this.opts.backoffMs * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4);
      await new Promise((r) => setTimeout(r, delay).unref());
    }
    this.stats.failed++;
  }
}
