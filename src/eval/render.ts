/** Renders an evaluation as a compact terminal table and as Markdown. */
import type { EvalResult, SystemResult } from "./metrics.js";

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const mins = (x: number | null | undefined): string =>
  x === null || x === undefined ? "never" : x < 100 ? x.toFixed(1) : Math.round(x).toString();

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "))
    .join("\n");
}

function summaryRow(s: SystemResult): string[] {
  return [
    s.name,
    pct(s.recall),
    pct(s.legit_fpr),
    pct(s.legit_review_rate),
    pct(s.legit_exchanges_blocked_share),
    pct(s.attack_yield),
  ];
}

const SUMMARY_HEAD = [
  "system",
  "attack recall",
  "legit FPR",
  "legit review",
  "legit exch. blocked",
  "attacker yield",
];

/** Compact stdout table: one line per system, then FPR by population. */
export function renderText(r: EvalResult): string {
  const lines: string[] = [];
  lines.push(pad([SUMMARY_HEAD, ...r.systems.map(summaryRow)]));
  const pops = Object.keys(r.systems[0]?.fpr_by_population ?? {}).sort();
  lines.push("");
  lines.push(
    pad([
      ["FPR by population", ...pops],
      ...r.systems.map((s) => [s.name, ...pops.map((p) => pct(s.fpr_by_population[p] ?? 0))]),
    ]),
  );
  const camps = Object.keys(r.campaigns).sort();
  lines.push("");
  lines.push(
    pad([
      ["yield / minutes to first enforcement", ...camps],
      ...r.systems.map((s) => [
        s.name,
        ...camps.map(
          (c) => `${pct(s.yield_by_campaign[c] ?? 0)} / ${mins(s.minutes_to_first_enforcement[c])}`,
        ),
      ]),
    ]),
  );
  if (r.unknown_accounts > 0)
    lines.push(
      `\n${r.unknown_accounts} accounts (${r.unknown_exchanges} exchanges) are not in the ground truth and were skipped.`,
    );
  return lines.join("\n");
}

function mdTable(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(" | ")} |`,
    `| ${head.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

/** Markdown report with every figure. */
export function renderMarkdown(r: EvalResult, title: string): string {
  const out: string[] = [`# ${title}`, ""];
  out.push(`${r.exchanges.toLocaleString("en")} exchanges. Populations:`, "");
  out.push(
    mdTable(
      ["population", "kind", "accounts", "exchanges"],
      Object.entries(r.populations)
        .sort()
        .map(([p, s]) => [p, s.kind, String(s.accounts), s.exchanges.toLocaleString("en")]),
    ),
  );
  out.push("", "## Summary", "");
  out.push(mdTable(SUMMARY_HEAD, r.systems.map(summaryRow)));
  const pops = Object.keys(r.systems[0]?.fpr_by_population ?? {}).sort();
  out.push("", "## Legitimate accounts enforced (false-positive rate) by population", "");
  out.push(
    mdTable(
      ["system", ...pops],
      r.systems.map((s) => [s.name, ...pops.map((p) => pct(s.fpr_by_population[p] ?? 0))]),
    ),
  );
  if (r.systems.some((s) => s.kind === "detector")) {
    out.push("", "## Legitimate accounts sent to review by population", "");
    out.push(
      mdTable(
        ["system", ...pops],
        r.systems
          .filter((s) => s.kind === "detector")
          .map((s) => [s.name, ...pops.map((p) => pct(s.review_by_population[p] ?? 0))]),
      ),
    );
  }
  const camps = Object.keys(r.campaigns).sort();
  out.push(
    "",
    "## Campaigns: attacker yield (share served before enforcement) and minutes to first enforcement",
    "",
  );
  out.push(
    mdTable(
      ["system", ...camps],
      r.systems.map((s) => [
        s.name,
        ...camps.map(
          (c) => `${pct(s.yield_by_campaign[c] ?? 0)} / ${mins(s.minutes_to_first_enforcement[c])} min`,
        ),
      ]),
    ),
  );
  const det = r.systems.find((s) => s.clustering);
  if (det?.clustering) {
    out.push("", "## Campaign clustering (best-match Jaccard)", "");
    out.push(
      mdTable(
        ["campaign", "accounts", "best match", "Jaccard"],
        camps.map((c) => [
          c,
          String(r.campaigns[c]?.accounts ?? 0),
          det.clustering?.[c]?.matched ?? "-",
          (det.clustering?.[c]?.jaccard ?? 0).toFixed(3),
        ]),
      ),
    );
  }
  if (r.unknown_accounts > 0)
    out.push(
      "",
      `${r.unknown_accounts} accounts (${r.unknown_exchanges} exchanges) were not in the ground truth and were skipped.`,
    );
  return `${out.join("\n")}\n`;
}
