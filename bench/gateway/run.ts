/**
 * Gateway overhead benchmark: direct to a local upstream vs a bare undici passthrough vs distillguard
 * (recording on, and with no storage sinks) vs Portkey's open-source gateway, each server in its own
 * process, the load generator in another. Configurations are interleaved round-robin inside every
 * round so machine noise hits them alike; figures are medians across rounds.
 *
 *   npm run build && node dist/bench/gateway/run.js --rounds 3 --duration 5
 *
 * Writes bench/results/gateway-<date>.json and prints Markdown tables.
 */
import { execSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { request } from "undici";
import type { LoadJob, LoadResult } from "./loadgen.js";
import { Child, cpuSeconds, freePort, spawnServer } from "./procs.js";
import { aggregate, checkTargets, markdown, type RunRecord, type Scenario } from "./report.js";
import { rotation } from "./stats.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const here = fileURLToPath(new URL(".", import.meta.url));

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "5" },
    warmup: { type: "string", default: "1" },
    rates: { type: "string", default: "500,1000" },
    "stream-rates": { type: "string", default: "250" },
    concurrency: { type: "string", default: "64" },
    "stream-events": { type: "string", default: "10" },
    "stream-gap": { type: "string", default: "1" },
    dialect: { type: "string", default: "openai" },
    configs: { type: "string", default: "direct,passthrough,distillguard,distillguard-norec,portkey" },
    portkey: {
      type: "string",
      default: join(root, "bench/gateway/.portkey/node_modules/@portkey-ai/gateway"),
    },
    out: { type: "string" },
    profile: { type: "string" },
    /** Another built checkout (e.g. the commit before a change): adds "distillguard@<label>" from it. */
    compare: { type: "string" },
    "compare-label": { type: "string", default: "before" },
  },
});

const num = (s: string | undefined) => Number(s);
const rounds = num(args.rounds);
const duration = num(args.duration);
const warmup = num(args.warmup);
const anthropic = args.dialect === "anthropic";
const UPSTREAM_KEY = "sk-bench-upstream-key";
const log = (s: string) => process.stderr.write(`${s}\n`);

const scenarios: Scenario[] = [
  ...String(args.rates)
    .split(",")
    .filter(Boolean)
    .map((r): Scenario => ({ name: `json@${r}`, mode: "open", stream: false, rate: num(r) })),
  ...String(args["stream-rates"])
    .split(",")
    .filter(Boolean)
    .map((r): Scenario => ({ name: `sse@${r}`, mode: "open", stream: true, rate: num(r) })),
  { name: `peak@${args.concurrency}`, mode: "closed", stream: false, concurrency: num(args.concurrency) },
];

function body(stream: boolean): string {
  const messages = [{ role: "user", content: "Write one short sentence about a fox." }];
  return JSON.stringify(
    anthropic
      ? { model: "claude-bench", max_tokens: 64, messages, ...(stream ? { stream: true } : {}) }
      : { model: "gpt-bench", max_tokens: 64, messages, ...(stream ? { stream: true } : {}) },
  );
}

/** Client headers carrying `credential` in the dialect's own way. */
function authHeaders(credential: string): Record<string, string> {
  return anthropic
    ? { "x-api-key": credential, "anthropic-version": "2023-06-01", "content-type": "application/json" }
    : { authorization: `Bearer ${credential}`, "content-type": "application/json" };
}

interface Target {
  name: string;
  origin: string;
  headers: Record<string, string>;
  pid: number | null;
  stop(): Promise<unknown>;
}

