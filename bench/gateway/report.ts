import type { LoadResult } from "./loadgen.js";
import { median } from "./stats.js";

/** One load shape of the benchmark. */
export interface Scenario {
  name: string;
  mode: "open" | "closed";
  stream: boolean;
  rate?: number;
  concurrency?: number;
}

/** One measured run: one scenario against one configuration in one round. */
export interface RunRecord {
  round: number;
  scenario: string;
  config: string;
  result: LoadResult;
  /** CPU the proxy process used per second of the run (1 = one core), null for "direct". */
  proxyCores: number | null;
  /** Proxy CPU per completed request (µs). */
  proxyCpuUsPerReq: number | null;
  upstreamCores: number | null;
}

/** Medians across rounds of one configuration in one scenario. */
export interface Summary {
  scenario: string;
  config: string;
  rounds: number;
  sent: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  ttfbP50: number;
  ttfbP99: number;
  /** Median across rounds of (this config's percentile − direct's percentile in the same round). */
  addedP50: number;
  addedP90: number;
  addedP99: number;
  addedTtfbP50: number;
  addedTtfbP99: number;
  rps: number;
  proxyCpuUsPerReq: number;
  sendLagP99: number;
}

const BASELINE = "direct";

/** Medians across rounds per (scenario, config); "added" figures are paired with direct per round. */
export function aggregate(
  runs: readonly RunRecord[],
  scenarios: readonly Scenario[],
  configs: readonly string[],
) {
  const out: Summary[] = [];
  for (const s of scenarios) {
    for (const c of configs) {
      const mine = runs.filter((r) => r.scenario === s.name && r.config === c);
      if (mine.length === 0) continue;
      const added = (pick: (r: LoadResult) => number) =>
        median(
          mine.map((r) => {
            const base = runs.find(
              (b) => b.scenario === s.name && b.config === BASELINE && b.round === r.round,
            );
            return base ? pick(r.result) - pick(base.result) : Number.NaN;
          }),
        );
      const m = (pick: (r: RunRecord) => number | null | undefined) =>
        median(mine.map((r) => pick(r) ?? Number.NaN));
      out.push({
        scenario: s.name,
        config: c,
        rounds: mine.length,
        sent: mine.reduce((a, r) => a + r.result.sent, 0),
        errors: mine.reduce((a, r) => a + r.result.errors, 0),
        p50: m((r) => r.result.latency.p50),
        p90: m((r) => r.result.latency.p90),
        p99: m((r) => r.result.latency.p99),
        ttfbP50: m((r) => r.result.ttfb.p50),
        ttfbP99: m((r) => r.result.ttfb.p99),
        addedP50: added((r) => r.latency.p50),
        addedP90: added((r) => r.latency.p90),
        addedP99: added((r) => r.latency.p99),
        addedTtfbP50: added((r) => r.ttfb.p50),
        addedTtfbP99: added((r) => r.ttfb.p99),
        rps: m((r) => r.result.rps),
        proxyCpuUsPerReq: m((r) => r.proxyCpuUsPerReq),
        sendLagP99: m((r) => r.result.sendLag?.p99),
      });
    }
  }
  return out;
}

/** One target of the issue's proof list, checked against the summaries. */
export interface TargetCheck {
  target: string;
  value: string;
  pass: boolean | null;
}

const fmt = (v: number, digits = 2) => (Number.isNaN(v) ? "–" : v.toFixed(digits));

