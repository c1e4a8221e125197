import { existsSync } from "node:fs";
import { ConfigError } from "../../core/errors.js";
import { type GatewayConfig, loadGatewayConfig, parseGatewayConfig } from "../../gateway/config.js";
import { type Runtime, startRuntime } from "../../gateway/runtime.js";
import type { Register } from "./index.js";

interface ServeOptions {
  config?: string;
  host?: string;
  port?: string;
  stateDir?: string;
  upstream?: string;
  anthropicUpstream?: string;
  openaiUpstream?: string;
  corpus?: string;
  retention?: string;
}

/** Applies command-line overrides on top of the config file, then validates the result. */
export function serveConfig(o: ServeOptions): GatewayConfig {
  const base = loadGatewayConfig(o.config) as unknown as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...base };
  if (o.host !== undefined || o.port !== undefined) {
    const listen = { ...(base.listen as object) } as Record<string, unknown>;
    if (o.host !== undefined) listen.host = o.host;
    if (o.port !== undefined) {
      const port = Number(o.port);
      if (!Number.isInteger(port)) throw new ConfigError(`--port must be an integer (got ${o.port})`);
      listen.port = port;
    }
    merged.listen = listen;
  }
  if (o.stateDir) merged.state_dir = o.stateDir;
  if (o.retention) merged.recording = { ...(base.recording as object), retention: o.retention };
  const upstreams = { ...(base.upstreams as object) } as Record<string, unknown>;
  if (o.anthropicUpstream)
    upstreams.anthropic = { base_url: o.anthropicUpstream, api_key_env: "ANTHROPIC_API_KEY" };
  if (o.openaiUpstream) upstreams.openai = { base_url: o.openaiUpstream, api_key_env: "OPENAI_API_KEY" };
  merged.upstreams = upstreams;
  return parseGatewayConfig(merged, o.config ?? "command line");
}

/** Stops the runtime on SIGINT/SIGTERM: stop accepting, finish in-flight work, flush the recorder. */
export function closeOnSignals(runtime: Runtime, log: (s: string) => void): Promise<void> {
  return new Promise((resolve) => {
    let closing = false;
    const stop = (signal: string) => {
      if (closing) {
        log("second signal: exiting now");
        process.exit(130);
      }
      closing = true;
      log(`${signal}: draining and flushing events…`);
      runtime.close().then(resolve, (err: unknown) => {
        log(`shutdown error: ${(err as Error).message}`);
        resolve();
      });
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
}

/** `distillguard serve`: runs the gateway. */
export const register: Register = (program) => {
  program
    .command("serve")
    .description("run the gateway in front of the Anthropic and OpenAI APIs (or the built-in mock)")
    .option("-c, --config <file>", "JSON config file (see docs/configuration.md)")
    .option("--host <host>", "listen address")
    .option("--port <port>", "listen port")
    .option("--state-dir <dir>", "directory for keys, events and logs")
    .option("--upstream <mock>", "'mock' starts the built-in mock upstream for both APIs")
    .option("--anthropic-upstream <url>", "Anthropic API base URL (credential from ANTHROPIC_API_KEY)")
    .option("--openai-upstream <url>", "OpenAI API base URL (credential from OPENAI_API_KEY)")
    .option("--corpus <dir>", "with --upstream mock: replay real answers from this data directory")
    .option("--retention <mode>", "prompt/answer text kept in the event log: none | full")
    .action(async (o: ServeOptions) => {
      if (o.upstream !== undefined && o.upstream !== "mock") {
        throw new ConfigError(
          "--upstream only takes 'mock'; use --anthropic-upstream / --openai-upstream for real APIs",
        );
      }
      const cfg = serveConfig(o);
      if (!o.upstream && !cfg.upstreams.anthropic && !cfg.upstreams.openai) {
        throw new ConfigError(
          "no upstream configured: pass --upstream mock, --anthropic-upstream URL or a config file",
        );
      }
      const corpus = o.corpus ?? (existsSync("../shared/data") ? "../shared/data" : null);
      const runtime = await startRuntime(cfg, {
        mock: o.upstream === "mock" ? { corpusDir: corpus } : null,
      });
      const log = (s: string) => process.stderr.write(`distillguard: ${s}\n`);
      const g = runtime.gateway;
      log(`gateway listening on ${g.url}`);
      log(`  Anthropic clients: base URL ${g.url}    OpenAI clients: base URL ${g.url}/v1`);
      if (runtime.mock)
        log(`  upstream: built-in mock at ${runtime.mock.url}${corpus ? ` (answers from ${corpus})` : ""}`);
      log(
        `  recording to ${(await g.recorder.start()).join(" + ") || "nothing"} in ${cfg.state_dir} (retention: ${cfg.recording.retention})`,
      );
      log(
        `  keys: ${g.keys.listKeys().length} in ${cfg.state_dir}/keys.json — add with \`distillguard keys create --account ID\``,
      );
      log(
        `  admin API: ${process.env[cfg.admin.token_env] ? "enabled" : `disabled (set ${cfg.admin.token_env})`}`,
      );
      if (runtime.console)
        log(
          `  console: ${g.url}/console/ (${runtime.console.users.list().length} users — add with \`distillguard console-user create\`)`,
        );
      await closeOnSignals(runtime, log);
    });
};
