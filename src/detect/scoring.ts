/**
 * Account-level evidence and the verdict ladder. Evidence is split in three: shape (use that looks
 * like distillation), deception (evidence of fraud or evasion) and trust (verification, age, a
 * declared organisation). Shape alone never enforces: enforcement needs deception or covert
 * coordination (campaigns.ts).
 */
import type { Reason, Verdict } from "../events/report.js";
import { CAPABILITIES } from "./capabilities.js";
import type { DetectorConfig } from "./config.js";
import { clamp01, round } from "./math.js";
import type { AccountProfile } from "./profile.js";

/** Evidence about one account at one moment. */
export interface AccountEvidence {
  shape: number;
  deception: number;
  trust: number;
  /** Share of requests asking for visible reasoning. */
  cotRate: number;
  /** The account is fresh or was created in a burst (sign-up fraud is possible). */
  newIdentity: boolean;
  /** Deception in the client stack itself: user agents rotated over one TLS stack, or not matching it. */
  stackDeception: number;
  /**
   * Deception the account acted out itself: its client stack, a shared card, a creation burst, a ban
   * cascade, a restricted region, traffic sent only from hosting networks. Not the priors of a new
   * or unverified identity, nor a consumer VPN or rotating exits it may share with the public.
   */
  activeDeception: number;
  /** The content part of shape (reasoning elicitation, template concentration, narrow capability). */
  contentShape: number;
  /**
   * The account hides who and where it is, request by request: residential networks in different
   * countries minutes apart (a rotating residential proxy) and a client stack that changes its user
   * agent across client families over one TLS stack. No honest client does both.
   */
  evasion: boolean;
  /**
   * The account sends through a multi-tenant relay: of 3+ requests, ≥ 80 % from hosting networks of
   * at most two providers (ASNs), rotating over three or more /24 prefixes, over one TLS stack. Its
   * rotation and its client stack are the relay's.
   */
  relayed: boolean;
  reasons: Reason[];
}

/**
 * Behind a multi-tenant relay: at least 3 requests, at least 80 % of them from hosting networks of
 * at most two providers (ASNs), over 3+ /24 prefixes and one TLS stack (the relay's).
 */
export function isRelayed(p: AccountProfile): boolean {
  const n = p.n;
  return (
    n >= 3 && p.netDatacenter / n >= 0.8 && p.tlss.size === 1 && p.asns.size <= 2 && p.prefixes.size >= 3
  );
}

