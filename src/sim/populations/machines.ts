/**
 * Server-side legitimate populations: production apps (one system prompt, many end users, diurnal
 * load, cloud egress), batch jobs (templated prompts over documents in bursts at high concurrency,
 * some generating training data, which is legitimate), and evaluation harnesses (public benchmark
 * items in fixed templates, repeated runs, a burst on every new model within a day of release).
 */
import type { ClientIdentity } from "../clients.js";
import { BATCH_TEMPLATES, HARNESS_TEMPLATES, type Template } from "../content/templates.js";
import type { Capability } from "../content/types.js";
import type { Endpoint } from "../network.js";
import type { Turn } from "../request.js";
import type { Rng } from "../rng.js";
import { type Account, type Actor, DAY, HOUR, localHour, MINUTE, type World } from "../world.js";
import {
  clientSide,
  diurnal,
  draw,
  emission,
  FOLLOW_UPS,
  firstTurn,
  noiseStatus,
  replyText,
} from "./common.js";

export interface AppProfile {
  account: Account;
  /** Requests per day at peak-adjusted average. */
  perDay: number;
  /** UTC offset of the app's market (drives the diurnal curve). */
  offset: number;
  capability: Capability;
  /** The app's one fixed system prompt. */
  system: string;
  egress: readonly Endpoint[];
  client: ClientIdentity;
  endUsers: number;
  adopt: number;
}

/** Requests from a deployed application on behalf of its end users. */
export function* appActor(world: World, p: AppProfile, rng: Rng): Actor {
  const peak = (p.perDay / DAY) * 2.2; // per ms, at diurnal peak
  const model = world.models.current[rng.int(Math.min(2, world.models.current.length))]!;
  const maxTokens = rng.pick([512, 1024, 2048]);
  const temperature = rng.pick([0.3, 0.7, 1]);
  const stream = rng.chance(0.6);
  let t = world.start + rng.exp(1 / peak);
  let migrated = false;
  while (t < world.end) {
    if (rng.chance(diurnal(localHour(t, p.offset)) / 1)) {
      if (!migrated && t > world.models.releaseAt + 7 * DAY * rng.float()) migrated = rng.chance(p.adopt);
      const prompt = draw(world, p.capability, rng, 1.05);
      const { turn } = firstTurn(prompt, null, undefined);
      const turns: Turn[] = [turn];
      const history = Math.min(3, Math.floor(rng.exp(0.8)));
      for (let k = 0; k < history; k++) {
        turns.push({ role: "assistant", text: replyText(rng, p.capability) });
        turns.push({ role: "user", text: rng.pick(FOLLOW_UPS) });
      }
      const status = noiseStatus(rng);
      yield emission(
        t,
        p.account,
        clientSide(rng.pick(p.egress), p.client),
        {
          api: p.client.api,
          model: migrated ? world.models.released : model,
          system: p.system + (prompt.system ? `\n\n${prompt.system}` : ""),
          turns,
          prompt,
          maxTokens,
          temperature,
          stream,
          user: `u_${(rng.zipf(p.endUsers, 1.05) * 2654435761) >>> 0}`,
          ...(status ? { status } : {}),
        },
        rng,
      );
    }
    t += rng.exp(1 / peak);
  }
}

export interface BatchProfile {
  account: Account;
  /** Mean days between runs. */
  everyDays: number;
  /** Median documents per run. */
  runSize: number;
  /** Requests per second while running (concurrency over latency). */
  rate: number;
  templates: readonly Template[];
  capability: Capability;
  egress: readonly Endpoint[];
  client: ClientIdentity;
  offset: number;
  thinking?: number;
}

/** Scheduled batch runs: thousands of templated requests at high concurrency, then silence. */
export function* batchActor(world: World, p: BatchProfile, rng: Rng): Actor {
  let t = world.start + rng.uniform(0, p.everyDays * DAY);
  const model = world.models.current[0]!;
  while (t < world.end) {
    // Nightly-ish start in local time, with slack.
    const dayStart = Math.floor((t + p.offset * HOUR) / DAY) * DAY - p.offset * HOUR;
    let s = dayStart + rng.uniform(0, 6) * HOUR + (rng.chance(0.5) ? 0 : 14 * HOUR);
    if (s < t) s += DAY;
    const size = Math.max(50, Math.round(rng.lognormal(p.runSize, 0.7)));
    const template = rng.pick(p.templates);
    const ep = rng.pick(p.egress);
    const client = clientSide(ep, p.client);
    const ratePerMs = p.rate / 1000;
    for (let i = 0; i < size && s < world.end; i++) {
      const prompt = draw(world, p.capability, rng);
      const { system, turn } = firstTurn(prompt, template, undefined);
      const status = noiseStatus(rng);
      yield emission(
        s,
        p.account,
        client,
        {
          api: p.client.api,
          model,
          turns: [turn],
          prompt,
          maxTokens: p.thinking ? 4096 + p.thinking : 1024,
          temperature: 0,
          stream: false,
          ...(system ? { system } : {}),
          ...(p.thinking ? { thinking: p.thinking } : {}),
          ...(status ? { status } : {}),
        },
        rng,
      );
      s += rng.exp(1 / ratePerMs);
    }
    t = s + rng.lognormal(p.everyDays * DAY, 0.4);
  }
}

