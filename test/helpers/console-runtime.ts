/**
 * A real runtime for the console tests: gateway + built-in mock upstream + live detector (thresholds
 * as shipped, except that passes run every second, heavy accounts with no deception go to review after
 * 20 requests at a shape score of 2 (instead of 300 and 2.4) so a short test has a review queue, and
 * the detector never blocks by itself, so an analyst's block is what turns a throttled campaign
 * into 403s).
 */
import { spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { parseDetectorConfig } from "../../src/detect/index.js";
import type { CampaignReport } from "../../src/events/report.js";
import { parseGatewayConfig } from "../../src/gateway/config.js";
import { type Runtime, startRuntime } from "../../src/gateway/runtime.js";
import { type Client, drive } from "./console-traffic.js";
import { tempDir } from "./tmp.js";

const LIMITS = { requests_per_minute: 100_000, tokens_per_minute: 1e9, concurrency: 64 };

/** Starts the runtime in a fresh state dir. */
export async function startConsoleRuntime(opts: { detector?: boolean; retention?: "none" | "full" } = {}) {
  const stateDir = tempDir("dg-console-");
  const cfg = parseGatewayConfig({
    state_dir: stateDir,
    listen: { host: "127.0.0.1", port: 0 },
    recording: { batch_ms: 50, retention: opts.retention ?? "none" },
    policy: { account_limits: { default: LIMITS }, key_limits: LIMITS, org_limits: LIMITS },
  });
  const rt = await startRuntime(cfg, {
    mock: {},
    detector:
      opts.detector === false
        ? false
        : {
            config: parseDetectorConfig({
              passIntervalSec: 1,
              verdict: { campaignBlock: 1e9, blockDeception: 1e9, reviewMinRequests: 20, reviewShape: 2 },
            }),
          },
  });
  return { rt, stateDir };
}

/** Creates a console user with the real CLI; returns the password it printed. */
export function cliCreateUser(stateDir: string, username: string, role: string): string {
  const bin = new URL("../../../bin/distillguard.mjs", import.meta.url).pathname;
  const r = spawnSync(
    process.execPath,
    [bin, "console-user", "create", "--username", username, "--role", role, "--state-dir", stateDir],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`console-user create failed: ${r.stderr}`);
  const m = /password \(shown once\): (\S+)/.exec(r.stdout);
  if (!m) throw new Error(`no password printed: ${r.stdout}`);
  return m[1]!;
}

/** Drives traffic until the live detector reports a campaign of hydra accounts (or gives up). */
export async function untilCampaign(
  rt: Runtime,
  clients: Client[],
  timeoutMs = 30_000,
): Promise<CampaignReport> {
  const hydra = new Set(clients.filter((c) => c.kind === "hydra").map((c) => c.accountId));
  const end = Date.now() + timeoutMs;
  let seed = 1;
  while (Date.now() < end) {
    await drive(rt.gateway.url, clients, 4, seed++);
    await sleep(300);
    const { report } = await rt.detector!.report();
    const c = report.campaigns.find((x) => x.accounts.filter((a) => hydra.has(a)).length >= hydra.size / 2);
    if (c) return c;
  }
  throw new Error("the live detector reported no campaign in time");
}
