/**
 * Per-population statistics of a simulated log, to check that each population looks like what it
 * models. Usage: node dist/bench/sim-stats.js LOG TRUTH > stats.md
 * Prints Markdown: requests/day per account, local hour-of-day shape, turns per request, distinct
 * IPs / user agents / TLS fingerprints per account, network class mix, template concentration (the
 * account's most used system prompt, or system-prompt head + user-text head or tail, and how many
 * accounts share it).
 */

import { readTruth } from "../src/eval/run.js";
import { readEvents } from "../src/events/reader.js";
import { UTC_OFFSET } from "../src/sim/network.js";

interface Acc {
  pop: string;
  n: number;
  first: number;
  last: number;
  days: Set<number>;
  ips: Set<string>;
  uas: Set<string>;
  tls: Set<string>;
  /** Template keys: system head with the user text's head (prefix templates) or tail (suffix templates). */
  heads: Map<string, number>;
  tails: Map<string, number>;
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
}

function firstUser(req: Record<string, unknown>): { system: string; user: string; turns: number } {
  const msgs = (req.messages as { role: string; content: unknown }[] | undefined) ?? [];
  let system = typeof req.system === "string" ? req.system : "";
  let user = "";
  for (const m of msgs) {
    if (m.role === "system" && typeof m.content === "string") system = m.content;
    if (m.role === "user" && user === "") {
      if (typeof m.content === "string") user = m.content;
      else if (Array.isArray(m.content)) {
        const t = (m.content as { type: string; text?: string }[]).find((b) => b.type === "text");
        user = t?.text ?? "";
      }
    }
  }
  return { system, user, turns: msgs.filter((m) => m.role !== "system").length };
}

async function main(): Promise<void> {
  const [log, truthPath] = process.argv.slice(2);
  if (!log || !truthPath) {
    process.stderr.write("usage: sim-stats LOG TRUTH\n");
    process.exit(2);
  }
  const truth = new Map(readTruth(truthPath).map((t) => [t.account_id, t]));
  const accs = new Map<string, Acc>();
  const popHours = new Map<string, number[]>();
  const popTurns = new Map<string, number[]>();
  const popNet = new Map<string, Map<string, number>>();
  const keyAccounts = new Map<string, Set<string>>();
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = 0;
  for await (const item of readEvents(log)) {
    const e = item.event;
    if (!e) continue;
    const tr = truth.get(e.account_id);
    if (!tr) continue;
    const pop = tr.population;
    const t = Date.parse(e.time);
    t0 = Math.min(t0, t);
    t1 = Math.max(t1, t);
    let a = accs.get(e.account_id);
    if (!a) {
      a = {
        pop,
        n: 0,
        first: t,
        last: t,
        days: new Set(),
        ips: new Set(),
        uas: new Set(),
        tls: new Set(),
        heads: new Map(),
        tails: new Map(),
      };
      accs.set(e.account_id, a);
    }
    a.n++;
    a.last = t;
    a.days.add(Math.floor(t / 86_400_000));
    const c = e.client ?? {};
    if (c.ip) a.ips.add(c.ip);
    if (c.user_agent) a.uas.add(c.user_agent);
    if (c.tls_fingerprint) a.tls.add(c.tls_fingerprint);
    const off = UTC_OFFSET[c.country ?? ""] ?? 0;
    const h = Math.floor((((t / 3_600_000 + off) % 24) + 24) % 24);
    const hours = popHours.get(pop) ?? new Array(24).fill(0);
    hours[h]++;
    popHours.set(pop, hours);
    const nets = popNet.get(pop) ?? new Map<string, number>();
    nets.set(c.network ?? "unknown", (nets.get(c.network ?? "unknown") ?? 0) + 1);
    popNet.set(pop, nets);
    const fu = firstUser(e.request);
    const turns = popTurns.get(pop) ?? [];
    if (turns.length < 200_000) turns.push(fu.turns);
    popTurns.set(pop, turns);
    const sys = fu.system.slice(0, 80);
    const keys: [Map<string, number>, string][] = [
      [a.heads, `H${sys}|${fu.user.slice(0, 32)}`],
      [a.tails, `T${sys}|${fu.user.slice(-40)}`],
    ];
    if (sys !== "") keys.push([a.heads, `S${fu.system.slice(0, 160)}`]);
    for (const [map, key] of keys) {
      map.set(key, (map.get(key) ?? 0) + 1);
      const ka = keyAccounts.get(key) ?? new Set<string>();
      if (ka.size < 100_000) ka.add(e.account_id);
      keyAccounts.set(key, ka);
    }
  }
  const days = Math.max(1, (t1 - t0) / 86_400_000);
  const pops = [...new Set([...accs.values()].map((a) => a.pop))].sort();
  const rows: string[][] = [];
  const spark = "▁▂▃▄▅▆▇█";
  for (const p of pops) {
    const list = [...accs.values()].filter((a) => a.pop === p);
    const perDay = list.map((a) => a.n / days);
    const perActiveDay = list.map((a) => a.n / a.days.size);
    const hours = popHours.get(p)!;
    const max = Math.max(...hours);
    const shape = hours.map((x) => spark[Math.min(7, Math.floor((x / max) * 7.99))]).join("");
    const work = hours.slice(8, 20).reduce((s, x) => s + x, 0) / hours.reduce((s, x) => s + x, 0);
    const turns = popTurns.get(p)!;
    const top = (a: Acc): [string, number] => {
      let key = "";
      let best = -1;
      for (const m of [a.heads, a.tails]) {
        for (const [k, v] of m) {
          if (v > best) {
            key = k;
            best = v;
          }
        }
      }
      return [key, best];
    };
    const conc = list.map((a) => top(a)[1] / a.n);
    const sharing = list.map((a) => keyAccounts.get(top(a)[0])?.size ?? 1);
    const nets = popNet.get(p)!;
    const total = [...nets.values()].reduce((s, x) => s + x, 0);
    const netMix = [...nets.entries()]
      .sort((x, y) => y[1] - x[1])
      .map(([k, v]) => `${k} ${Math.round((v / total) * 100)}%`)
      .join(", ");
    rows.push([
      p,
      String(list.length),
      `${quantile(perDay, 0.5).toFixed(1)} / ${quantile(perDay, 0.9).toFixed(1)}`,
      `${quantile(perActiveDay, 0.5).toFixed(0)} / ${quantile(perActiveDay, 0.99).toFixed(0)}`,
      `\`${shape}\``,
      `${Math.round(work * 100)}%`,
      `${(turns.reduce((s, x) => s + x, 0) / turns.length).toFixed(1)} / ${quantile(turns, 0.9)}`,
      `${quantile(
        list.map((a) => a.ips.size),
        0.5,
      )} / ${quantile(
        list.map((a) => a.ips.size),
        0.9,
      )}`,
      `${quantile(
        list.map((a) => a.uas.size),
        0.5,
      )} / ${quantile(
        list.map((a) => a.tls.size),
        0.5,
      )}`,
      netMix,
      `${Math.round(quantile(conc, 0.5) * 100)}%`,
      String(quantile(sharing, 0.5)),
    ]);
  }
  const head = [
    "population",
    "accounts",
    "req/day p50/p90",
    "req/active day p50/p99",
    "local hour 0-23",
    "08-20h",
    "turns mean/p90",
    "IPs p50/p90",
    "UAs/TLS p50",
    "network",
    "top template share p50",
    "accounts sharing top template p50",
  ];
  const out = [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
  process.stdout.write(`${out.join("\n")}\n`);
}

await main();
