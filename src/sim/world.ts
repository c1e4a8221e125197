/**
 * Shared state of one simulation: the clock range, the model catalogue, prompt source, shared
 * infrastructure (VPN providers, relays) and the registry of every account with its ground truth.
 */

import type { TruthRecord } from "../events/truth.js";
import type { AccountInfo, Api, ResponseInfo } from "../events/types.js";
import type { PromptSource } from "./content/types.js";
import type { Endpoint } from "./network.js";
import { VpnProvider } from "./network.js";
import type { RequestSpec } from "./request.js";
import { Rng } from "./rng.js";

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** One simulated account. */
export interface Account {
  id: string;
  orgId: string | null;
  keyId: string;
  info: AccountInfo;
  /** JSON of `info`, serialised once. */
  infoJson: string;
  truth: TruthRecord;
  /** Exchanges written (or sent) so far; counted by the writer, not the actors. */
  exchanges: number;
}

/** Where one request came from. */
export interface ClientSide extends Endpoint {
  ua: string;
  tls: string;
}

/** One exchange produced by an actor, before serialisation. */
export interface Emission {
  t: number;
  account: Account;
  client: ClientSide;
  api: Api;
  /** The request, dialect-neutral; `renderBody(spec)` gives the body a client sends. */
  spec: RequestSpec;
  response: ResponseInfo;
}

/** An actor yields its exchanges in non-decreasing time order and stops at the world's end. */
export type Actor = Iterator<Emission, void, undefined>;

export interface ModelCatalogue {
  /** Models available from the start, most used first. */
  current: readonly string[];
  /** The model released during the simulation. */
  released: string;
  /** Release time (ms since epoch). */
  releaseAt: number;
}

export interface WorldOptions {
  seed: number;
  start: number;
  days: number;
  source: PromptSource;
  models: ModelCatalogue;
}

export class World {
  readonly seed: number;
  readonly start: number;
  readonly end: number;
  readonly source: PromptSource;
  readonly models: ModelCatalogue;
  readonly rng: Rng;
  /** Commercial VPN providers whose exits legit users and adversaries share. */
  readonly vpns: VpnProvider[];
  readonly accounts: Account[] = [];
  private readonly idRng: Rng;

  constructor(o: WorldOptions) {
    this.seed = o.seed;
    this.start = o.start;
    this.end = o.start + o.days * DAY;
    this.source = o.source;
    this.models = o.models;
    this.rng = new Rng(o.seed);
    this.idRng = this.rng.fork("ids");
    const vr = this.rng.fork("vpn");
    this.vpns = [new VpnProvider(vr, 60), new VpnProvider(vr, 40), new VpnProvider(vr, 25)];
  }

  /** A fresh opaque id with a prefix (ids never reveal population or campaign). */
  newId(prefix: string): string {
    return `${prefix}_${this.idRng.hex(16)}`;
  }

  /** Registers an account; its truth record is written at the end of the run. */
  addAccount(
    info: AccountInfo,
    truth: Omit<TruthRecord, "account_id" | "org_id">,
    orgId: string | null = null,
  ): Account {
    const id = this.newId("acct");
    const a: Account = {
      id,
      orgId,
      keyId: this.newId("key"),
      info,
      infoJson: JSON.stringify(info),
      truth: { account_id: id, org_id: orgId, ...truth },
      exchanges: 0,
    };
    this.accounts.push(a);
    return a;
  }

  /** The model a client uses at time t: after release, adopters move with probability `adopt`. */
  model(t: number, rng: Rng, adopt: number): string {
    if (t >= this.models.releaseAt && rng.chance(adopt)) return this.models.released;
    const cur = this.models.current;
    return cur[rng.weightedIndex(cur.map((_, i) => 1 / (i + 1)))] as string;
  }

  /** ISO time string of a timestamp (ms). */
  static iso(t: number): string {
    return new Date(t).toISOString();
  }
}

/** Local hour of day (0-24, fractional) at UTC time t for a UTC offset in hours. */
export function localHour(t: number, offset: number): number {
  const h = (t / HOUR + offset) % 24;
  return h < 0 ? h + 24 : h;
}

/** Local day index (days since epoch in local time) and weekday (0=Sunday). */
export function localDay(t: number, offset: number): { day: number; weekday: number } {
  const day = Math.floor((t + offset * HOUR) / DAY);
  return { day, weekday: (((day + 4) % 7) + 7) % 7 };
}

/** Start of the local day `day` (ms since epoch, UTC). */
export function localDayStart(day: number, offset: number): number {
  return day * DAY - offset * HOUR;
}
