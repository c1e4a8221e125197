/**
 * Per-request features, cheap enough for the hot path: prompt fingerprints, capability tags,
 * request shape and network attributes. Pure: a plain event in, a plain record out.
 */
import type { ExchangeEvent } from "../events/types.js";
import { capBit } from "./capabilities.js";
import { fingerprintCached, fingerprintText, SimHasher } from "./fingerprint.js";
import { hashString, mix2 } from "./hash.js";
import { ipPrefix, type NetClass, type NetworkLookup, uaFamily } from "./network.js";
import { requestParts } from "./text.js";

/** Everything the engine keeps from one exchange. */
export interface RequestFeatures {
  timeMs: number;
  accountId: string;
  orgId: string | null;
  model: string;
  /** Skeleton hash of the system prompt (0 when none). */
  sysKey: number;
  /** Skeleton of system + last user message: equal for fills of one template. */
  skeleton: number;
  /** System skeleton + first tokens of the user message (template wrapper at the start). */
  headKey: number;
  /** System skeleton + last tokens of the user message (template wrapper at the end). */
  tailKey: number;
  simHi: number;
  simLo: number;
  /** Capability tag bits (capabilities.ts). */
  caps: number;
  /** Request asks for visible reasoning (text cue, extended thinking or high reasoning effort). */
  cot: boolean;
  /** Hash of the request shape (max_tokens bucket, thinking, temperature, tools, stream). */
  shapeKey: number;
  maxTokens: number;
  turns: number;
  images: number;
  tools: number;
  promptChars: number;
  ip: string;
  prefix: string;
  asn: number | null;
  netClass: NetClass;
  country: string;
  userAgent: string;
  uaFamily: string;
  tls: string;
  createdMs: number;
  verified: boolean | null;
  payment: string;
  emailDomain: string;
  tier: string;
  status: number;
  /** The response says the account was banned or its key revoked. */
  banned: boolean;
  outputTokens: number;
}

const COT = capBit("cot");
const TOOL = capBit("tool_use");
const AGENT = capBit("agentic");
const VISION = capBit("vision");
const sim = new SimHasher();

function num(v: unknown, dflt: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : dflt;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function bucketTokens(n: number): number {
  return n <= 0 ? 0 : Math.min(16, Math.ceil(Math.log2(n)));
}

/** A refusal that means the account (or its key) was stopped, as opposed to a regional or rate refusal. */
function isBan(event: ExchangeEvent): boolean {
  const r = event.response;
  if (!r || (r.status !== 403 && r.status !== 401)) return false;
  const code = r.error_code;
  if (code) return code === "DG_ACCOUNT_BLOCKED" || code === "DG_REVOKED_KEY";
  return r.status === 403;
}

/** Extracts the features of one exchange. `lookup` resolves ASN / network class when the event lacks them. */
export function extractFeatures(event: ExchangeEvent, lookup?: NetworkLookup | null): RequestFeatures {
  const req = event.request;
  const parts = requestParts(req);
  sim.reset();
  const sys = parts.system ? fingerprintCached(parts.system, sim) : null;
  const user = fingerprintText(parts.user, sim);
  const sysKey = sys ? sys.skeleton : 0;
  let caps = user.tags | (sys ? sys.tags : 0);
  const tools = Array.isArray(req.tools) ? req.tools.length : 0;
  if (tools > 0 || parts.toolBlocks > 0) caps |= TOOL;
  if (parts.toolBlocks > 0 && parts.turns > 2) caps |= AGENT;
  if (parts.images > 0) caps |= VISION;
  const thinking = req.thinking as { type?: unknown; budget_tokens?: unknown } | undefined;
  const thinkingOn = typeof thinking === "object" && thinking !== null && thinking.type === "enabled";
  const effort = str(req.reasoning_effort);
  if (thinkingOn || effort === "high") caps |= COT;
  const maxTokens = num(req.max_tokens, num(req.max_completion_tokens, 0));
  const temperature = num(req.temperature, -1);
  const shapeKey = mix2(
    mix2(bucketTokens(maxTokens), thinkingOn ? 1 + bucketTokens(num(thinking?.budget_tokens, 0)) : 0),
    mix2(Math.round(temperature * 10) + (effort ? hashString(effort) : 0), tools * 2 + (req.stream ? 1 : 0)),
  );
  const client = event.client ?? {};
  const ip = str(client.ip);
  let asn = typeof client.asn === "number" ? client.asn : null;
  let netClass = (str(client.network) || "unknown") as NetClass;
  if (lookup && ip && (asn === null || netClass === "unknown")) {
    const hit = lookup.lookup(ip);
    if (hit) {
      if (asn === null) asn = hit.asn;
      if (netClass === "unknown") netClass = hit.netClass;
    }
  }
  const account = event.account ?? {};
  const ua = str(client.user_agent);
  const created = str(account.created_at);
  return {
    timeMs: Date.parse(event.time),
    accountId: event.account_id,
    orgId: event.org_id ?? null,
    model: str(req.model),
    sysKey,
    skeleton: mix2(sysKey, user.skeleton),
    headKey: mix2(sysKey, user.head),
    tailKey: mix2(sysKey ^ 0x7a11, user.tail),
    simHi: sim.hi(),
    simLo: sim.lo(),
    caps,
    cot: (caps & COT) !== 0,
    shapeKey,
    maxTokens,
    turns: parts.turns,
    images: parts.images,
    tools,
    promptChars: parts.system.length + parts.user.length,
    ip,
    prefix: ip ? ipPrefix(ip) : "",
    asn,
    netClass,
    country: str(client.country).toUpperCase(),
    userAgent: ua,
    uaFamily: uaFamily(ua),
    tls: str(client.tls_fingerprint),
    createdMs: created ? Date.parse(created) : Number.NaN,
    verified: typeof account.verified === "boolean" ? account.verified : null,
    payment: str(account.payment_fingerprint),
    emailDomain: str(account.email_domain).toLowerCase(),
    tier: str(account.tier).toLowerCase(),
    status: event.response?.status ?? 0,
    banned: isBan(event),
    outputTokens: num(event.response?.output_tokens, 0),
  };
}
