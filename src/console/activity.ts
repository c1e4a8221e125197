/**
 * What the console knows about traffic, from its own gateway event listener: a bounded ring of
 * 10-second buckets (requests, outcomes, enforcement) for the overview, and a bounded per-account
 * profile (counts, recent buckets, network and payment attributes, template digests, and sample
 * prompts only when the retention setting keeps text). Nothing here blocks serving: each event is a
 * handful of Map updates.
 */
import { createHash } from "node:crypto";
import type { ExchangeEvent } from "../events/types.js";

/** Width of one traffic bucket (ms). */
export const BUCKET_MS = 10_000;

export interface TrafficBucket {
  /** Bucket start, ms since epoch. */
  t: number;
  requests: number;
  ok: number;
  /** 4xx other than blocks and rate limits. */
  client_errors: number;
  /** 403 from an enforcement block. */
  blocked: number;
  /** 429 (rate or concurrency limits, including throttled accounts). */
  limited: number;
  server_errors: number;
  /** Verdict changes from the detector, by new verdict. */
  verdicts: Record<string, number>;
}

/** Attributes the account graph links on (values are as recorded, never secrets). */
export type LinkType = "payment" | "org" | "template" | "ip_prefix" | "tls_ua" | "email_domain";

export interface AccountActivity {
  account_id: string;
  org_id: string | null;
  first_seen: number;
  last_seen: number;
  requests: number;
  statuses: Record<string, number>;
  models: Record<string, number>;
  apis: Record<string, number>;
  input_tokens: number;
  output_tokens: number;
  /** Recent 10-second buckets: [start ms, requests, blocked]. */
  series: [number, number, number][];
  attrs: Record<LinkType, string[]>;
  user_agents: string[];
  countries: string[];
  account: ExchangeEvent["account"] | null;
  /** Last prompts (truncated), only with retention "full". */
  samples: { time: string; text: string }[];
}

export interface ActivityOptions {
  /** Keep sample prompts (only when the deployment retains text). */
  keepSamples: boolean;
  /** Buckets in the overview ring (default 6 h of 10 s buckets). */
  ringSize?: number;
  /** Most accounts profiled; the least recently active is dropped beyond it. */
  maxAccounts?: number;
  /** Buckets kept per account. */
  accountBuckets?: number;
}

const ATTR_MAX = 8;
const SAMPLE_MAX = 5;
const SAMPLE_CHARS = 400;

function addBounded(list: string[], v: string | null | undefined, max = ATTR_MAX): void {
  if (!v || list.includes(v)) return;
  list.push(v);
  if (list.length > max) list.shift();
}

function inc(o: Record<string, number>, k: string): void {
  o[k] = (o[k] ?? 0) + 1;
}

/** The /24 (IPv4) or /48 (IPv6) prefix of an address. */
export function ipPrefix(ip: string): string {
  if (ip.includes(":")) return `${ip.split(":").slice(0, 3).join(":")}::/48`;
  const p = ip.split(".");
  return p.length === 4 ? `${p[0]}.${p[1]}.${p[2]}.0/24` : ip;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content
      .map((b) =>
        typeof b === "object" && b !== null && typeof (b as { text?: unknown }).text === "string"
          ? (b as { text: string }).text
          : "",
      )
      .join(" ");
  return "";
}

/** The system prompt of a request in either dialect ("" if none). */
export function systemPrompt(request: Record<string, unknown>): string {
  if (request.system !== undefined) return textOf(request.system);
  const msgs = Array.isArray(request.messages) ? request.messages : [];
  const sys = msgs.find(
    (m) => typeof m === "object" && m !== null && (m as { role?: unknown }).role === "system",
  );
  return sys ? textOf((sys as { content?: unknown }).content) : "";
}

function lastUserPrompt(request: Record<string, unknown>): string {
  const msgs = Array.isArray(request.messages) ? request.messages : [];
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i] as { role?: unknown; content?: unknown } | null;
    if (m && m.role === "user") return textOf(m.content);
  }
  return "";
}

const digestCache = new Map<string, string>();

/** Short digest naming a template (a system prompt); equal prompts give equal digests. */
export function templateDigest(text: string): string {
  const hit = digestCache.get(text);
  if (hit !== undefined) return hit;
  const d = `tpl-${createHash("sha256").update(text).digest("hex").slice(0, 12)}`;
  if (digestCache.size >= 1024) digestCache.clear();
  digestCache.set(text, d);
  return d;
}

/** Traffic ring and per-account profiles, fed by `onEvent`. */
export class Activity {
  private readonly ring: TrafficBucket[];
  private readonly accounts = new Map<string, AccountActivity>();
  private readonly ringSize: number;
  private readonly maxAccounts: number;
  private readonly accountBuckets: number;
  private totalRequests = 0;

  constructor(private readonly opts: ActivityOptions) {
    this.ringSize = opts.ringSize ?? 2160;
    this.maxAccounts = opts.maxAccounts ?? 50_000;
    this.accountBuckets = opts.accountBuckets ?? 360;
    this.ring = [];
  }

