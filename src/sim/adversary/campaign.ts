/**
 * A distillation campaign as a set of knobs (accounts, sign-up path, egress, payment reuse, client
 * spoofing, load spreading, capabilities, template variety, resold-traffic mixing, bans and
 * replacement waves, release-day pivot, timing) and the controller that turns them into traffic.
 */

import type { AccountInfo } from "../../events/types.js";
import {
  type ClientIdentity,
  honestIdentity,
  spoofedIdentity,
  TLS_FINGERPRINTS,
  type TlsStack,
} from "../clients.js";
import { ADVERSARY_TEMPLATES, expand, type Template } from "../content/templates.js";
import { AGENT_TOOLS } from "../content/tools.js";
import type { Capability } from "../content/types.js";
import { addressIn, cloudAddress, type Endpoint, homeAddress, RESIDENTIAL } from "../network.js";
import {
  clientSide,
  DISPOSABLE,
  DIURNAL_MEAN,
  diurnal,
  draw,
  emission,
  firstTurn,
  UNIVERSITIES,
  WEBMAIL,
} from "../populations/common.js";
import { humanActor, toolOutput } from "../populations/human.js";
import type { Turn } from "../request.js";
import type { Rng } from "../rng.js";
import { type Account, type Actor, DAY, HOUR, localHour, MINUTE, type World } from "../world.js";
import { AccountPool, type PoolMember } from "./pool.js";
import { type Relay, resoldRequest } from "./relay.js";

export type Egress = "datacenter" | "residential_rotating" | "reseller_relay" | "vpn";

/** Every knob of one campaign (documented in docs/simulator.md). */
export interface CampaignKnobs {
  id: string;
  /** Adversary profile name (written as the truth `population`). */
  profile: string;
  /** Accounts at the start. */
  accounts: number;
  /** Target exchanges over the campaign (before bans and failover retries). */
  exchanges: number;
  /** Campaign start, in days after the simulation start, and duration in days. */
  startDay: number;
  days: number;
  /** "pool": a relay controller spreads campaign-level arrivals over the pool; "personas": each account acts like one person. */
  mode: "pool" | "personas";
  /** "flat": machine 24/7; "human": diurnal working-hours shape. */
  timing: "flat" | "human";
  /** UTC offset of the operators (for human timing). */
  offset: number;
  /** How accounts come to be: created in bursts just before use, bought aged accounts, or both. */
  creation: "burst" | "aged" | "mixed";
  burstSize: number;
  tiers: Readonly<Record<string, number>>;
  verified: number;
  email: "disposable" | "webmail" | "mixed";
  /** "shared": `cards` fingerprints reused across accounts; "unique": one per account. */
  payment: "shared" | "unique";
  cards: number;
  egress: Egress;
  /** Size of the campaign's own datacenter IP pool (egress "datacenter"). */
  egressIps: number;
  /** TLS stack of the adversary's client; user agents spoofed over it. */
  stack: TlsStack;
  uaSpoof: "none" | "per_account" | "per_request";
  /** Share of requests in the OpenAI dialect. */
  openaiShare: number;
  /** Load spreading: most requests one account sends per hour. */
  hourlyCap: number;
  /** Share of accounts in the relay's working set at once, rotated every `rotateMin` minutes. */
  activeShare: number;
  rotateMin: number;
  capabilities: Readonly<Partial<Record<Capability, number>>>;
  /** Templates used (ids from ADVERSARY_TEMPLATES) and the probability to paraphrase each use. */
  templates: readonly string[];
  paraphrase: number;
  /** A fixed system prompt shared by a share of requests ("the same template tens of thousands of times"). */
  systemShare: number;
  thinkingShare: number;
  /** Share of traffic that is resold legitimate customer traffic through the same accounts. */
  resoldShare: number;
  /** Exogenous bans (by the provider's existing controls) per account per day. */
  banRate: number;
  /** Mass bans ("sweeps") by the provider: days after campaign start, and the share of live accounts each bans. */
  sweepDays: readonly number[];
  sweepShare: number;
  replacePerBan: number;
  replaceDelayMin: number;
  /** Release-day pivot: share of traffic moved to the new model, and delay after release (hours). */
  pivotShare: number;
  pivotDelayHours: number;
  /** Reuse of prompt items (0 uniform; >0 Zipf skew). */
  itemSkew: number;
}