/** Computes an account's own evidence from its profile (cross-account flags included). */
export function accountEvidence(
  p: AccountProfile,
  cfg: DetectorConfig,
  abused: Set<string>,
  withReasons = true,
): AccountEvidence {
  const w = cfg.weights;
  const reasons: Reason[] = [];
  let shape = 0;
  let contentShape = 0;
  let deception = 0;
  let trust = 0;
  const push = (id: string, text: string, weight: number, evidence: () => Record<string, unknown>) => {
    if (weight === 0 || !withReasons) return;
    reasons.push({ id, text, weight: round(weight), evidence: evidence() });
  };
  const n = p.n;
  // --- shape, scaled in while the account is young
  const ramp = clamp01(n / cfg.minRequestsForShape);
  if (ramp > 0) {
    const cotRate = p.cot / n;
    const cot = w.cot * ramp * clamp01((cotRate - 0.2) / 0.6);
    if (cot > 0.05) {
      shape += cot;
      push(
        "shape.reasoning_elicitation",
        "Most requests ask for visible step-by-step reasoning",
        cot,
        () => ({
          cot_rate: round(cotRate),
          requests: n,
        }),
      );
    }
    const tc = p.templateConcentration();
    const templ = w.templated * ramp * clamp01((tc - 0.3) / 0.5);
    if (templ > 0.05) {
      shape += templ;
      push("shape.template_concentration", "Requests concentrate on one prompt template", templ, () => ({
        top_template_share: round(tc),
        shared_template_share: round(p.sharedTemplate / n),
      }));
    }
    const cc = p.capabilityConcentration();
    const narrow =
      w.narrow * ramp * clamp01((cc.share - 0.6) / 0.35) * clamp01((0.5 - p.diversity()) / 0.4 + 0.5);
    if (narrow > 0.05) {
      shape += narrow;
      push("shape.narrow_capability", "Traffic targets one capability", narrow, () => ({
        capability: CAPABILITIES[cc.index] ?? null,
        share: round(cc.share),
      }));
    }
    contentShape = shape;
    if (p.gaps.n >= 20) {
      const cv = p.gaps.cv();
      const hours = p.activeHours();
      const regular = Number.isNaN(cv) ? 0 : clamp01((0.8 - cv) / 0.6);
      const roundClock = n >= 200 ? clamp01((hours - 18) / 5) : 0;
      const auto = w.automation * Math.max(regular, roundClock);
      if (auto > 0.05) {
        shape += auto;
        push("shape.automation", "Machine-regular timing or round-the-clock activity", auto, () => ({
          interarrival_cv: round(cv),
          active_hours: hours,
        }));
      }
    }
    const rate = p.ratePerHour();
    const vol = w.volume * clamp01((rate - 30) / 120) * ramp;
    if (vol > 0.05) {
      shape += vol;
      push("shape.volume", "High sustained request rate", vol, () => ({
        per_hour: round(rate, 1),
        requests: n,
      }));
    }
  }
  // --- deception
  const age = p.ageAtFirstUseDays();
  if (!Number.isNaN(age) && age < cfg.freshDays) {
    deception += w.fresh;
    push("deception.fresh_account", "Account was created shortly before first use", w.fresh, () => ({
      age_days: round(age, 2),
    }));
  }
  if (p.verified === false) {
    deception += w.unverified;
    push("deception.unverified", "Account is not verified", w.unverified, () => ({}));
  }
  if (p.tier && abused.has(p.tier)) {
    deception += w.abusedTier;
    push(
      "deception.abused_signup_path",
      "Account tier is a frequently abused sign-up path",
      w.abusedTier,
      () => ({
        tier: p.tier,
      }),
    );
  }
  const uaN = p.uas.size;
  let stackDeception = 0;
  let active = 0;
  // The four kinds of evidence a multi-tenant relay produces by itself (below): the largest and the sum.
  let relayMax = 0;
  let relaySum = 0;
  const relayPart = (v: number) => {
    relayMax = Math.max(relayMax, v);
    relaySum += v;
  };
  // user agents rotated over one TLS stack (at least three per stack)
  const rotating = uaN >= 3 && p.tlss.size <= Math.max(1, uaN / 3);
  if (rotating) {
    const v = w.uaRotation * clamp01((uaN - 2) / 3);
    deception += v;
    relayPart(v);
    active += v;
    stackDeception += v;
    push("deception.ua_rotation", "Many user agents over one TLS stack", v, () => ({
      user_agents: uaN,
      tls_fingerprints: p.tlss.size,
    }));
  }
  if (p.flags.uaMismatch > 0) {
    deception += w.uaMismatch;
    relayPart(w.uaMismatch);
    active += w.uaMismatch;
    stackDeception += w.uaMismatch;
    push(
      "deception.ua_tls_mismatch",
      "User agent does not match the TLS client seen with it",
      w.uaMismatch,
      () => ({
        share_of_requests: round(p.flags.uaMismatch),
      }),
    );
  }
  const evasion = p.geoHops >= cfg.verdict.evasionHops && rotating && p.uaFamilies.size >= 2;
  if (p.geoHops > 0) {
    const v = w.geoHopping * clamp01(p.geoHops / 2);
    deception += v;
    active += v;
    push(
      "deception.geo_hopping",
      "Consecutive requests from residential networks in different countries, minutes apart",
      v,
      () => ({
        hops: p.geoHops,
        countries: p.countries.values.slice(0, 8),
        window_min: cfg.geoHopMinutes,
        // with a client stack rotating across families: evasion, throttled on its own
        rotating_client_stack: evasion,
      }),
    );
  }
  const pfx = p.prefixes.size;
  const asns = p.asns.size;
  if ((pfx >= 6 && pfx / n >= 0.05) || asns >= 4) {
    const v = w.ipRotation * Math.max(clamp01((pfx - 4) / 8), clamp01((asns - 2) / 4));
    deception += v;
    relayPart(v);
    push("deception.ip_rotation", "Requests rotate across many networks", v, () => ({
      prefixes: pfx,
      asns,
      ips: p.ips.size,
    }));
  }
  if (p.restricted / n >= 0.2) {
    deception += w.restricted;
    active += w.restricted;
    push(
      "deception.restricted_region",
      "Traffic from a region where the API is not offered",
      w.restricted,
      () => ({
        share: round(p.restricted / n),
        countries: p.countries.values.slice(0, 4),
      }),
    );
  }
  const proxied = (p.netDatacenter + p.netVpn) / n;
  if (proxied >= 0.8 && n >= 5) {
    deception += w.proxyNetwork;
    relayPart(w.proxyNetwork);
    // sending all of it from hosting networks is a choice (a relay, a proxy service); a consumer VPN
    // is something the public uses
    if (p.netDatacenter / n >= 0.8) active += w.proxyNetwork;
    push("deception.proxy_network", "Traffic comes from hosting or VPN networks", w.proxyNetwork, () => ({
      datacenter_share: round(p.netDatacenter / n),
      vpn_share: round(p.netVpn / n),
    }));
  }
  // Behind a multi-tenant relay (`relayed`: hosting networks of at most two providers, 3+ prefixes,
  // one TLS stack) the rotation of user agents and addresses, the mismatch between forwarded user
  // agents and the relay's TLS client, and the hosting network are one fact about the relay, not
  // four about the account: they count once, as their largest. A relay's traffic is judged as a
  // whole (campaigns.ts, the two-sample test), and its accounts by what they do and who they are
  // (cards, creation bursts, content).
  const relayed = isRelayed(p);
  if (relayed && relaySum > relayMax) {
    const v = relayMax - relaySum;
    deception += v;
    push("deception.relay_overlap", "Rotation and hosting evidence of one relay, counted once", v, () => ({
      asns,
      prefixes: pfx,
      user_agents: uaN,
    }));
  }
  // A card that pays mostly for established accounts is a business paying for several (a reseller's
  // card pays for its customers' accounts); one that pays mostly for new identities is sign-up fraud
  // (engine crossFlags, `paymentNewShare`).
  if (p.flags.paymentSharedNew > 0) {
    const v = w.paymentShared * clamp01(p.flags.paymentSharedNew / 3);
    deception += v;
    active += v;
    push("deception.payment_reuse", "Payment method shared with new, unrelated identities", v, () => ({
      other_identities: p.flags.paymentShared,
      new_identities: p.flags.paymentSharedNew,
    }));
  }
  if (p.flags.creationBurst > 0) {
    deception += w.creationBurst;
    active += w.creationBurst;
    push("deception.creation_burst", "Created in a burst with unrelated accounts", w.creationBurst, () => ({
      accounts_in_window: p.flags.creationBurst,
    }));
  }
  if (p.flags.banCascade > 0) {
    deception += w.banCascade;
    active += w.banCascade;
    push(
      "deception.ban_cascade",
      "Volume jumped right after a linked account was banned",
      w.banCascade,
      () => ({
        jump: round(p.flags.banCascade, 2),
      }),
    );
  }
  // --- trust
  if (p.verified === true) {
    trust += w.verified;
    push("trust.verified", "Account is verified", w.verified, () => ({}));
  }
  if (!Number.isNaN(age) && age >= cfg.establishedDays) {
    trust += w.established;
    push("trust.established", "Account is long established", w.established, () => ({
      age_days: Math.round(age),
    }));
  }
  if (p.orgId && p.verified === true) {
    trust += w.declaredOrg;
    push("trust.declared_org", "Belongs to a declared, verified organisation", w.declaredOrg, () => ({
      org_id: p.orgId,
    }));
  }
  const newIdentity = (!Number.isNaN(age) && age < cfg.freshDays) || p.flags.creationBurst > 0;
  return {
    shape,
    deception,
    trust,
    cotRate: n ? p.cot / n : 0,
    newIdentity,
    stackDeception,
    activeDeception: active,
    contentShape,
    evasion,
    relayed,
    reasons,
  };
}

/** The verdict an account earns on its own evidence (campaign membership is applied by the engine). */
export function individualVerdict(e: AccountEvidence, n: number, cfg: DetectorConfig): Verdict {
  const v = cfg.verdict;
  const d = e.deception + e.trust;
  if (d >= v.blockDeception && e.shape >= v.throttleShape) return "block";
  if (d >= v.fraudBlock && n >= 3 && e.newIdentity) return "block";
  if (d >= v.throttleDeception && e.shape >= v.throttleShape) return "throttle";
  // a rotating proxy and a rotating client stack at once: evasion, whatever the account's age
  if (e.evasion) return "throttle";
  if (d >= v.fraudThrottle && n >= 3 && e.newIdentity) return "throttle";
  if (e.shape >= v.reviewShape && n >= v.reviewMinRequests && e.cotRate >= v.reviewCotRate) return "review";
  if (e.shape >= v.monitorShape || d >= v.monitorDeception) return "monitor";
  return "allow";
}
