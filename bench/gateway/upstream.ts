import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Shape of the benchmark upstream's answers. */
export interface BenchUpstreamOptions {
  /** Credential the upstream requires (`authorization: Bearer …` or `x-api-key`). */
  key: string;
  /** Content events in a streamed answer (plus the framing events of each dialect). */
  streamEvents: number;
  /** Gap between streamed events (ms); 0 writes them back to back. */
  streamGapMs: number;
  port?: number;
}

export interface BenchUpstream {
  url: string;
  port: number;
  server: Server;
  /** Requests answered, by outcome. */
  counts: { ok: number; unauthorized: number };
  close(): Promise<void>;
}

const OPENAI_BODY = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 1_764_000_000,
    model: "gpt-bench",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "The quick brown fox jumps over the lazy dog. ".repeat(4) },
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 24, completion_tokens: 40, total_tokens: 64 },
  }),
);

const ANTHROPIC_BODY = Buffer.from(
  JSON.stringify({
    id: "msg_bench",
    type: "message",
    role: "assistant",
    model: "claude-bench",
    content: [{ type: "text", text: "The quick brown fox jumps over the lazy dog. ".repeat(4) }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 24, output_tokens: 40 },
  }),
);

function sse(event: string | null, data: unknown): string {
  return `${event ? `event: ${event}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}

/** The events of one streamed answer, precomputed: [first, ...rest]. */
function openaiStream(n: number): Buffer[] {
  const base = {
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: 1_764_000_000,
    model: "gpt-bench",
  };
  const out = [sse(null, { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" } }] })];
  for (let i = 0; i < n; i++) {
    out.push(
      sse(null, { ...base, choices: [{ index: 0, delta: { content: "word " }, finish_reason: null }] }),
    );
  }
  out.push(
    sse(null, {
      ...base,
      choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
      usage: { prompt_tokens: 24, completion_tokens: n, total_tokens: 24 + n },
    }) + sse(null, "[DONE]"),
  );
  return out.map((s) => Buffer.from(s));
}

function anthropicStream(n: number): Buffer[] {
  const out = [
    sse("message_start", {
      type: "message_start",
      message: {
        id: "msg_bench",
        type: "message",
        role: "assistant",
        model: "claude-bench",
        content: [],
        stop_reason: null,
        usage: { input_tokens: 24, output_tokens: 1 },
      },
    }) +
      sse("content_block_start", {
        type: "content_block_start",
        index: 0,
        content_block: { type: "text", text: "" },
      }),
  ];
  for (let i = 0; i < n; i++) {
    out.push(
      sse("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text: "word " },
      }),
    );
  }
  out.push(
    sse("content_block_stop", { type: "content_block_stop", index: 0 }) +
      sse("message_delta", {
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { output_tokens: n },
      }) +
      sse("message_stop", { type: "message_stop" }),
  );
  return out.map((s) => Buffer.from(s));
}

/**
 * A minimal, fast stand-in for a model API: fixed OpenAI- or Anthropic-shaped JSON answers, and SSE
 * streams of a fixed number of events with a fixed gap. It does no text generation, so what a
 * benchmark measures through it is the proxy in front of it.
 */
export async function startBenchUpstream(opts: BenchUpstreamOptions): Promise<BenchUpstream> {
  const streams = {
    openai: openaiStream(opts.streamEvents),
    anthropic: anthropicStream(opts.streamEvents),
  };
  const counts = { ok: 0, unauthorized: 0 };
  const bearer = `Bearer ${opts.key}`;

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const anthropic = req.url?.startsWith("/v1/messages") ?? false;
    if (!anthropic && !req.url?.startsWith("/v1/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
      return;
    }
    if (req.headers.authorization !== bearer && req.headers["x-api-key"] !== opts.key) {
      counts.unauthorized++;
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":"bad key"}');
      return;
    }
    counts.ok++;
    if (!body.includes('"stream":true')) {
      const b = anthropic ? ANTHROPIC_BODY : OPENAI_BODY;
      res.writeHead(200, { "content-type": "application/json", "content-length": b.length });
      res.end(b);
      return;
    }
    const events = anthropic ? streams.anthropic : streams.openai;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i === events.length - 1) {
        res.end(events[i]);
        return;
      }
      res.write(events[i++]);
      if (opts.streamGapMs > 0) setTimeout(next, opts.streamGapMs);
      else next();
    };
    next();
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    counts,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