/** Checks the issue's targets for `subject` (distillguard) against passthrough and Portkey. */
export function checkTargets(
  sums: readonly Summary[],
  scenarios: readonly Scenario[],
  subject: string,
): TargetCheck[] {
  const get = (scenario: string | undefined, config: string) =>
    sums.find((s) => s.scenario === scenario && s.config === config);
  const checks: TargetCheck[] = [];
  const json1000 = scenarios.find((s) => s.mode === "open" && !s.stream && s.rate === 1000)?.name;
  const dg = get(json1000, subject);
  if (dg) {
    checks.push({
      target: "p99 added latency ≤ 1 ms at 1,000 req/s (non-streaming)",
      value: `${fmt(dg.addedP99)} ms`,
      pass: dg.addedP99 <= 1,
    });
  }
  for (const s of scenarios.filter((x) => x.stream)) {
    const d = get(s.name, subject);
    if (!d) continue;
    checks.push({
      target: `time-to-first-byte overhead ≤ 1 ms streaming (${s.name}; p50 / p99)`,
      value: `${fmt(d.addedTtfbP50)} / ${fmt(d.addedTtfbP99)} ms`,
      pass: d.addedTtfbP50 <= 1 && d.addedTtfbP99 <= 1,
    });
  }
  const peak = scenarios.find((s) => s.mode === "closed")?.name;
  const dp = get(peak, subject);
  const pp = get(peak, "passthrough");
  if (dp && pp) {
    checks.push({
      target: "peak throughput ≥ 80 % of the bare passthrough",
      value: `${fmt(dp.rps, 0)} vs ${fmt(pp.rps, 0)} req/s = ${fmt((100 * dp.rps) / pp.rps, 0)} %`,
      pass: dp.rps >= 0.8 * pp.rps,
    });
  }
  const kp = get(json1000, "portkey");
  const kt = scenarios
    .filter((x) => x.stream)
    .map((x) => [get(x.name, subject), get(x.name, "portkey")] as const);
  const kpeak = get(peak, "portkey");
  if (dg && kp && dp && kpeak && kt.every(([a, b]) => a && b)) {
    const aheadLatency = dg.addedP99 < kp.addedP99;
    const aheadTtfb = kt.every(
      ([a, b]) => a!.addedTtfbP50 < b!.addedTtfbP50 && a!.addedTtfbP99 < b!.addedTtfbP99,
    );
    const aheadPeak = dp.rps > kpeak.rps;
    checks.push({
      target: "ahead of Portkey on all three",
      value: `p99 added ${fmt(dg.addedP99)} vs ${fmt(kp.addedP99)} ms; TTFB added ${kt
        .map(([a, b]) => `${fmt(a!.addedTtfbP99)} vs ${fmt(b!.addedTtfbP99)} ms (p99)`)
        .join(", ")}; peak ${fmt(dp.rps, 0)} vs ${fmt(kpeak.rps, 0)} req/s`,
      pass: aheadLatency && aheadTtfb && aheadPeak,
    });
  } else {
    checks.push({ target: "ahead of Portkey on all three", value: "Portkey not measured", pass: null });
  }
  return checks;
}

/** The results as Markdown: one table per scenario, then the targets. */
export function markdown(
  sums: readonly Summary[],
  scenarios: readonly Scenario[],
  checks: readonly TargetCheck[],
) {
  const lines: string[] = [];
  for (const s of scenarios) {
    const rows = sums.filter((x) => x.scenario === s.name);
    if (rows.length === 0) continue;
    const what =
      s.mode === "open"
        ? `open loop, ${s.rate} req/s, ${s.stream ? "streaming (SSE)" : "non-streaming"}`
        : `closed loop, ${s.concurrency} in flight, ${s.stream ? "streaming" : "non-streaming"}`;
    lines.push(`#### ${s.name} — ${what}`, "");
    if (s.stream) {
      lines.push(
        "| config | TTFB p50 | TTFB p99 | added TTFB p50 | added TTFB p99 | total p50 | total p99 | added total p99 | proxy CPU µs/req | errors / sent |",
        "| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |",
      );
      for (const r of rows) {
        lines.push(
          `| ${r.config} | ${fmt(r.ttfbP50)} | ${fmt(r.ttfbP99)} | ${fmt(r.addedTtfbP50)} | ${fmt(r.addedTtfbP99)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.addedP99)} | ${fmt(r.proxyCpuUsPerReq, 0)} | ${r.errors} / ${r.sent} |`,
        );
      }
    } else {
      lines.push(
        "| config | p50 | p90 | p99 | added p50 | added p90 | added p99 | req/s | proxy CPU µs/req | errors / sent |",
        "| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |",
      );
      for (const r of rows) {
        lines.push(
          `| ${r.config} | ${fmt(r.p50)} | ${fmt(r.p90)} | ${fmt(r.p99)} | ${fmt(r.addedP50)} | ${fmt(r.addedP90)} | ${fmt(r.addedP99)} | ${fmt(r.rps, 0)} | ${fmt(r.proxyCpuUsPerReq, 0)} | ${r.errors} / ${r.sent} |`,
        );
      }
    }
    lines.push("");
  }
  lines.push(
    "#### Targets (distillguard, recording on)",
    "",
    "| target | measured | met |",
    "| --- | --- | --- |",
  );
  for (const c of checks)
    lines.push(`| ${c.target} | ${c.value} | ${c.pass === null ? "n/a" : c.pass ? "yes" : "**no**"} |`);
  lines.push("");
  return lines.join("\n");
}