/** Sidecar metadata about one campaign (written to `<truth>.campaigns.json`). */
export interface CampaignMeta {
  id: string;
  profile: string;
  start: string;
  end: string;
  planned_pivot_at: string | null;
  knobs: CampaignKnobs;
  relay: string | null;
  accounts_initial: number;
  accounts_total: number;
  bans: number;
  exchanges: number;
}

const SYSTEMS = [
  "You are a helpful, harmless and honest assistant. Always reason step by step before answering.",
  "You are an expert AI assistant. Provide detailed, accurate and well-structured responses.",
  "You are an AI software engineer. Solve the task completely, explaining each step and tool call.",
];

export class Campaign {
  readonly pool: AccountPool;
  readonly accounts: Account[] = [];
  private readonly rng: Rng;
  private readonly cards: string[];
  private readonly ips: Endpoint[];
  private readonly templates: Template[];
  private readonly system: string;
  private readonly fixedIds = new Map<string, ClientIdentity>();
  readonly start: number;
  readonly end: number;
  readonly pivotAt: number | null;

  constructor(
    private readonly world: World,
    readonly k: CampaignKnobs,
    private readonly relay: Relay | null,
  ) {
    this.rng = world.rng.fork(`campaign:${k.id}`);
    const r = this.rng;
    this.start = world.start + k.startDay * DAY;
    this.end = Math.min(world.end, this.start + k.days * DAY);
    this.pivotAt =
      k.pivotShare > 0 && world.models.releaseAt < this.end
        ? world.models.releaseAt + k.pivotDelayHours * HOUR
        : null;
    this.cards = [];
    for (let i = 0; i < Math.max(1, k.cards); i++) this.cards.push(`pm_${r.hex(14)}`);
    this.ips = [];
    for (let i = 0; i < k.egressIps; i++) this.ips.push(cloudAddress(r));
    this.templates = k.templates.map((id) => ADVERSARY_TEMPLATES.find((t) => t.id === id)!).filter((t) => t);
    if (this.templates.length === 0)
      this.templates.push(ADVERSARY_TEMPLATES.find((t) => t.id === "a-plain")!);
    this.system = r.pick(SYSTEMS);
    const replaceDelay = k.replaceDelayMin * MINUTE;
    this.pool = new AccountPool({
      hourlyCap: k.hourlyCap,
      activeShare: k.activeShare,
      rotateMs: k.rotateMin * MINUTE,
      replacePerBan: k.replacePerBan,
      replaceDelay,
      spawn: (t) => this.member(t, true),
    });
    for (let i = 0; i < k.accounts; i++) this.pool.add(this.member(this.start, false));
  }

  private member(t: number, replacement: boolean): PoolMember {
    const r = this.rng;
    const k = this.k;
    const n = this.accounts.length;
    const aged = k.creation === "aged" || (k.creation === "mixed" && r.chance(0.5));
    let created: number;
    if (aged) created = t - r.uniform(200, 1400) * DAY;
    else if (replacement) created = t - r.uniform(2, 30) * MINUTE;
    else {
      const burst = Math.floor(n / Math.max(1, k.burstSize));
      const burstAt = this.start - (1 + ((burst * 7919) % 9)) * DAY - ((burst * 104729) % 86400) * 1000;
      created = burstAt + r.uniform(0, 15) * MINUTE;
    }
    const tier = r.weighted(k.tiers as Record<string, number>);
    const email =
      tier === "education" || tier === "research"
        ? r.pick(UNIVERSITIES)
        : k.email === "disposable"
          ? r.pick(DISPOSABLE)
          : k.email === "webmail"
            ? r.pick(WEBMAIL)
            : r.pick([...DISPOSABLE, ...WEBMAIL]);
    const credits = tier === "education" || tier === "research";
    const info: AccountInfo = {
      created_at: new Date(created).toISOString(),
      verified: r.chance(k.verified),
      payment_fingerprint:
        credits && r.chance(0.7)
          ? null
          : k.payment === "shared"
            ? this.cards[n % this.cards.length]!
            : `pm_${r.hex(14)}`,
      email_domain: email,
      tier,
    };
    const account = this.world.addAccount(
      info,
      { kind: "attack", population: k.profile, campaign_id: k.id },
      null,
    );
    this.accounts.push(account);
    const life = k.banRate > 0 ? r.exp(DAY / k.banRate) : Number.POSITIVE_INFINITY;
    return {
      account,
      index: n,
      banAt: Math.max(t, this.start) + life,
      banned: false,
      coolUntil: 0,
      hour: -1,
      inHour: 0,
    };
  }