async function main(): Promise<void> {
  const started = new Date();
  const load0 = loadavg();
  const serverJs = join(here, "server.js");
  const path = anthropic ? "/v1/messages" : "/v1/chat/completions";
  const wanted = String(args.configs).split(",");

  const [upstream, up] = await Child.fork(serverJs, [
    "upstream",
    JSON.stringify({
      upstreamKey: UPSTREAM_KEY,
      streamEvents: num(args["stream-events"]),
      streamGapMs: num(args["stream-gap"]),
    }),
  ]);
  const upstreamUrl = String(up.url);
  const [loadgen] = await Child.fork(join(here, "loadgen.js"), []);
  const targets: Target[] = [];
  const skipped: Record<string, string> = {};

  if (wanted.includes("direct")) {
    targets.push({
      name: "direct",
      origin: upstreamUrl,
      headers: authHeaders(UPSTREAM_KEY),
      pid: null,
      stop: async () => {},
    });
  }
  if (wanted.includes("passthrough")) {
    const [c, r] = await Child.fork(serverJs, [
      "passthrough",
      JSON.stringify({ upstreamUrl, upstreamKey: UPSTREAM_KEY }),
    ]);
    targets.push({
      name: "passthrough",
      origin: String(r.url),
      headers: authHeaders(UPSTREAM_KEY),
      pid: c.pid,
      stop: () => c.close(),
    });
  }
  for (const [name, recording] of [
    ["distillguard", true],
    ["distillguard-norec", false],
  ] as const) {
    if (!wanted.includes(name)) continue;
    const execArgv = args.profile
      ? ["--cpu-prof", `--cpu-prof-dir=${args.profile}`, `--cpu-prof-name=${name}-${process.pid}.cpuprofile`]
      : [];
    const [c, r] = await Child.fork(
      serverJs,
      ["distillguard", JSON.stringify({ upstreamUrl, upstreamKey: UPSTREAM_KEY, recording })],
      execArgv,
    );
    targets.push({
      name,
      origin: String(r.url),
      headers: authHeaders(String(r.secret)),
      pid: c.pid,
      stop: () => c.close(30_000),
    });
  }
  if (args.compare) {
    const name = `distillguard@${args["compare-label"]}`;
    const [c, r] = await Child.fork(join(String(args.compare), "dist/bench/gateway/server.js"), [
      "distillguard",
      JSON.stringify({ upstreamUrl, upstreamKey: UPSTREAM_KEY, recording: true }),
    ]);
    targets.push({
      name,
      origin: String(r.url),
      headers: authHeaders(String(r.secret)),
      pid: c.pid,
      stop: () => c.close(30_000),
    });
  }
  let portkeyVersion: string | null = null;
  if (wanted.includes("portkey")) {
    const entry = join(String(args.portkey), "build/start-server.js");
    if (!existsSync(entry)) {
      skipped.portkey = `not installed at ${args.portkey} (run \`npm run bench:gateway:portkey\`)`;
    } else {
      try {
        portkeyVersion = (
          JSON.parse(readFileSync(join(String(args.portkey), "package.json"), "utf8")) as { version: string }
        ).version;
        const port = await freePort();
        const origin = `http://127.0.0.1:${port}`;
        const proc = await spawnServer(
          process.execPath,
          [entry, `--port=${port}`, "--headless"],
          { ...process.env, NODE_ENV: "production" },
          async () => {
            const r = await request(`${origin}/`);
            await r.body.dump();
            return r.statusCode < 500;
          },
        );
        const headers = {
          ...authHeaders(UPSTREAM_KEY),
          "x-portkey-provider": anthropic ? "anthropic" : "openai",
          "x-portkey-custom-host": `${upstreamUrl}/v1`,
        };
        targets.push({
          name: "portkey",
          origin,
          headers,
          pid: proc.pid ?? null,
          stop: async () => {
            proc.kill("SIGTERM");
            await new Promise((r) => proc.once("exit", r));
          },
        });
      } catch (err) {
        skipped.portkey = (err as Error).message;
      }
    }
  }

  // Every configuration must answer correctly before it is measured.
  for (const t of [...targets]) {
    for (const stream of [false, true]) {
      const r = await request(`${t.origin}${path}`, {
        method: "POST",
        headers: t.headers,
        body: body(stream),
      });
      const text = await r.body.text();
      const good =
        r.statusCode === 200 &&
        (stream
          ? text.includes(anthropic ? "message_stop" : "[DONE]")
          : text.includes(anthropic ? "msg_bench" : "chatcmpl-bench"));
      if (!good) {
        skipped[t.name] =
          `sanity check failed (${stream ? "stream" : "json"}): ${r.statusCode} ${text.slice(0, 300)}`;
        targets.splice(targets.indexOf(t), 1);
        await t.stop();
        break;
      }
    }
  }
  for (const [name, why] of Object.entries(skipped)) log(`skipping ${name}: ${why}`);

  const runs: RunRecord[] = [];
  const loads: number[][] = [load0];
  let jobId = 0;
  const total = rounds * scenarios.length * targets.length;
  for (let round = 0; round < rounds; round++) {
    for (const [si, s] of scenarios.entries()) {
      for (const t of rotation(targets, round + si)) {
        const job: LoadJob = {
          origin: t.origin,
          path,
          headers: t.headers,
          body: body(s.stream),
          mode: s.mode,
          ...(s.rate ? { rate: s.rate } : {}),
          ...(s.concurrency ? { concurrency: s.concurrency } : {}),
          durationS: duration,
          warmupS: warmup,
        };
        const cpu0 = t.pid ? cpuSeconds(t.pid) : null;
        const ucpu0 = cpuSeconds(upstream.pid);
        const t0 = performance.now();
        const reply = await loadgen.ask({ type: "job", id: ++jobId, job }, "result");
        if (reply.error) throw new Error(`load generator: ${String(reply.error)}`);
        const result = reply.result as LoadResult;
        // CPU is sampled around warmup + window; scale to the window by wall time.
        const wall = (performance.now() - t0) / 1000;
        const cpu1 = t.pid ? cpuSeconds(t.pid) : null;
        const ucpu1 = cpuSeconds(upstream.pid);
        const proxyCores = cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / wall : null;
        runs.push({
          round,
          scenario: s.name,
          config: t.name,
          result,
          proxyCores,
          proxyCpuUsPerReq: proxyCores !== null && result.rps > 0 ? (proxyCores / result.rps) * 1e6 : null,
          upstreamCores: ucpu0 !== null && ucpu1 !== null ? (ucpu1 - ucpu0) / wall : null,
        });
        log(
          `[${runs.length}/${total}] round ${round + 1} ${s.name} ${t.name}: p50 ${result.latency.p50.toFixed(2)} p99 ${result.latency.p99.toFixed(2)} ttfb p99 ${result.ttfb.p99.toFixed(2)} ms, ${result.rps.toFixed(0)} req/s, ${result.errors} errors${result.errorSamples[0] ? ` (${result.errorSamples[0]})` : ""}`,
        );
      }
    }
    loads.push(loadavg());
  }

  const serverStats: Record<string, unknown> = {};
  for (const t of targets) serverStats[t.name] = await t.stop();
  serverStats.upstream = await upstream.close();
  loadgen.proc.send({ type: "close" });
  await loadgen.exited;

  const names = targets.map((t) => t.name);
  const summaries = aggregate(runs, scenarios, names);
  const checks = checkTargets(summaries, scenarios, "distillguard");
  const table = markdown(summaries, scenarios, checks);
  const date = started.toISOString().slice(0, 10);
  const out = args.out ?? join(root, `bench/results/gateway-${date}.json`);
  mkdirSync(join(out, ".."), { recursive: true });
  let commit: string | null = null;
  try {
    commit = execSync("git rev-parse --short HEAD", { cwd: root, encoding: "utf8" }).trim();
  } catch {
    /* not a git checkout */
  }
  const report = {
    benchmark: "gateway-overhead",
    started: started.toISOString(),
    finished: new Date().toISOString(),
    command: `node dist/bench/gateway/run.js ${process.argv.slice(2).join(" ")}`.trim(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? null, node: process.version, loadavg: loads },
    commit,
    portkeyVersion,
    settings: {
      rounds,
      durationS: duration,
      warmupS: warmup,
      dialect: anthropic ? "anthropic" : "openai",
      streamEvents: num(args["stream-events"]),
      streamGapMs: num(args["stream-gap"]),
      compare: args.compare ? { dir: args.compare, label: args["compare-label"] } : null,
    },
    scenarios,
    skipped,
    serverStats,
    summaries,
    targets: checks,
    runs,
  };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${table}\n`);
  log(
    `results written to ${out}; load average before / after rounds: ${loads.map((l) => l.map((x) => x.toFixed(2)).join(" ")).join(" | ")}`,
  );
}

await main();
