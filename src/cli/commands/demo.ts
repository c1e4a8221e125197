import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { generatePassword } from "../../console/users.js";
import { ConfigError } from "../../core/errors.js";
import { parseGatewayConfig } from "../../gateway/config.js";
import { IpDatabase } from "../../gateway/edge/ipdb.js";
import type { KeyStore } from "../../gateway/keys/store.js";
import { startRuntime } from "../../gateway/runtime.js";
import { replay } from "../../sim/live/replay.js";
import { httpSender, type KeyProvider } from "../../sim/live/sender.js";
import { PRESETS } from "../../sim/presets.js";
import { setup } from "../../sim/simulate.js";
import type { Account } from "../../sim/world.js";
import type { Register } from "./index.js";
import { closeOnSignals } from "./serve.js";
import { promptSource } from "./simulate.js";

interface DemoOptions {
  port: string;
  stateDir: string;
  preset: string;
  seed: string;
  speed: string;
  corpus?: string;
  start?: string;
  keep: boolean;
  exit: boolean;
}

/** Edge headers the demo's simulated clients carry, and the gateway trusts from loopback. */
const EDGE = {
  country_header: "x-client-country",
  tls_fingerprint_header: "x-client-tls-fingerprint",
  asn_header: "x-client-asn",
};

/** Provisions each simulated account on the gateway (with its org and attributes) on first use. */
function keyProvider(keys: KeyStore): KeyProvider {
  return async (id: string, account?: Account) => {
    const info = account?.info ?? {};
    const orgId = account?.orgId ?? null;
    if (orgId && !keys.org(orgId)) keys.createOrg({ id: orgId, name: orgId });
    if (!keys.account(id)) {
      keys.createAccount({
        id,
        org_id: orgId,
        created_at: info.created_at ?? new Date().toISOString(),
        verified: info.verified ?? false,
        payment_fingerprint: info.payment_fingerprint ?? null,
        email_domain: info.email_domain ?? null,
        tier: info.tier ?? "build",
      });
    }
    return keys.createKey(id, "demo").secret;
  };
}

