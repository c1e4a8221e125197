import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { Agent, request } from "undici";
import { generatePassword } from "../../console/users.js";
import { ConfigError } from "../../core/errors.js";
import { parseGatewayConfig } from "../../gateway/config.js";
import type { KeyStore } from "../../gateway/keys/store.js";
import { startRuntime } from "../../gateway/runtime.js";
import type { Register } from "./index.js";
import { closeOnSignals } from "./serve.js";

interface DemoOptions {
  port: string;
  stateDir: string;
  duration?: string;
  rate: string;
  keep: boolean;
}

interface DemoClient {
  name: string;
  secret: string;
  api: "anthropic" | "openai";
  prompt: (i: number) => string;
}

const TOPICS = [
  "binary search",
  "TCP congestion control",
  "photosynthesis",
  "the French Revolution",
  "B-trees",
  "vaccines",
];

/** Demo customers: an individual developer, a production app, and an org's batch job. */
function provision(keys: KeyStore): DemoClient[] {
  const org = keys.createOrg({ name: "Acme Analytics" });
  const dev = keys.createAccount({ tier: "build", verified: true, email_domain: "gmail.com" });
  const app = keys.createAccount({ tier: "scale", verified: true, email_domain: "acme.io", org_id: org.id });
  const batch = keys.createAccount({
    tier: "scale",
    verified: true,
    email_domain: "acme.io",
    org_id: org.id,
  });
  return [
    {
      name: "developer",
      secret: keys.createKey(dev.id, "laptop").secret,
      api: "anthropic",
      prompt: (i) => `Can you explain ${TOPICS[i % TOPICS.length]} with a small example?`,
    },
    {
      name: "support-app",
      secret: keys.createKey(app.id, "prod").secret,
      api: "openai",
      prompt: (i) => `Customer #${1000 + i} asks: how do I reset my password on the mobile app?`,
    },
    {
      name: "batch-job",
      secret: keys.createKey(batch.id, "nightly").secret,
      api: "anthropic",
      prompt: (i) => `Summarise document ${i} of the quarterly filings in three bullet points.`,
    },
  ];
}

async function send(base: string, dispatcher: Agent, c: DemoClient, i: number): Promise<number> {
  const stream = i % 3 === 0;
  const isAnthropic = c.api === "anthropic";
  const body = isAnthropic
    ? {
        model: "claude-sonnet-4-5",
        max_tokens: 256,
        stream,
        messages: [{ role: "user", content: c.prompt(i) }],
      }
    : { model: "gpt-4o-mini", max_tokens: 256, stream, messages: [{ role: "user", content: c.prompt(i) }] };
  const res = await request(`${base}${isAnthropic ? "/v1/messages" : "/v1/chat/completions"}`, {
    method: "POST",
    dispatcher,
    headers: {
      "content-type": "application/json",
      "user-agent": `distillguard-demo/${c.name}`,
      ...(isAnthropic
        ? { "x-api-key": c.secret, "anthropic-version": "2023-06-01" }
        : { authorization: `Bearer ${c.secret}` }),
    },
    body: JSON.stringify(body),
  });
  await res.body.dump({ limit: 1 << 22 });
  return res.statusCode;
}

/** `distillguard demo`: gateway + mock upstream + demo customers, with live counters. */
export const register: Register = (program) => {
  program
    .command("demo")
    .description("live demo on embedded defaults: gateway + mock upstream + simulated customers")
    .option("--port <port>", "gateway port", "8787")
    .option("--state-dir <dir>", "state directory (recreated)", ".distillguard-demo")
    .option("--duration <seconds>", "stop after this many seconds (default: run until Ctrl-C)")
    .option("--rate <rps>", "demo requests per second", "20")
    .option("--keep", "keep the previous demo state instead of starting fresh", false)
    .action(async (o: DemoOptions) => {
      const rate = Number(o.rate);
      if (!(rate > 0 && rate <= 2000)) throw new ConfigError(`--rate must be in (0, 2000] (got ${o.rate})`);
      const duration = o.duration === undefined ? null : Number(o.duration);
      if (duration !== null && !(duration > 0))
        throw new ConfigError(`--duration must be positive (got ${o.duration})`);
      if (!o.keep) rmSync(o.stateDir, { recursive: true, force: true });
      const cfg = parseGatewayConfig({
        listen: { host: "127.0.0.1", port: Number(o.port) },
        state_dir: o.stateDir,
      });
      const adminToken = `dgadm-${randomBytes(16).toString("hex")}`;
      const runtime = await startRuntime(cfg, { mock: { corpusDir: null, chunkDelayMs: 5 }, adminToken });
      const log = (s: string) => process.stderr.write(`${s}\n`);
      const g = runtime.gateway;
      const clients = provision(g.keys);
      log(`distillguard demo — gateway on ${g.url} (built-in mock upstream at ${runtime.mock?.url})`);
      log(`  admin API token: ${adminToken}`);
      if (runtime.console) {
        const consolePassword = generatePassword();
        runtime.console.users.create("demo", "admin", consolePassword, true);
        log(`  console: ${g.url}/console/  (sign in as demo / ${consolePassword})`);
      }
      log(`  try it:  curl ${g.url}/v1/messages -H 'x-api-key: ${clients[0]!.secret}' \\`);
      log(
        `             -H 'content-type: application/json' -d '{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}'`,
      );
      log(
        `  metrics: ${g.url}/metrics   events: ${cfg.state_dir}/events/ and ${cfg.state_dir}/events.duckdb`,
      );

      const dispatcher = new Agent({ connections: 32 });
      const statuses = new Map<number, number>();
      let i = 0;
      const timer = setInterval(() => {
        const c = clients[i % clients.length]!;
        const n = i++;
        send(g.url, dispatcher, c, n)
          .then((s) => statuses.set(s, (statuses.get(s) ?? 0) + 1))
          .catch(() => statuses.set(0, (statuses.get(0) ?? 0) + 1));
      }, 1000 / rate);
      const report = setInterval(() => {
        const r = g.recorder.stats();
        const st = [...statuses].map(([s, n]) => `${s || "err"}:${n}`).join(" ");
        log(
          `  exchanges ${i}  statuses ${st}  recorded ${r.written} (queued ${r.queued}, dropped ${r.dropped})`,
        );
      }, 2000);
      const stopped = closeOnSignals(runtime, log);
      if (duration !== null) {
        await new Promise((r) => setTimeout(r, duration * 1000));
        clearInterval(timer);
        clearInterval(report);
        await dispatcher.close();
        await runtime.close();
        log(`demo finished: ${i} exchanges`);
        return;
      }
      await stopped;
      clearInterval(timer);
      clearInterval(report);
      await dispatcher.close();
    });
};
