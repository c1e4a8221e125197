/**
 * A person at a keyboard: active on some days, sessions in local working hours, multi-turn
 * conversations with think time between turns, agent loops with quick tool rounds. Used for
 * individual developers, VPN users, members of organisations, and the low-and-slow adversary.
 */
import type { ClientIdentity } from "../clients.js";
import type { Template } from "../content/templates.js";
import type { Capability, Prompt } from "../content/types.js";
import type { Endpoint } from "../network.js";
import type { Turn } from "../request.js";
import type { Rng } from "../rng.js";
import { type Account, type Actor, DAY, type Emission, localDayStart, MINUTE, type World } from "../world.js";
import { clientSide, draw, emission, FOLLOW_UPS, firstTurn, noiseStatus, replyText } from "./common.js";

export interface HumanProfile {
  account: Account;
  /** UTC offset of the person's working hours. */
  offset: number;
  weekdayActive: number;
  weekendActive: number;
  /** Median requests on an active day, and its log-space spread. */
  perDay: number;
  perDaySigma: number;
  capabilities: Readonly<Partial<Record<Capability, number>>>;
  clients: readonly ClientIdentity[];
  /** Egress of a session (called once per session). */
  endpoint: (t: number, rng: Rng) => Endpoint;
  /** Template wrapping a conversation's first turn (null: organic). */
  template?: (rng: Rng) => Template | null;
  /** Probability to use the newly released model once out. */
  adopt: number;
  thinkingShare: number;
  /** Popularity skew when drawing prompt items (0 = uniform). */
  skew?: number;
}

const SESSION_HOURS = [
  [9, 12.5],
  [13.5, 18],
  [20, 23.5],
] as const;

/** Emits one person's exchanges across the simulated days. */
export function* humanActor(world: World, p: HumanProfile, rng: Rng): Actor {
  const caps = p.capabilities as Record<string, number>;
  const firstDay = Math.floor((world.start + p.offset * 3_600_000) / DAY);
  const lastDay = Math.floor((world.end + p.offset * 3_600_000) / DAY);
  let clock = world.start;
  for (let day = firstDay; day <= lastDay; day++) {
    const weekday = (((day + 4) % 7) + 7) % 7;
    const weekend = weekday === 0 || weekday === 6;
    if (!rng.chance(weekend ? p.weekendActive : p.weekdayActive)) continue;
    let quota = Math.max(1, Math.round(rng.lognormal(p.perDay, p.perDaySigma)));
    const sessions = Math.min(3, 1 + rng.int(quota > 10 ? 3 : 2));
    const slots = SESSION_HOURS.filter((_, i) => i < 2 || rng.chance(0.35));
    const starts: number[] = [];
    for (let s = 0; s < sessions; s++) {
      const [lo, hi] = slots[s % slots.length]!;
      starts.push(localDayStart(day, p.offset) + rng.uniform(lo, hi) * 3_600_000);
    }
    starts.sort((a, b) => a - b);
    for (let s = 0; s < starts.length && quota > 0; s++) {
      let t = Math.max(starts[s]!, clock);
      const share = s === starts.length - 1 ? quota : Math.max(1, Math.round(quota / (starts.length - s)));
      let left = share;
      const ep = p.endpoint(t, rng);
      const id = rng.pick(p.clients);
      while (left > 0) {
        const cap = rng.weighted(caps) as Capability;
        const prompt = draw(world, cap, rng, p.skew ?? 0);
        const conv = conversation(world, p, prompt, id, ep, t, rng, left);
        for (const e of conv) {
          if (e.t >= world.end) return;
          t = e.t;
          left--;
          yield e;
        }
        t += rng.lognormal(3 * MINUTE, 0.9);
      }
      quota -= share;
      clock = t;
    }
  }
}

function* conversation(
  world: World,
  p: HumanProfile,
  prompt: Prompt,
  id: ClientIdentity,
  ep: Endpoint,
  t0: number,
  rng: Rng,
  budget: number,
): Generator<Emission> {
  const template = p.template ? p.template(rng) : null;
  const { system, turn } = firstTurn(prompt, template, rng);
  const turns: Turn[] = [turn];
  const model = world.model(t0, rng, p.adopt);
  const thinking = rng.chance(p.thinkingShare) ? rng.pick([1024, 2048, 4096, 8000, 16000]) : undefined;
  const stream = rng.chance(0.55);
  const temperature = rng.chance(0.4) ? rng.pick([0, 0.2, 0.5, 0.7, 1]) : undefined;
  const maxTokens = rng.pick([1024, 2048, 4096, 8192]) + (thinking ?? 0);
  const client = clientSide(ep, id);
  const agent = prompt.capability === "agentic";
  const length = agent ? rng.range(3, 14) : 1 + Math.min(7, Math.floor(rng.exp(1.4)));
  let t = t0;
  for (let k = 0; k < length && k < budget; k++) {
    const status = noiseStatus(rng);
    yield emission(
      t,
      p.account,
      client,
      {
        api: id.api,
        model,
        turns,
        prompt,
        maxTokens,
        stream,
        ...(system ? { system } : {}),
        ...(temperature !== undefined ? { temperature } : {}),
        ...(thinking ? { thinking } : {}),
        ...(status ? { status } : {}),
      },
      rng,
    );
    if (agent) {
      const callId = `toolu_${rng.hex(12)}`;
      const tool = prompt.tools?.[rng.int(prompt.tools.length)];
      turns.push({
        role: "assistant",
        toolCall: { id: callId, name: tool?.name ?? "run_command", input: { path: "src/app.ts" } },
      });
      turns.push({ role: "user", toolResult: { id: callId, content: toolOutput(rng) } });
      t += rng.lognormal(6_000, 0.6);
    } else {
      turns.push({ role: "assistant", text: replyText(rng, prompt.capability) });
      turns.push({ role: "user", text: rng.pick(FOLLOW_UPS) });
      t += rng.lognormal(50_000, 0.9);
    }
    if (turns.length > 24) break;
  }
}

/** Short fake tool output (file excerpt, test run). */
export function toolOutput(rng: Rng): string {
  return rng.pick([
    "export function parse(input: string) {\n  const parts = input.split(',');\n  return parts.map(Number);\n}",
    "PASS tests/parse.test.ts (12 tests)\nFAIL tests/cache.test.ts\n  expected 3, received undefined",
    "src/core/cache.py:42: def get(self, key):\nsrc/core/cache.py:57: def put(self, key, value):",
    "Traceback (most recent call last):\n  File \"app.py\", line 18, in <module>\nKeyError: 'user_id'",
    "ok  \tgithub.com/acme/jobs\t0.412s",
  ]);
}