/** `distillguard demo`: gateway + mock upstream + live detector + simulated customers and campaigns. */
export const register: Register = (program) => {
  program
    .command("demo")
    .description(
      "live demo on embedded defaults: gateway, mock upstream, live detector and simulated traffic",
    )
    .option("--port <port>", "gateway port", "8787")
    .option("--state-dir <dir>", "state directory (recreated unless --keep)", ".distillguard-demo")
    .option("--preset <name>", "simulated population (tiny, quick)", "tiny")
    .option("--seed <n>", "simulation seed", "1")
    .option("--speed <x>", "simulated seconds per wall second", "300")
    .option("--corpus <dir>", "draw prompts from a real corpus (default: ../shared/data when present)")
    .option(
      "--start <iso>",
      "simulated start time (default: now, to the minute); traffic follows the hour of day, so two runs compare only with the same start",
    )
    .option("--keep", "keep the previous demo state", false)
    .option("--exit", "exit when the simulated traffic ends instead of serving on", false)
    .action(async (o: DemoOptions) => {
      const preset = PRESETS[o.preset];
      if (!preset || (o.preset !== "tiny" && o.preset !== "quick")) {
        throw new ConfigError(`--preset must be tiny or quick for the demo (got ${o.preset})`);
      }
      const speed = Number(o.speed);
      if (!(speed > 0)) throw new ConfigError(`--speed must be positive (got ${o.speed})`);
      const seed = Number(o.seed);
      if (!Number.isInteger(seed)) throw new ConfigError(`--seed must be an integer (got ${o.seed})`);
      const start = o.start === undefined ? null : Date.parse(o.start);
      if (start !== null && !Number.isFinite(start)) {
        throw new ConfigError(`--start must be an ISO 8601 time (got ${o.start})`);
      }
      if (!o.keep) rmSync(o.stateDir, { recursive: true, force: true });
      const cfg = parseGatewayConfig({
        listen: { host: "127.0.0.1", port: Number(o.port) },
        state_dir: o.stateDir,
        // The IP database classifies client networks (datacenter, VPN, residential) as it would in
        // production; the simulator draws its IPs from the same public tables.
        edge: { trusted_proxies: ["loopback"], ...EDGE, ip_database: true },
        // Generous production-tier limits: the demo is about detection, not the per-account rate limit.
        policy: {
          account_limits: {
            default: { requests_per_minute: 6000, tokens_per_minute: 50_000_000, concurrency: 64 },
          },
          key_limits: { requests_per_minute: 6000, tokens_per_minute: 50_000_000, concurrency: 64 },
          org_limits: { requests_per_minute: 60_000, tokens_per_minute: 500_000_000, concurrency: 512 },
        },
      });
      const corpus = o.corpus ?? (existsSync("../shared/data/prompts") ? "../shared/data" : null);
      const source = promptSource(corpus ?? undefined);
      // loaded before the simulated clock starts, so that no early request goes unclassified
      const ipDatabase = new IpDatabase({ datacenterRangesFile: cfg.edge.datacenter_ranges_file });
      // (a failure is reported by the runtime below, which then serves without it)
      await ipDatabase.load().catch(() => {});
      const simStart = start ?? Math.floor(Date.now() / 60_000) * 60_000;
      const sim = setup(
        { ...preset, campaigns: preset.campaigns.map((c) => ({ ...c, banRate: 0 })) },
        seed,
        source,
        simStart,
      );
      const adminToken = `dgadm-${randomBytes(16).toString("hex")}`;
      // Gateway, detector and replay share one simulated clock running `speed` times faster than real time.
      const clock = { sim0: simStart, wall0: Date.now(), speed };
      const runtime = await startRuntime(cfg, {
        mock: { corpusDir: null, chunkDelayMs: 0 },
        adminToken,
        clock,
        ipDatabase,
      });
      const log = (s: string) => process.stderr.write(`${s}\n`);
      const g = runtime.gateway;
      log(`distillguard demo — gateway on ${g.url} (built-in mock upstream, live detector on)`);
      log(`  admin API token: ${adminToken}   metrics: ${g.url}/metrics`);
      log(`  events: ${cfg.state_dir}/events/*.jsonl and ${cfg.state_dir}/events.duckdb`);
      if (runtime.console) {
        const consolePassword = generatePassword();
        runtime.console.users.create("demo", "admin", consolePassword, true);
        log(`  console: ${g.url}/console/  (sign in as demo / ${consolePassword})`);
      }

      const sender = httpSender(g.url, {
        connections: 64,
        edge: (c) => ({
          "x-forwarded-for": c.ip,
          "x-client-country": c.country,
          "x-client-tls-fingerprint": c.tls,
          "x-client-asn": String(c.asn),
        }),
      });
      log(
        `  replaying the "${o.preset}" population at ${speed}× (seed ${seed}${corpus ? `, prompts from ${corpus}` : ""}): ` +
          `${sim.world.accounts.length} accounts, ${sim.campaigns.length} covert campaigns among them`,
      );
      const statuses: Record<string, number> = {};
      let attackSent = 0;
      let attackServed = 0;
      /** Per campaign: first exchange and first refusal, in simulated time. */
      const perCampaign = new Map<
        string,
        { profile: string; first: number; enforced: number | null; sent: number; served: number }
      >();
      const t0 = Date.now();
      const report = setInterval(() => {
        const det = runtime.detector?.stats();
        const size = runtime.decisions.size;
        const st = Object.entries(statuses)
          .map(([s, n]) => `${s}:${n}`)
          .join(" ");
        log(
          `  [${Math.round((Date.now() - t0) / 1000)}s] statuses ${st} | attack exchanges served ${attackServed}/${attackSent}` +
            ` | decisions: ${size.accounts} accounts, ${size.campaigns} campaigns` +
            ` | detector lag ${Math.round((det?.lagMs ?? 0) / speed)} ms (${((det?.lagMs ?? 0) / 1000).toFixed(1)} simulated s), dropped ${det?.dropped ?? 0}`,
        );
      }, 3000);
      const done = replay({
        setup: sim,
        sender,
        keys: keyProvider(g.keys),
        speed,
        concurrency: 64,
        onResult: (e, status) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (e.account.truth.kind === "attack") {
            attackSent++;
            if (status === 200) attackServed++;
            const id = e.account.truth.campaign_id ?? "?";
            let c = perCampaign.get(id);
            if (!c) {
              c = { profile: e.account.truth.population, first: e.t, enforced: null, sent: 0, served: 0 };
              perCampaign.set(id, c);
            }
            c.sent++;
            if (status === 200) c.served++;
            if ((status === 403 || status === 429) && c.enforced === null) c.enforced = e.t;
          }
        },
      });
      const stopped = closeOnSignals(runtime, log);
      const stats = await Promise.race([done, stopped.then(() => null)]);
      clearInterval(report);
      await sender.close();
      if (stats) {
        log(
          `simulated traffic finished: ${stats.sent} exchanges, ${stats.bans} accounts banned by the gateway, ` +
            `${stats.failovers} relay fail-overs, ${stats.replacements} replacement accounts; ` +
            `attack exchanges served ${attackServed}/${attackSent} (${((100 * attackServed) / Math.max(1, attackSent)).toFixed(1)} %)`,
        );
        for (const [id, c] of perCampaign) {
          const delay =
            c.enforced === null
              ? "never refused"
              : `first 403/429 after ${((c.enforced - c.first) / 60_000).toFixed(1)} simulated min`;
          log(`  campaign ${id} (${c.profile}): ${delay}; served ${c.served}/${c.sent} exchanges`);
        }
        if (o.exit) {
          await runtime.close();
          return;
        }
        log("the gateway keeps serving; Ctrl-C to stop");
        await stopped;
      }
    });
};