export interface HarnessProfile {
  account: Account;
  /** Benchmark suite: capability, template, items per run. */
  suite: readonly { cap: Capability; template: Template; items: number }[];
  /** Repeats per item in one run (pass@k, sampling). */
  repeats: number;
  rate: number;
  everyDays: number;
  egress: readonly Endpoint[];
  client: ClientIdentity;
  /** Probability this harness evaluates a newly released model within a day. */
  evaluatesReleases: number;
}

/** Benchmark runs: the same public items in the same template, again and again. */
export function* harnessActor(world: World, p: HarnessProfile, rng: Rng): Actor {
  const runs: { at: number; model: string }[] = [];
  let t = world.start + rng.uniform(0, p.everyDays * DAY);
  while (t < world.end) {
    runs.push({ at: t, model: world.models.current[rng.int(world.models.current.length)]! });
    t += rng.lognormal(p.everyDays * DAY, 0.5);
  }
  if (rng.chance(p.evaluatesReleases))
    runs.push({ at: world.models.releaseAt + rng.uniform(0.5, 20) * HOUR, model: world.models.released });
  runs.sort((a, b) => a.at - b.at);
  let clock = world.start;
  const ratePerMs = p.rate / 1000;
  for (const run of runs) {
    let s = Math.max(run.at, clock);
    const client = clientSide(rng.pick(p.egress), p.client);
    const temperature = rng.pick([0, 0, 0.7]);
    for (const part of p.suite) {
      for (let r = 0; r < p.repeats; r++) {
        for (let i = 0; i < part.items; i++) {
          if (s >= world.end) return;
          const prompt = world.source.item(part.cap, i);
          const { system, turn } = firstTurn(prompt, part.template, undefined);
          const status = noiseStatus(rng);
          yield emission(
            s,
            p.account,
            client,
            {
              api: p.client.api,
              model: run.model,
              turns: [turn],
              prompt,
              maxTokens: 2048,
              temperature,
              stream: false,
              ...(system ? { system } : {}),
              ...(status ? { status } : {}),
            },
            rng,
          );
          s += rng.exp(1 / ratePerMs);
        }
      }
    }
    clock = s + 10 * MINUTE;
  }
}

/** A harness suite drawn from the standard benchmark shapes. */
export function harnessSuite(rng: Rng, scale: number): HarnessProfile["suite"] {
  const T = (id: string): Template => HARNESS_TEMPLATES.find((x) => x.id === id)!;
  const all = [
    {
      cap: "math" as const,
      template: T(rng.chance(0.5) ? "h-gsm-cot" : "h-math-answer"),
      items: Math.round(1319 * scale),
    },
    { cap: "code" as const, template: T("h-code"), items: Math.round(164 * scale) },
    { cap: "tool_use" as const, template: T("h-tools"), items: Math.round(400 * scale) },
    { cap: "rubric" as const, template: T("h-judge"), items: Math.round(160 * scale) },
  ];
  const picked = all.filter(() => rng.chance(0.6));
  return picked.length > 0 ? picked : [all[0]!];
}

/** A batch template set: document processing, or training-data generation (chain of thought). */
export function batchTemplates(rng: Rng): {
  templates: Template[];
  capability: Capability;
  thinking?: number;
} {
  if (rng.chance(0.25)) {
    const cot = HARNESS_TEMPLATES.find((x) => x.id === "h-math-answer")!;
    return {
      templates: [cot],
      capability: rng.pick(["math", "code"] as const),
      ...(rng.chance(0.5) ? { thinking: 4096 } : {}),
    };
  }
  return { templates: [rng.pick(BATCH_TEMPLATES)], capability: "document" };
}
