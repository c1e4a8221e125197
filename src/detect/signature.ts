/**
 * How one request's attributes become shared-attribute keys, and the rule by which an account's
 * keys tie it to an enforced campaign's signature. The engine applies the rule to every key an
 * account adds; the gateway applies it, with the same code, to a request before serving it, so a
 * fresh account of a known campaign can be refused on its very first request.
 */
import type { DetectorConfig } from "./config.js";
import { KeyType, type KeyTypeId, keyOfString } from "./keys.js";
import { ipPrefix } from "./network.js";

export const prefixKey = (prefix: string): number => keyOfString(KeyType.prefix, prefix);
export const asnKey = (asn: number): number => keyOfString(KeyType.asn, String(asn));
export const tlsUaKey = (tls: string, userAgent: string): number =>
  keyOfString(KeyType.tlsUa, `${tls}|${userAgent}`);
/** The key of a TLS stack over which an account sends user agents of a runtime that stack is never seen with. */
export const forgedStackKey = (tls: string): number => tlsUaKey(tls, "\u0000forged-runtime");
export const paymentKey = (fingerprint: string): number => keyOfString(KeyType.payment, fingerprint);
/** Creation-time bucket of an account (`creationWindowMin` wide). */
export const creationWindow = (createdMs: number, windowMin: number): number =>
  Math.floor(createdMs / (windowMin * 60_000));
export const creationKey = (window: number): number => keyOfString(KeyType.creation, String(window));
export const emailKey = (domain: string): number => keyOfString(KeyType.email, domain);
export const orgKey = (orgId: string): number => keyOfString(KeyType.org, orgId);

/** Link weight of a key type. */
export function typeWeight(t: number, w: DetectorConfig["linkWeights"]): number {
  switch (t) {
    case KeyType.template:
      return w.template;
    case KeyType.prefix:
      return w.prefix;
    case KeyType.asn:
      return w.asn;
    case KeyType.tlsUa:
      return w.tlsUa;
    case KeyType.payment:
      return w.payment;
    case KeyType.creation:
      return w.creation;
    case KeyType.email:
      return w.email;
    default:
      return w.org;
  }
}

/**
 * Whether keys (with their types) that belong to one enforced campaign's signature (`owned`) are
 * enough to join it — the same rule as a link between two accounts: identity evidence (template,
 * card, creation window, mail domain, org) plus infrastructure, or, without identity, a whole
 * shared network pool (prefixes, ASNs, client stacks up to 3x their weight).
 */
export function joinsSignature(
  keys: ArrayLike<number>,
  types: ArrayLike<number>,
  owned: (key: number) => boolean,
  cfg: DetectorConfig,
): boolean {
  const w = cfg.linkWeights;
  const best = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < keys.length; i++) {
    if (!owned(keys[i]!)) continue;
    const t = types[i]!;
    const v = typeWeight(t, w);
    if (t === KeyType.tlsUa || t === KeyType.prefix || t === KeyType.asn)
      best[t] = Math.min(3 * v, best[t]! + v);
    else best[t] = v;
  }
  const identity =
    best[KeyType.template]! +
    best[KeyType.payment]! +
    best[KeyType.creation]! +
    best[KeyType.email]! +
    best[KeyType.org]!;
  const infra = best[KeyType.prefix]! + best[KeyType.asn]! + best[KeyType.tlsUa]!;
  return identity >= cfg.identityMinLink ? identity + infra >= cfg.linkThreshold : infra >= cfg.infraOnlyLink;
}

/** What the gateway knows of a request before serving it: the client and the account. */
export interface RequestIdentity {
  ip?: string | null;
  asn?: number | null;
  tlsFingerprint?: string | null;
  userAgent?: string | null;
  paymentFingerprint?: string | null;
  createdAt?: string | null;
  emailDomain?: string | null;
  orgId?: string | null;
}

/**
 * The network and identity keys of one request, built exactly as the engine builds them from the
 * same event (features.ts + engine.addKeys); templates are left out (they need the prompt).
 */
export function requestKeys(r: RequestIdentity, cfg: DetectorConfig): { keys: number[]; types: KeyTypeId[] } {
  const keys: number[] = [];
  const types: KeyTypeId[] = [];
  const put = (k: number, t: KeyTypeId) => {
    keys.push(k);
    types.push(t);
  };
  const prefix = r.ip ? ipPrefix(r.ip) : "";
  if (prefix) put(prefixKey(prefix), KeyType.prefix);
  if (typeof r.asn === "number") put(asnKey(r.asn), KeyType.asn);
  const tls = r.tlsFingerprint ?? "";
  const ua = r.userAgent ?? "";
  if (tls || ua) put(tlsUaKey(tls, ua), KeyType.tlsUa);
  if (r.paymentFingerprint) put(paymentKey(r.paymentFingerprint), KeyType.payment);
  const created = r.createdAt ? Date.parse(r.createdAt) : Number.NaN;
  if (!Number.isNaN(created))
    put(creationKey(creationWindow(created, cfg.creationWindowMin)), KeyType.creation);
  const email = (r.emailDomain ?? "").toLowerCase();
  if (email) put(emailKey(email), KeyType.email);
  if (r.orgId) put(orgKey(r.orgId), KeyType.org);
  return { keys, types };
}
