/**
 * A small closed-loop load generator for the mock (or any upstream speaking the two dialects): N
 * keep-alive connections each send requests back to back for a fixed time; reports throughput and
 * latency percentiles (to the last body byte). Used by `distillguard mock-upstream --load-test`.
 */
import { Agent, request } from "undici";

/** One load run. */
export interface LoadOptions {
  url: string;
  dialect: "anthropic" | "openai";
  stream: boolean;
  concurrency: number;
  seconds: number;
}

/** What a run measured. */
export interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  avgBodyBytes: number;
}

/** The k-th percentile (0..1) of sorted values. */
function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.floor(q * (sorted.length - 1))]!;
}

/** Runs one closed-loop load test against `url`. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ connections: opts.concurrency });
  const path = opts.dialect === "anthropic" ? "/v1/messages" : "/v1/chat/completions";
  const model = opts.dialect === "anthropic" ? "claude-haiku-4-5" : "gpt-4o-mini";
  const latencies: number[] = [];
  let errors = 0;
  let bytes = 0;
  const end = Date.now() + opts.seconds * 1000;
  const worker = async (w: number) => {
    for (let i = w; Date.now() < end; i += opts.concurrency) {
      const body: Record<string, unknown> = {
        model,
        max_tokens: 1024,
        messages: [
          { role: "user", content: `Question ${i % 64}: how should I index a table for workload ${i % 64}?` },
        ],
      };
      if (opts.stream) body.stream = true;
      const started = performance.now();
      try {
        const res = await request(`${opts.url}${path}`, {
          method: "POST",
          dispatcher: agent,
          headers: {
            "content-type": "application/json",
            "anthropic-version": "2023-06-01",
            "x-api-key": "load",
          },
          body: JSON.stringify(body),
        });
        for await (const chunk of res.body) bytes += (chunk as Buffer).length;
        if (res.statusCode !== 200) errors++;
        else latencies.push(performance.now() - started);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, w) => worker(w)));
  await agent.close();
  latencies.sort((a, b) => a - b);
  const total = latencies.length + errors;
  return {
    name: `${opts.dialect} ${opts.stream ? "stream" : "json"} x${opts.concurrency}`,
    requests: latencies.length,
    errors,
    perSecond: Math.round(latencies.length / opts.seconds),
    p50Ms: Math.round(quantile(latencies, 0.5) * 100) / 100,
    p99Ms: Math.round(quantile(latencies, 0.99) * 100) / 100,
    avgBodyBytes: total === 0 ? 0 : Math.round(bytes / total),
  };
}
