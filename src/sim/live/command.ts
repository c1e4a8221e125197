/** CLI adapter of live replay (`distillguard simulate --target URL`). */
import type { PromptSource } from "../content/types.js";
import type { Preset } from "../presets.js";
import { setup } from "../simulate.js";
import { replay } from "./replay.js";
import { httpSender, type KeyProvider } from "./sender.js";

export interface ReplayCommandOptions {
  preset: Preset;
  seed: number;
  source: PromptSource;
  target: string;
  speed: number;
  quiet: boolean;
  start?: number;
  /** Key for an account; defaults to a template "sk-sim-{account}" a test gateway can accept. */
  keys?: KeyProvider;
  keyTemplate?: string;
  maxExchanges?: number;
}

/** Replays a preset into a gateway; the gateway, not the simulator, bans accounts in this mode. */
export async function replayCommand(o: ReplayCommandOptions): Promise<void> {
  const live: Preset = {
    ...o.preset,
    campaigns: o.preset.campaigns.map((c) => ({ ...c, banRate: 0, sweepDays: [] })),
  };
  const s = setup(live, o.seed, o.source, o.start);
  const template = o.keyTemplate ?? "sk-sim-{account}";
  const keys: KeyProvider = o.keys ?? (async (id) => template.replace("{account}", id));
  const sender = httpSender(o.target);
  let n = 0;
  try {
    const stats = await replay({
      setup: s,
      sender,
      keys,
      speed: o.speed,
      ...(o.maxExchanges !== undefined ? { maxExchanges: o.maxExchanges } : {}),
      onResult: () => {
        if (!o.quiet && ++n % 10_000 === 0)
          process.stderr.write(`simulate: ${n.toLocaleString("en")} exchanges sent\n`);
      },
    });
    process.stderr.write(
      `simulate: sent ${stats.sent} exchanges in ${(stats.wallMs / 1000).toFixed(1)} s; statuses ${JSON.stringify(stats.byStatus)}; ` +
        `${stats.bans} bans seen, ${stats.failovers} failovers, ${stats.rerouted} re-routed, ${stats.replacements} replacement accounts\n`,
    );
  } finally {
    await sender.close();
  }
}
