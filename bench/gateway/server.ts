/**
 * Child-process entry for the servers of the gateway benchmark, so none of them shares an event loop
 * with another or with the load generator:
 *
 *   node dist/bench/gateway/server.js upstream|passthrough|distillguard '<json options>'
 *
 * Sends `{ type: "ready", url, pid, secret? }` over IPC once listening; on a `{ type: "stats" }`
 * message replies `{ type: "stats", ... }`; on `{ type: "close" }` (or SIGTERM) closes cleanly and
 * sends `{ type: "closed", ... }` before exiting.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchGatewayConfig, startBenchDistillguard } from "./distillguard.js";
import { startPassthrough } from "./passthrough.js";
import { startBenchUpstream } from "./upstream.js";

interface ServerOptions {
  upstreamUrl?: string;
  upstreamKey: string;
  streamEvents?: number;
  streamGapMs?: number;
  recording?: boolean;
}

type Started = { url: string; secret?: string; stats(): unknown; close(): Promise<void> };

async function start(kind: string, o: ServerOptions): Promise<Started> {
  if (kind === "upstream") {
    const u = await startBenchUpstream({
      key: o.upstreamKey,
      streamEvents: o.streamEvents ?? 10,
      streamGapMs: o.streamGapMs ?? 1,
    });
    return { url: u.url, stats: () => ({ ...u.counts }), close: u.close };
  }
  if (kind === "passthrough") {
    const p = await startPassthrough(o.upstreamUrl!);
    return { url: p.url, stats: () => ({}), close: p.close };
  }
  if (kind === "distillguard") {
    const stateDir = mkdtempSync(join(tmpdir(), "dg-bench-"));
    const cfg = benchGatewayConfig({
      upstreamUrl: o.upstreamUrl!,
      upstreamKey: o.upstreamKey,
      stateDir,
      recording: o.recording ?? true,
    });
    const { runtime, secret } = await startBenchDistillguard(cfg);
    const g = runtime.gateway;
    return {
      url: g.url,
      secret,
      stats: () => ({ recorder: g.recorder.stats(), requests: g.gateway.metrics.requests }),
      close: async () => {
        await runtime.close();
        rmSync(stateDir, { recursive: true, force: true });
      },
    };
  }
  throw new Error(`unknown server kind ${kind}`);
}

const [kind = "", json = "{}"] = process.argv.slice(2);
const started = await start(kind, JSON.parse(json) as ServerOptions);
const send = (m: unknown) => process.send?.(m);
send({ type: "ready", url: started.url, pid: process.pid, secret: started.secret ?? null });

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  const before = started.stats();
  await started.close();
  send({ type: "closed", stats: before, after: started.stats() });
  process.disconnect?.();
  process.exitCode = 0;
}
process.on("message", (m: { type?: string }) => {
  if (m.type === "stats") send({ type: "stats", stats: started.stats() });
  else if (m.type === "close") void shutdown();
});
process.on("SIGTERM", () => void shutdown());
process.on("disconnect", () => void shutdown());
