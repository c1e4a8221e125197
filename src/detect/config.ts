/**
 * Detector configuration: every threshold in one typed object with documented defaults
 * (docs/detector.md explains each). Load overrides from JSON with `parseDetectorConfig`.
 */
import { z } from "zod";
import { ConfigError } from "../core/errors.js";

const num = (d: number) => z.number().finite().default(d);

/** Schema: each field's default is the shipped value; the comment says what it means. */
export const DetectorConfigSchema = z
  .object({
    /** Seconds of event time between two cross-account passes (linking, campaigns, cascades). */
    passIntervalSec: num(60),
    /** Countries (ISO alpha-2) where the API is not offered; requests from them count as evasion evidence. */
    restrictedCountries: z.array(z.string()).default(["CN", "RU", "IR", "KP", "SY", "CU", "BY"]),
    /** Account younger than this many days at its first request counts as fresh. */
    freshDays: num(14),
    /** Account older than this many days at first use earns trust. */
    establishedDays: num(180),
    /**
     * Account creation times are bucketed into windows of this many minutes to find creation bursts;
     * two accounts paid with one card and created less than this apart count as sharing a window.
     */
    creationWindowMin: num(30),
    /**
     * Accounts created in one window that make a burst whatever the windows around it; also the
     * members of one cluster created in one window that give its campaign creation-burst evidence.
     */
    creationBurstMin: num(8),
    /**
     * Below creationBurstMin, an account is marked a member of a creation burst when its window
     * holds more accounts than chance allows: P(X >= n) <= creationBurstP for X ~ Poisson at the
     * (trimmed) mean of the windows within creationBurstSpanHours each side, and n >= creationBurstFloor.
     */
    creationBurstP: num(1e-7),
    creationBurstSpanHours: num(24),
    creationBurstFloor: num(4),
    /**
     * A burst whose members mostly (this share or more) send from one TLS stack marks only the
     * members that use it: an account made in the same window on another stack is a bystander.
     */
    creationBurstStackShare: num(0.5),
    /**
     * A shared card counts as reuse (deception) only when at least this share of its other holders
     * were not established at first use: a card paying mostly for established accounts is a business's.
     */
    paymentNewShare: num(0.5),
    /**
     * ... and only holders created within this many days of the account count as new identities
     * beside it: sign-up fraud makes its accounts within weeks, a business opens accounts over
     * months and years (a reseller's card pays for customers 1 to 24 months old).
     */
    paymentNewSpanDays: num(30),
    /** Tiers whose sign-up paths were most abused (weak prior, never enough alone). */
    abusedTiers: z.array(z.string()).default(["education", "research", "startup", "free", "trial"]),
    /** A template key becomes a shared bucket after this many uses inside one account. */
    templatePromoteCount: num(2),
    /** Keys held by more than this share of all accounts are too common to link on. */
    maxKeyShare: num(0.03),
    /** Candidate neighbours sampled per account per linking pass. */
    candidatesPerAccount: num(24),
    /** Edge weight needed to link two accounts (sum of per-type contributions, see linkWeights). */
    linkThreshold: num(1.4),
    /** Identity / content part of an edge (template, card, creation window, mail domain, org, synchrony) below which the edge counts as infrastructure only. */
    identityMinLink: num(0.6),
    /** Edge weight needed when two accounts share only network infrastructure (prefixes, ASNs, TLS+UA stacks). */
    infraOnlyLink: num(2),
    /** Network infrastructure alone never joins two clusters whose shares of fresh accounts differ by more than this through an account bound to its group by identity (a shared card or creation burst): one operator provisions its accounts alike. */
    infraOnlyFreshGap: num(0.8),
    /**
     * Stack deception (user-agent rotation over one TLS stack, user agents that TLS stack never
     * sends) from which a client stack counts as lying: such an account rotating over an enforced
     * campaign's proxy footprint inherits its verdict whatever its age and verification, and one in
     * no campaign joins it before any link forms (engine.coreMember, engine.joinFootprint).
     */
    lyingStack: num(0.8),
    /** Per key-type weight of a shared key (scaled by its rarity). */
    linkWeights: z
      .object({
        template: num(0.5),
        prefix: num(0.5),
        asn: num(0.15),
        tlsUa: num(0.6),
        payment: num(1.2),
        creation: num(0.5),
        email: num(0.25),
        org: num(1.5),
        sync: num(1),
        /**
         * Both accounts send, over one TLS stack, user agents of a runtime that stack is never seen
         * with (engine.runtimeMismatch): the same forged client identity, counted as identity
         * evidence (a shared tool), not as infrastructure, between accounts new at their first
         * request (freshDays).
         */
        forgedStack: num(0.6),
        /** Both accounts rotate over 4+ ASNs and mostly the same ones (a shared proxy footprint). */
        rotation: num(2),
      })
      .default({}),
    /** Population floor N for rarity (ln(N/df)) so tiny logs do not make every key look common. */
    idfMinPopulation: num(500),
    /** Inverse document frequency (ln(N/df)) at which a shared key gets its full weight. */
    idfFull: num(4),
    /** Smallest cluster reported as a campaign. */
    campaignMinAccounts: num(3),
    /**
     * Report-time split of a cluster into the campaigns it holds (communities.ts): Louvain
     * communities linked to each other at least this share of what chance would give are one campaign.
     */
    splitMergeRatio: num(0.3),
    /** Smallest community reported as a campaign of its own when a cluster is split. */
    splitMinAccounts: num(10),
    /** Passes between two attempts to split the clusters that grew by a tenth since their last one. */
    splitEveryPasses: num(30),
    /** Minutes per synchrony window (accounts acting on one template in the same window). */
    syncWindowMin: num(10),
    /** Share of a TLS stack's runtime-naming user agents one runtime must hold before another runtime's user agent on it counts as a mismatch. */
    runtimeDominance: num(0.8),
    /** Share of a dominated TLS stack's runtime-naming user agents under which a runtime counts as foreign to it. */
    runtimeRare: num(0.05),
    /** Minutes within which two requests from residential networks in different countries count as a geo hop. */
    geoHopMinutes: num(30),
    /** Score weights: evidence of distillation-shaped use (shape), of deception, of trust. */
    weights: z
      .object({
        cot: num(1),
        templated: num(0.8),
        narrow: num(0.5),
        automation: num(0.6),
        volume: num(0.4),
        fresh: num(0.6),
        unverified: num(0.4),
        abusedTier: num(0.2),
        uaRotation: num(0.8),
        uaMismatch: num(0.6),
        geoHopping: num(0.8),
        ipRotation: num(1),
        restricted: num(1),
        proxyNetwork: num(0.3),
        paymentShared: num(1.2),
        creationBurst: num(0.8),
        banCascade: num(1.2),
        releasePivot: num(0.8),
        relay: num(1.5),
        verified: num(-0.8),
        established: num(-0.8),
        declaredOrg: num(-0.4),
      })
      .default({}),
    /** Requests an account needs before its own shape counts. */
    minRequestsForShape: num(10),
    /** Verdict thresholds on the combined evidence (docs/detector.md, "Verdict ladder"). */
    verdict: z
      .object({
        /** Shape score from which an account is monitored. */
        monitorShape: num(1.2),
        /** Deception score from which an account is monitored. */
        monitorDeception: num(0.9),
        /** Shape score from which a heavy account with no deception goes to review. */
        reviewShape: num(1.6),
        /** Share of reasoning-eliciting requests a no-deception account needs before review. */
        reviewCotRate: num(0.4),
        /** Requests a no-deception account needs before review. */
        reviewMinRequests: num(300),
        /** Deception score needed (with shape) for individual enforcement. */
        throttleDeception: num(1.8),
        /** Shape score needed (with deception) for individual enforcement. */
        throttleShape: num(1.2),
        /** Deception score for an individual block. */
        blockDeception: num(2.6),
        /** Campaign coordination score from which members are throttled. */
        campaignThrottle: num(2.2),
        /** Campaign coordination score from which members are blocked. */
        campaignBlock: num(3),
        /** Mean net member deception (deception + trust) that counts as a deceptive cluster. */
        campaignDeception: num(0.8),
        /** Mean net member deception above which a coordinated cluster is enforced without distillation-shaped content. */
        campaignStrongDeception: num(2),
        /** Share of fresh members from which a campaign counts as a ring of new accounts (older accounts join it only through its identity core). */
        ringFreshShare: num(0.7),
        /** Content shape (reasoning, templates, narrow capability) an older account needs of its own to inherit a ring's verdict. */
        ringOlderShape: num(0.5),
        /** Age at first use (days) below which an account of a ring's enforced client stack counts as minted for the ring: its verification earns it no trust. */
        recruitMaxAgeDays: num(1),
        /** Net deception (deception + trust) at which one account is throttled on its own, whatever its content. */
        fraudThrottle: num(3.5),
        /** Net deception at which one account is blocked on its own. */
        fraudBlock: num(4.5),
        /**
         * Geo hops from which an account whose client stack also rotates (3+ user agents of 2+
         * families over one TLS stack) is throttled on its own, whatever its age and verification.
         */
        evasionHops: num(2),
        /** Weight of campaign identity keys (link weights) a member must share to inherit the campaign verdict. */
        coreMatch: num(1),
        /** Members' share of reasoning-eliciting requests above which throttled accounts also get protect. */
        protectCotRate: num(0.2),
      })
      .default({}),
    /** A campaign's share of traffic on a model released less than a day ago, over the population's, counted as a pivot. */
    releasePivotRatio: num(2.5),
    /** Volume jump (after / before) of a banned account's siblings counted as a ban cascade. */
    banCascadeJump: num(2),
    /** z-score of the windowed two-sample test (relay traffic against benign reference) counted as a relay. */
    relayZ: num(6),
    /** Requests a cluster's test window needs before the two-sample test is run. */
    relayMinRequests: num(100),
  })
  .strict();

export type DetectorConfig = z.infer<typeof DetectorConfigSchema>;

/** The shipped configuration. */
export function defaultConfig(): DetectorConfig {
  return DetectorConfigSchema.parse({});
}

/** Validates a JSON value as (partial) configuration over the defaults; throws ConfigError with the path. */
export function parseDetectorConfig(value: unknown): DetectorConfig {
  const r = DetectorConfigSchema.safeParse(value ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ConfigError(
      `invalid detector config at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
    );
  }
  return r.data;
}