  private identity(m: PoolMember, api: ClientIdentity["api"]): ClientIdentity {
    const k = this.k;
    const r = this.rng;
    if (this.relay) {
      if (this.relay.ua) return { kind: "relay", ua: this.relay.ua, tls: this.relay.tls, api };
      return { ...spoofedIdentity(this.relay.stack, api, r), kind: "relay" };
    }
    if (k.uaSpoof === "per_request") return spoofedIdentity(k.stack, api, r);
    if (k.uaSpoof === "per_account") {
      let id = this.fixedIds.get(m.account.id);
      if (!id) {
        id = spoofedIdentity(k.stack, api, r);
        this.fixedIds.set(m.account.id, id);
      }
      return { ...id, api };
    }
    const honest = honestIdentity(api === "anthropic.messages" ? "anthropic_python" : "openai_python", r);
    return { ...honest, tls: TLS_FINGERPRINTS[k.stack] };
  }

  private endpoint(m: PoolMember): Endpoint {
    const r = this.rng;
    switch (this.k.egress) {
      case "datacenter":
        // Each account sticks to one IP of the pool, with occasional moves.
        return this.ips[r.chance(0.9) ? m.index % this.ips.length : r.int(this.ips.length)]!;
      case "residential_rotating":
        return addressIn(
          RESIDENTIAL[r.weightedIndex(RESIDENTIAL.map((b) => (b.country === "US" ? 4 : 1)))]!,
          r,
        );
      case "reseller_relay":
        return r.pick(this.relay?.egress ?? this.ips);
      case "vpn":
        return this.world.vpns[0]!.exit(r);
    }
  }

  /** One attack (or resold) request body at time t. */
  request(t: number): Parameters<typeof emission>[3] & { cap: Capability } {
    const r = this.rng;
    const k = this.k;
    const api: ClientIdentity["api"] = r.chance(k.openaiShare)
      ? "openai.chat.completions"
      : "anthropic.messages";
    let model = this.world.model(t, r, 0);
    if (this.pivotAt !== null && t >= this.pivotAt) {
      const ramp = Math.min(1, (t - this.pivotAt) / (3 * HOUR));
      if (r.chance(k.pivotShare * ramp)) model = this.world.models.released;
    }
    if (r.chance(k.resoldShare)) {
      const rs = resoldRequest(this.world, r);
      return {
        cap: rs.cap,
        api,
        model: this.world.model(t, r, 0.2),
        turns: rs.turns,
        prompt: rs.prompt,
        maxTokens: r.pick([1024, 2048, 4096]),
        stream: r.chance(0.6),
        ...(rs.system ? { system: rs.system } : {}),
      };
    }
    const cap = r.weighted(k.capabilities as Record<string, number>) as Capability;
    const prompt = draw(this.world, cap, r, k.itemSkew);
    const template = r.pick(this.templates);
    const { system, turn } = firstTurn(prompt, template, r.chance(k.paraphrase) ? r : undefined);
    const turns: Turn[] = [turn];
    if (cap === "agentic") {
      const rounds = r.int(7);
      for (let i = 0; i < rounds; i++) {
        const callId = `toolu_${r.hex(12)}`;
        turns.push({
          role: "assistant",
          toolCall: { id: callId, name: r.pick(AGENT_TOOLS).name, input: { path: "src/main.py" } },
        });
        turns.push({ role: "user", toolResult: { id: callId, content: toolOutput(r) } });
      }
    }
    const sys = [r.chance(k.systemShare) ? expand(this.system) : undefined, system]
      .filter((s) => s)
      .join("\n\n");
    const thinking = r.chance(k.thinkingShare) ? r.pick([4096, 8000, 16000]) : undefined;
    return {
      cap,
      api,
      model,
      turns,
      prompt,
      maxTokens: 8192 + (thinking ?? 0),
      temperature: r.pick([0.6, 0.7, 1]),
      stream: r.chance(0.3),
      verbose: template.id !== "a-plain",
      ...(sys ? { system: sys } : {}),
      ...(thinking ? { thinking } : {}),
    };
  }

  /** Client side of a request from member m. */
  client(m: PoolMember, api: ClientIdentity["api"]): ReturnType<typeof clientSide> {
    const id = this.identity(m, api);
    return clientSide(this.endpoint(m), { ua: id.ua, tls: id.tls });
  }

  /** Actors driving this campaign: one pooled controller, or one human-like persona per account. */
  actors(): Actor[] {
    if (this.k.mode === "personas") return this.pool.members.map((m, i) => this.persona(m, i));
    return [this.controller()];
  }

