/**
 * Throughput and memory of `analyze` end to end (read + parse + features + engine + report).
 * Usage: node --expose-gc dist/bench/analyze.bench.js LOG [LOG ...]
 * Prints one JSON line per log: events, wall seconds, events/s, CPU seconds (user+system, all threads;
 * a fairer figure on a shared machine), peak RSS (MiB), accounts, campaigns.
 */
import { analyzeLog } from "../src/cli/commands/analyze.js";

for (const path of process.argv.slice(2)) {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const report = (await analyzeLog(path, { progress: true })) as {
    input: { events: number };
    accounts: unknown[];
    campaigns: unknown[];
  };
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const peak = process.resourceUsage().maxRSS / 1024;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(
    JSON.stringify({
      log: path,
      events: report.input.events,
      seconds: Math.round(seconds * 10) / 10,
      events_per_s: Math.round(report.input.events / seconds),
      cpu_seconds: Math.round(cpuSeconds * 10) / 10,
      events_per_cpu_s: Math.round(report.input.events / cpuSeconds),
      peak_rss_mib: Math.round(peak),
      accounts: report.accounts.length,
      campaigns: report.campaigns.length,
    }),
  );
}