  /** The gateway event listener. */
  readonly onEvent = (event: ExchangeEvent): void => {
    const ms = Date.parse(event.time);
    const t = Number.isFinite(ms) ? ms : Date.now();
    const b = this.bucket(t);
    const status = event.response.status;
    const code = event.response.error_code ?? null;
    b.requests++;
    this.totalRequests++;
    const blocked = status === 403 && code === "DG_ACCOUNT_BLOCKED";
    if (status >= 200 && status < 300) b.ok++;
    else if (blocked) b.blocked++;
    else if (status === 429) b.limited++;
    else if (status >= 500) b.server_errors++;
    else b.client_errors++;
    if (event.account_id !== "unauthenticated") this.profile(event, t, blocked);
  };

  /** Counts a detector verdict change in the current bucket. */
  noteVerdict(verdict: string, timeMs: number): void {
    inc(this.bucket(timeMs).verdicts, verdict);
  }

  /** Buckets from `sinceMs` (oldest first), merged `step` at a time. */
  series(sinceMs: number, step = 1): TrafficBucket[] {
    const out: TrafficBucket[] = [];
    for (const b of this.ring) {
      if (b.t < sinceMs) continue;
      const start = Math.floor(b.t / (BUCKET_MS * step)) * BUCKET_MS * step;
      let cur = out.at(-1);
      if (!cur || cur.t !== start) {
        cur = { ...emptyBucket(start), verdicts: {} };
        out.push(cur);
      }
      cur.requests += b.requests;
      cur.ok += b.ok;
      cur.client_errors += b.client_errors;
      cur.blocked += b.blocked;
      cur.limited += b.limited;
      cur.server_errors += b.server_errors;
      for (const [k, v] of Object.entries(b.verdicts)) cur.verdicts[k] = (cur.verdicts[k] ?? 0) + v;
    }
    return out;
  }

  /** One account's profile, or null. */
  account(id: string): AccountActivity | null {
    return this.accounts.get(id) ?? null;
  }

  get stats(): { accounts: number; requests: number } {
    return { accounts: this.accounts.size, requests: this.totalRequests };
  }

  private bucket(t: number): TrafficBucket {
    const start = Math.floor(t / BUCKET_MS) * BUCKET_MS;
    const last = this.ring.at(-1);
    if (last && last.t === start) return last;
    if (last && start < last.t) {
      // a late event: find its bucket, or count it in the oldest kept
      for (let i = this.ring.length - 1; i >= 0; i--) if (this.ring[i]!.t <= start) return this.ring[i]!;
      return this.ring[0]!;
    }
    const b = emptyBucket(start);
    this.ring.push(b);
    if (this.ring.length > this.ringSize) this.ring.shift();
    return b;
  }

  private profile(e: ExchangeEvent, t: number, blocked: boolean): void {
    let a = this.accounts.get(e.account_id);
    if (a) {
      this.accounts.delete(e.account_id);
    } else {
      a = {
        account_id: e.account_id,
        org_id: e.org_id ?? null,
        first_seen: t,
        last_seen: t,
        requests: 0,
        statuses: {},
        models: {},
        apis: {},
        input_tokens: 0,
        output_tokens: 0,
        series: [],
        attrs: { payment: [], org: [], template: [], ip_prefix: [], tls_ua: [], email_domain: [] },
        user_agents: [],
        countries: [],
        account: null,
        samples: [],
      };
      if (this.accounts.size >= this.maxAccounts) {
        const oldest = this.accounts.keys().next().value;
        if (oldest !== undefined) this.accounts.delete(oldest);
      }
    }
    this.accounts.set(e.account_id, a);
    a.last_seen = Math.max(a.last_seen, t);
    a.requests++;
    inc(a.statuses, String(e.response.status));
    inc(a.apis, e.api);
    const model = typeof e.request.model === "string" ? e.request.model.slice(0, 64) : "(none)";
    inc(a.models, model);
    a.input_tokens += e.response.input_tokens ?? 0;
    a.output_tokens += e.response.output_tokens ?? 0;
    const start = Math.floor(t / BUCKET_MS) * BUCKET_MS;
    const last = a.series.at(-1);
    if (last && last[0] === start) {
      last[1]++;
      if (blocked) last[2]++;
    } else if (!last || start > last[0]) {
      a.series.push([start, 1, blocked ? 1 : 0]);
      if (a.series.length > this.accountBuckets) a.series.shift();
    }
    if (e.account) a.account = e.account;
    const c = e.client ?? {};
    addBounded(a.attrs.payment, e.account?.payment_fingerprint);
    addBounded(a.attrs.org, e.org_id);
    addBounded(a.attrs.email_domain, e.account?.email_domain);
    if (c.ip) addBounded(a.attrs.ip_prefix, ipPrefix(c.ip));
    const ua = c.user_agent ? c.user_agent.slice(0, 120) : null;
    addBounded(a.user_agents, ua);
    if (c.tls_fingerprint || ua) addBounded(a.attrs.tls_ua, `${c.tls_fingerprint ?? "-"}|${ua ?? "-"}`);
    addBounded(a.countries, c.country);
    const sys = systemPrompt(e.request);
    if (sys) addBounded(a.attrs.template, templateDigest(sys));
    if (this.opts.keepSamples) {
      const text = lastUserPrompt(e.request);
      if (text) {
        a.samples.push({ time: e.time, text: text.slice(0, SAMPLE_CHARS) });
        if (a.samples.length > SAMPLE_MAX) a.samples.shift();
      }
    }
  }
}

function emptyBucket(t: number): TrafficBucket {
  return { t, requests: 0, ok: 0, client_errors: 0, blocked: 0, limited: 0, server_errors: 0, verdicts: {} };
}
