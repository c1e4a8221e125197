import type { Command } from "commander";
import { ConfigError } from "../../core/errors.js";
import { startMockUpstream } from "../../mock/index.js";
import { runLoad } from "../../mock/loadgen.js";
import type { Register } from "./index.js";

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
    return n;
  };
}

/** `distillguard mock-upstream`: runs the built-in stand-in for the Anthropic and OpenAI APIs. */
export const register: Register = (program: Command) => {
  program
    .command("mock-upstream")
    .description(
      "Run a local mock of the Anthropic Messages and OpenAI Chat Completions APIs (no model needed)",
    )
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--port <port>", "port (0 = any free port)", integer("--port", 0, 65535), 8787)
    .option(
      "--corpus <dir>",
      "data directory holding responses/arena-hard-v0.1-gpt-4-0613-answers.jsonl (real answer texts)",
    )
    .option("--expected-key <key>", "require this API key (x-api-key or Authorization: Bearer)")
    .option("--chunk-delay <ms>", "delay between stream chunks in ms", integer("--chunk-delay", 0, 60_000), 0)
    .option(
      "--words-per-chunk <n>",
      "words per streamed text delta",
      integer("--words-per-chunk", 1, 1000),
      2,
    )
    .option("--seed <n>", "seed of the answer generator", integer("--seed", 0, 2 ** 31 - 1), 0)
    .option(
      "--load-test <seconds>",
      "instead of serving: load-test the mock in-process (32 connections, each dialect, JSON and stream) and exit",
      integer("--load-test", 1, 600),
    )
    .action(
      async (opts: {
        host: string;
        port: number;
        corpus?: string;
        expectedKey?: string;
        chunkDelay: number;
        wordsPerChunk: number;
        seed: number;
        loadTest?: number;
      }) => {
        const mock = await startMockUpstream({
          host: opts.host,
          port: opts.port,
          corpusDir: opts.corpus ?? null,
          expectedKey: opts.expectedKey ?? null,
          chunkDelayMs: opts.chunkDelay,
          wordsPerChunk: opts.wordsPerChunk,
          seed: opts.seed,
        });
        if (opts.loadTest !== undefined) {
          for (const dialect of ["anthropic", "openai"] as const) {
            for (const stream of [false, true]) {
              const r = await runLoad({
                url: mock.url,
                dialect,
                stream,
                concurrency: 32,
                seconds: opts.loadTest,
              });
              process.stdout.write(`${JSON.stringify(r)}\n`);
            }
          }
          await mock.close();
          return;
        }
        process.stdout.write(`${mock.url}\n`);
        process.stderr.write(
          `mock upstream listening: Anthropic base URL ${mock.url}, OpenAI base URL ${mock.url}/v1 (Ctrl-C to stop)\n`,
        );
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off("SIGINT", stop);
            process.off("SIGTERM", stop);
            resolve();
          };
          process.on("SIGINT", stop);
          process.on("SIGTERM", stop);
        });
        await mock.close();
        process.stderr.write(`mock upstream stopped after ${mock.stats().requests} requests\n`);
      },
    );
};