  /** The controller: campaign-level arrivals spread over the pool, with bans and failover. */
  *controller(): Actor {
    const r = this.rng.fork("arrivals");
    const base = this.k.exchanges / (this.end - this.start);
    const flat = this.k.timing === "flat";
    const max = flat ? base * 1.1 : base / DIURNAL_MEAN;
    let t = this.start + r.exp(1 / max);
    const sweeps = this.k.sweepDays.map((d) => this.start + d * DAY).filter((x) => x < this.end);
    while (t < this.end) {
      while (sweeps.length > 0 && (sweeps[0] as number) <= t) {
        // A sweep bans a share of the live accounts within minutes; each is found out at its next
        // request, fails over, and a wave of fresh accounts follows.
        const at = sweeps.shift() as number;
        for (const m of this.pool.members) {
          if (!m.banned && r.chance(this.k.sweepShare))
            m.banAt = Math.min(m.banAt, at + r.uniform(0, 10) * MINUTE);
        }
      }
      const rate = flat
        ? base * (1 + 0.1 * Math.sin(t / 3.7e6))
        : (base * diurnal(localHour(t, this.k.offset))) / DIURNAL_MEAN;
      if (r.float() * max < rate) {
        this.pool.replenish(t);
        let m = this.pool.pick(t);
        let guard = 0;
        while (m && m.banAt <= t && guard++ < 8) {
          // The provider's existing controls banned this account: the request fails with 403 and
          // the relay fails over to a sibling within seconds.
          yield this.emitFor(m, t, { code: 403, error: "DG_ACCOUNT_BLOCKED" });
          this.pool.ban(m, t);
          t += r.uniform(300, 4000);
          m = this.pool.pick(t);
        }
        if (m && m.banAt > t) yield this.emitFor(m, t);
        this.pool.compact();
      }
      t += r.exp(1 / max);
    }
  }

  /** Low-and-slow: each account behaves like one person (sessions, think time), with campaign content. */
  private persona(m: PoolMember, i: number): Actor {
    const r = this.rng.fork(`persona:${i}`);
    const k = this.k;
    const perDay = k.exchanges / Math.max(1, k.accounts) / Math.max(1, k.days) / 0.6;
    const api = r.chance(k.openaiShare) ? "openai_python" : "anthropic_python";
    const id = honestIdentity(api, r);
    const client = k.uaSpoof === "none" ? id : { ...id, tls: TLS_FINGERPRINTS[k.stack] };
    const world = this.world;
    const templates = this.templates;
    const country = r.pick(["US", "GB", "DE", "JP", "IN"]);
    const start = this.start;
    const end = this.end;
    const inner = humanActor(
      world,
      {
        account: m.account,
        offset: k.offset,
        weekdayActive: 0.75,
        weekendActive: 0.35,
        perDay,
        perDaySigma: 0.5,
        capabilities: k.capabilities,
        clients: [client],
        endpoint: (_t, rr) => (k.egress === "vpn" ? world.vpns[0]!.exit(rr) : homeAddress(country, rr)),
        template: (rr) => (rr.chance(0.5) ? null : rr.pick(templates)),
        adopt: k.pivotShare,
        thinkingShare: k.thinkingShare,
        skew: k.itemSkew,
      },
      r,
    );
    return (function* () {
      for (const e of { [Symbol.iterator]: () => inner }) {
        if (e.t < start) continue;
        if (e.t >= end) return;
        yield e;
      }
    })();
  }

  /** Builds the emission of member m at t (optionally a refusal). */
  emitFor(m: PoolMember, t: number, status?: { code: number; error: string }): ReturnType<typeof emission> {
    const req = this.request(t);
    return emission(
      t,
      m.account,
      this.client(m, req.api),
      { ...req, ...(status ? { status } : {}) },
      this.rng,
    );
  }

  /** Sidecar metadata. */
  meta(): CampaignMeta {
    return {
      id: this.k.id,
      profile: this.k.profile,
      start: new Date(this.start).toISOString(),
      end: new Date(this.end).toISOString(),
      planned_pivot_at: this.pivotAt !== null ? new Date(this.pivotAt).toISOString() : null,
      knobs: this.k,
      relay: this.relay?.id ?? null,
      accounts_initial: this.k.accounts,
      accounts_total: this.accounts.length,
      bans: this.pool.bans,
      exchanges: this.accounts.reduce((n, a) => n + a.exchanges, 0),
    };
  }
}
