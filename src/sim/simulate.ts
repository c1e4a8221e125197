/**
 * Offline simulation: builds the world of a preset, merges every actor's stream in time order and
 * writes the interchange-format v1 log, the ground truth (one line per account) and the campaign
 * sidecar. Memory is bounded by the number of accounts, never by the number of events.
 */
import { writeFileSync } from "node:fs";
import { Campaign, type CampaignMeta } from "./adversary/campaign.js";
import { makeRelay, type Relay } from "./adversary/relay.js";
import type { PromptSource } from "./content/types.js";
import { merge } from "./engine.js";
import { buildPopulations } from "./populations/build.js";
import type { Preset } from "./presets.js";
import { Rng } from "./rng.js";
import { type Actor, DAY, type Emission, World } from "./world.js";
import { eventLine, LineWriter } from "./writer.js";

/** Monday 2 February 2026, 00:00 UTC: the default simulated start. */
export const DEFAULT_START = Date.UTC(2026, 1, 2);

export interface SimSetup {
  world: World;
  actors: Actor[];
  campaigns: Campaign[];
  relays: Relay[];
}

/** Builds the world, its populations and campaigns for a preset and seed. */
export function setup(preset: Preset, seed: number, source: PromptSource, start = DEFAULT_START): SimSetup {
  const world = new World({
    seed,
    start,
    days: preset.days,
    source,
    models: {
      current: ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1"],
      released: "claude-opus-4-6",
      releaseAt: start + preset.releaseDay * DAY,
    },
  });
  const rr = new Rng(seed).fork("relays");
  const relays: Relay[] = [];
  for (let i = 0; i < preset.relays; i++)
    relays.push(
      makeRelay(`relay-${i}`, rr.fork(i), i === 0 ? preset.relayIps : Math.max(2, preset.relayIps >> 2)),
    );
  const actors = buildPopulations(world, preset.legit, relays);
  const campaigns: Campaign[] = [];
  for (const k of preset.campaigns) {
    const c = new Campaign(world, k, k.egress === "reseller_relay" ? (relays[0] ?? null) : null);
    campaigns.push(c);
    actors.push(...c.actors());
  }
  return { world, actors, campaigns, relays };
}

export interface SimStats {
  exchanges: number;
  legit: number;
  attack: number;
  bytes: number;
  accounts: number;
  seconds: number;
}

export interface SimulateOptions {
  preset: Preset;
  seed: number;
  source: PromptSource;
  out: string;
  truth: string;
  start?: number;
  /** Called every `every` events with the count and the current simulated time. */
  progress?: (n: number, t: number) => void;
  every?: number;
}

/** Path of the campaign sidecar for a truth path: x.truth.jsonl -> x.truth.campaigns.json. */
export function sidecarPath(truth: string): string {
  return truth.replace(/\.jsonl(\.gz)?$/, "") + ".campaigns.json";
}

/** Runs a whole offline simulation and writes log, truth and sidecar. */
export function simulate(o: SimulateOptions): SimStats {
  const t0 = performance.now();
  const s = setup(o.preset, o.seed, o.source, o.start);
  const w = new LineWriter(o.out);
  const idBase = `ev${(o.seed >>> 0).toString(36)}`;
  let n = 0;
  let attack = 0;
  const every = o.every ?? 500_000;
  for (const e of merge(s.actors) as Generator<Emission>) {
    n++;
    e.account.exchanges++;
    if (e.account.truth.kind === "attack") attack++;
    w.write(eventLine(`${idBase}-${n.toString(36)}`, e));
    if (o.progress && n % every === 0) o.progress(n, e.t);
  }
  w.close();
  const tw = new LineWriter(o.truth);
  const populations: Record<string, number> = {};
  for (const a of s.world.accounts) {
    if (a.exchanges === 0) continue;
    tw.write(JSON.stringify(a.truth));
    populations[a.truth.population] = (populations[a.truth.population] ?? 0) + 1;
  }
  tw.close();
  const campaigns: CampaignMeta[] = s.campaigns.map((c) => c.meta());
  const sidecar = {
    format: "distillguard.sim.campaigns/v1",
    seed: o.seed,
    preset: o.preset.name,
    source: o.source.name,
    start: new Date(s.world.start).toISOString(),
    end: new Date(s.world.end).toISOString(),
    release: { model: s.world.models.released, at: new Date(s.world.models.releaseAt).toISOString() },
    exchanges: n,
    legit_exchanges: n - attack,
    attack_exchanges: attack,
    accounts_by_population: populations,
    relays: s.relays.map((r) => ({
      id: r.id,
      egress: r.egress.map((e) => e.ip),
      tls_fingerprint: r.tls,
      user_agent: r.ua,
    })),
    campaigns,
  };
  writeFileSync(sidecarPath(o.truth), `${JSON.stringify(sidecar, null, 2)}\n`);
  return {
    exchanges: n,
    legit: n - attack,
    attack,
    bytes: w.bytes,
    accounts: Object.values(populations).reduce((a, b) => a + b, 0),
    seconds: (performance.now() - t0) / 1000,
  };
}
