/**
 * Live replay: the simulated traffic sent through a running gateway at an accelerated clock. The
 * adversaries react as reseller relays do: a 403 takes the account out of its pool at once and the
 * request fails over to a sibling within seconds; a 429 benches the account for a while; banned
 * accounts are replaced by fresh ones (which get keys through the KeyProvider on first use).
 */
import type { Campaign } from "../adversary/campaign.js";
import { merge } from "../engine.js";
import { renderBody } from "../request.js";
import type { Rng } from "../rng.js";
import type { SimSetup } from "../simulate.js";
import type { Emission } from "../world.js";
import type { KeyProvider, LiveRequest, Sender } from "./sender.js";

export interface ReplayOptions {
  setup: SimSetup;
  sender: Sender;
  keys: KeyProvider;
  /** Simulated milliseconds per wall millisecond. */
  speed: number;
  /** Most requests in flight at once. */
  concurrency?: number;
  /** Wall-clock delay range before a failed-over request is retried on a sibling (ms). */
  failoverMs?: [number, number];
  /** Wall-clock bench time after a 429 (ms). */
  coolMs?: number;
  /** Stop after this many exchanges or wall milliseconds. */
  maxExchanges?: number;
  maxWallMs?: number;
  /** Called for every delivered exchange. */
  onResult?: (e: Emission, status: number) => void;
}

export interface ReplayStats {
  sent: number;
  byStatus: Record<string, number>;
  failovers: number;
  rerouted: number;
  replacements: number;
  bans: number;
  wallMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Runs a live replay until the simulation ends or a limit is reached. */
export async function replay(o: ReplayOptions): Promise<ReplayStats> {
  const { setup, sender, keys } = o;
  const campaigns = new Map<string, Campaign>(setup.campaigns.map((c) => [c.k.id, c]));
  const rng: Rng = setup.world.rng.fork("live");
  const keyCache = new Map<string, Promise<string>>();
  const key = (id: string, account: Emission["account"]): Promise<string> => {
    let k = keyCache.get(id);
    if (!k) {
      k = keys(id, account);
      keyCache.set(id, k);
    }
    return k;
  };
  const initial = new Set(setup.world.accounts.map((a) => a.id));
  const stats: ReplayStats = {
    sent: 0,
    byStatus: {},
    failovers: 0,
    rerouted: 0,
    replacements: 0,
    bans: 0,
    wallMs: 0,
  };
  const concurrency = o.concurrency ?? 128;
  const [fLo, fHi] = o.failoverMs ?? [500, 3000];
  const coolMs = o.coolMs ?? 60_000;
  const wall0 = performance.now();
  const sim0 = setup.world.start;
  const simNow = (): number => sim0 + (performance.now() - wall0) * o.speed;
  const inflight = new Set<Promise<void>>();

  /** The pool member behind an attack account, if the account belongs to a pooled campaign. */
  const memberOf = (e: Emission) => {
    const cid = e.account.truth.campaign_id;
    const c = cid ? campaigns.get(cid) : undefined;
    if (c?.k.mode !== "pool") return null;
    const m = c.pool.find(e.account.id);
    return m ? { c, m } : null;
  };

  const deliver = async (e: Emission, attempt: number): Promise<void> => {
    // Re-route at send time: a relay never sends on an account it already knows is banned or benched.
    let em = e;
    const pm = memberOf(em);
    if (pm && (pm.m.banned || pm.m.coolUntil > simNow())) {
      const sib = pm.c.pool.pick(simNow());
      if (!sib) return;
      em = pm.c.emitFor(sib, em.t);
      stats.rerouted++;
    }
    const req: LiveRequest = {
      accountId: em.account.id,
      key: await key(em.account.id, em.account),
      api: em.api,
      body: renderBody(em.spec),
      client: em.client,
    };
    const res = await sender(req);
    stats.sent++;
    stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
    em.account.exchanges++;
    o.onResult?.(em, res.status);
    const pm2 = memberOf(em);
    if (!pm2 || (res.status !== 403 && res.status !== 429) || attempt > 3) return;
    if (res.status === 403) {
      if (!pm2.m.banned) stats.bans++;
      pm2.c.pool.ban(pm2.m, simNow());
    } else pm2.c.pool.cool(pm2.m, simNow() + coolMs * o.speed);
    // Fail over: the same work goes to a sibling within seconds.
    await sleep(fLo + rng.float() * (fHi - fLo));
    pm2.c.pool.replenish(simNow());
    const sib = pm2.c.pool.pick(simNow());
    if (!sib) return;
    stats.failovers++;
    await deliver(pm2.c.emitFor(sib, simNow()), attempt + 1);
  };

  for (const e of merge(setup.actors)) {
    if (o.maxExchanges !== undefined && stats.sent + inflight.size >= o.maxExchanges) break;
    const due = (e.t - sim0) / o.speed - (performance.now() - wall0);
    if (o.maxWallMs !== undefined && (e.t - sim0) / o.speed > o.maxWallMs) break;
    if (due > 1) await sleep(due);
    while (inflight.size >= concurrency) await Promise.race(inflight);
    const p = deliver(e, 0).finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
  // Failovers started by the last requests finish inside deliver(); wait for stragglers.
  while (inflight.size > 0) await Promise.all(inflight);
  stats.replacements = [...keyCache.keys()].filter((id) => !initial.has(id)).length;
  stats.wallMs = performance.now() - wall0;
  return stats;
}
