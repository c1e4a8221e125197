/**
 * The mock upstream HTTP server (node:http, keep-alive): Anthropic Messages at POST /v1/messages (and
 * /v1/messages/count_tokens), OpenAI Chat Completions at POST /v1/chat/completions, model listings at
 * GET /v1/models[/{id}], GET /health. Faults come from the `x-mock-fault` header (see faults.ts).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { anthropicMessage, anthropicStream, readAnthropicRequest } from "./anthropic.js";
import { checkCredential } from "./auth.js";
import { type Corpus, loadCorpus } from "./corpus.js";
import {
  anthropicError,
  type Dialect,
  defaultErrorMessage,
  MockRequestError,
  type OpenAIErrorFields,
  openaiError,
} from "./errors.js";
import { type Faults, parseChunkDelay, parseFaults } from "./faults.js";
import { anthropicModelPage, findModel, modelBody, openaiModelList } from "./models.js";
import { openaiCompletion, openaiStream, readOpenAIRequest } from "./openai.js";
import { type AnswerPlan, type NormalizedRequest, planAnswer, planChoices, refusalPlan } from "./plan.js";
import { Rng } from "./rng.js";
import { sseData, sseEvent } from "./sse.js";

/** Options of startMockUpstream. */
export interface MockUpstreamOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: an ephemeral port). */
  port?: number;
  /**
   * If set, requests must carry this credential (Anthropic: x-api-key, or Authorization: Bearer as the
   * current Anthropic SDK sends it; OpenAI: Authorization: Bearer); else 401 in the dialect's shape.
   */
  expectedKey?: string | null;
  /** Directory like ../shared/data; with responses/arena-hard-v0.1-gpt-4-0613-answers.jsonl answers are real texts. */
  corpusDir?: string | null;
  /** Delay between stream chunks in ms (default 0: chunks still go out in separate writes). */
  chunkDelayMs?: number;
  /** Words per text delta in streams (default 2). */
  wordsPerChunk?: number;
  /** Seed of the answer generator (default 0). */
  seed?: number;
}

/** A request as the mock received it. */
export interface RecordedRequest {
  method: string;
  /** Path with the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Header names and values exactly as sent (names keep their case). */
  rawHeaders: string[];
  body: Buffer;
}

/** Counters. */
export interface MockStats {
  requests: number;
  /** Streams whose client went away before the end (generation stopped there). */
  abortedStreams: number;
  /** Requests being answered right now. */
  inFlight: number;
}

/** A running mock upstream. */
export interface MockUpstream {
  /** Base URL, e.g. http://127.0.0.1:41234 (OpenAI clients add /v1). */
  url: string;
  port: number;
  /** Stops listening and drops every open connection (hung requests included). */
  close(): Promise<void>;
  stats(): MockStats;
  /** The most recent request received (null before the first). */
  lastRequest(): RecordedRequest | null;
  /** The last requests received (up to 100, bodies up to 16 MiB in all), oldest first. */
  recentRequests(): RecordedRequest[];
}

const MAX_BODY = 32 * 1024 * 1024;
const RECENT_REQUESTS = 100;
/** Bodies kept by recentRequests() stay under this many bytes in all (the latest is always kept). */
const RECENT_MAX_BYTES = 16 * 1024 * 1024;
const PLAN_CACHE_SIZE = 512;
/** Stream groups written back to back before yielding to the event loop when there is no chunk delay. */
const YIELD_EVERY = 16;
const PLAN_CACHE_MAX_KEY = 64 * 1024;
const NOT_JSON =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  dialect: Dialect;
  requestId: string;
  closed: boolean;
}

function dialectOf(path: string, headers: IncomingHttpHeaders): Dialect {
  if (path.startsWith("/v1/messages")) return "anthropic";
  if (path.startsWith("/v1/chat/")) return "openai";
  return headers["anthropic-version"] !== undefined || headers["x-api-key"] !== undefined
    ? "anthropic"
    : "openai";
}

/** Starts a mock upstream; resolves once it is listening. */
export async function startMockUpstream(opts: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const corpus: Corpus | null = loadCorpus(opts.corpusDir);
  const seed = opts.seed ?? 0;
  const baseDelay = Math.max(0, opts.chunkDelayMs ?? 0);
  const wordsPerChunk = Math.max(1, Math.floor(opts.wordsPerChunk ?? 2));
  const expectedKey = opts.expectedKey ?? null;
  const ids = new Rng((Math.random() * 0x100000000) >>> 0);
  const fingerprint = `fp_${ids.alnum(10).toLowerCase()}`;
  const stats: MockStats = { requests: 0, abortedStreams: 0, inFlight: 0 };
  const cache = new Map<string, AnswerPlan>();
  let last: RecordedRequest | null = null;
  const recent: RecordedRequest[] = [];
  let recentBytes = 0;

  const plan = (req: NormalizedRequest): AnswerPlan => {
    const cacheable = req.key.length <= PLAN_CACHE_MAX_KEY;
    const cacheKey = `${req.dialect}:${req.key}`;
    const hit = cacheable ? cache.get(cacheKey) : undefined;
    if (hit) return hit;
    const planned = planAnswer(req, { seed, corpus });
    if (cacheable) {
      if (cache.size >= PLAN_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(cacheKey, planned);
    }
    return planned;
  };

  const baseHeaders = (ctx: Ctx): Record<string, string> =>
    ctx.dialect === "anthropic"
      ? {
          "request-id": ctx.requestId,
          "anthropic-organization-id": "00000000-0000-4000-8000-000000000000",
          "anthropic-ratelimit-requests-limit": "4000",
          "anthropic-ratelimit-requests-remaining": "3999",
          "anthropic-ratelimit-requests-reset":
            new Date(Date.now() + 60_000).toISOString().slice(0, 19) + "Z",
        }
      : {
          "x-request-id": ctx.requestId,
          "openai-organization": "user-mock",
          "openai-processing-ms": "1",
          "openai-version": "2020-10-01",
          "x-ratelimit-limit-requests": "10000",
          "x-ratelimit-remaining-requests": "9999",
          "x-ratelimit-reset-requests": "6ms",
        };

  const sendJson = (ctx: Ctx, status: number, body: unknown, extra: Record<string, string> = {}) => {
    if (ctx.closed) return;
    const text = JSON.stringify(body);
    ctx.res.writeHead(status, {
      ...baseHeaders(ctx),
      ...extra,
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(text)),
    });
    ctx.res.end(text);
  };

  const sendError = (
    ctx: Ctx,
    status: number,
    message: string,
    fields: OpenAIErrorFields = {},
    retryAfter?: number,
  ) => {
    const extra: Record<string, string> = {};
    if (status === 429) extra["retry-after"] = String(retryAfter ?? 1);
    if (ctx.dialect === "anthropic") {
      extra["x-should-retry"] = status === 429 || status >= 500 ? "true" : "false";
      sendJson(ctx, status, anthropicError(status, message, ctx.requestId, fields.type), extra);
    } else {
      sendJson(ctx, status, openaiError(status, message, fields), extra);
    }
  };

  /** Waits ms (or a macrotask when 0); false when the client went away meanwhile. */
  const pause = (ctx: Ctx, ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      if (ctx.closed) return resolve(false);
      let timer: NodeJS.Timeout | undefined;
      let immediate: NodeJS.Immediate | undefined;
      const done = () => {
        ctx.res.off("close", done);
        if (timer) clearTimeout(timer);
        if (immediate) clearImmediate(immediate);
        resolve(!ctx.closed);
      };
      if (ms > 0) timer = setTimeout(done, ms);
      else immediate = setImmediate(done);
      ctx.res.on("close", done);
    });

  const drain = (ctx: Ctx): Promise<void> =>
    new Promise((resolve) => {
      const done = () => {
        ctx.res.off("drain", done);
        ctx.res.off("close", done);
        resolve();
      };
      ctx.res.on("drain", done);
      ctx.res.on("close", done);
    });

  const writeStream = async (
    ctx: Ctx,
    frames: string[],
    faults: Faults,
    delayMs: number,
    errorFrame: string,
  ) => {
    const { res } = ctx;
    res.writeHead(200, {
      ...baseHeaders(ctx),
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
    });
    res.flushHeaders();
    const cutShort = faults.dieMidstream || faults.streamError;
    const count = cutShort ? Math.max(1, Math.min(3, frames.length - 1)) : frames.length;
    for (let i = 0; i < count; i++) {
      if (ctx.closed) break;
      const last = i === count - 1;
      if (last && faults.dieMidstream) {
        res.write(frames[i]!, () => res.socket?.destroy());
        return;
      }
      if (!res.write(frames[i]!)) await drain(ctx);
      // With a delay, pause after every group; without one, each group is still its own write, and the
      // loop yields to the event loop every few groups (fairness across streams, disconnect detection).
      const yieldNow = delayMs > 0 || (i + 1) % YIELD_EVERY === 0;
      if (!last && yieldNow && !(await pause(ctx, delayMs))) break;
    }
    if (ctx.closed) {
      stats.abortedStreams++;
      return;
    }
    if (faults.streamError) res.write(errorFrame);
    res.end();
  };

  const handleMessages = async (
    ctx: Ctx,
    body: unknown,
    faults: Faults,
    delayMs: number,
    countOnly: boolean,
  ) => {
    const lookup = (id: string) => findModel("anthropic", id);
    let request: NormalizedRequest;
    if (countOnly && body !== null && typeof body === "object" && !Array.isArray(body)) {
      const b = body as Record<string, unknown>;
      const model = typeof b.model === "string" ? lookup(b.model) : undefined;
      body = { ...b, max_tokens: model?.maxOutputTokens ?? 1024, thinking: undefined };
    }
    request = readAnthropicRequest(body, lookup);
    if (!lookup(request.model)) {
      return sendError(ctx, 404, `model: ${request.model}`);
    }
    if (countOnly) return sendJson(ctx, 200, { input_tokens: request.inputTokens });
    const answer = faults.refusal ? refusalPlan(request, seed) : plan(request);
    const id = `msg_01${ids.alnum(22)}`;
    const stream = (body as { stream?: unknown }).stream === true;
    if (!stream) return sendBody(ctx, anthropicMessage(answer, id, request.model), faults);
    const frames = anthropicStream(answer, id, request.model, wordsPerChunk);
    const error = sseEvent("error", {
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
      request_id: ctx.requestId,
    });
    await writeStream(ctx, frames, faults, delayMs, error);
  };

  const handleChat = async (ctx: Ctx, body: unknown, faults: Faults, delayMs: number) => {
    // Like Anthropic's OpenAI-compatible endpoint, Chat Completions also serves the Claude models.
    const lookup = (id: string) => findModel("openai", id) ?? findModel("anthropic", id);
    const request = readOpenAIRequest(body, lookup);
    if (!lookup(request.model)) {
      return sendError(
        ctx,
        404,
        `The model \`${request.model}\` does not exist or you do not have access to it.`,
        {
          type: "invalid_request_error",
          param: "model",
          code: "model_not_found",
        },
      );
    }
    const answers = planChoices(request, faults.refusal ? (r) => refusalPlan(r, seed) : plan);
    const meta = {
      id: `chatcmpl-${ids.alnum(29)}`,
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      fingerprint,
    };
    const b = body as { stream?: unknown; stream_options?: { include_usage?: unknown } | null };
    if (b.stream !== true) return sendBody(ctx, openaiCompletion(answers, meta), faults);
    const includeUsage = b.stream_options?.include_usage === true;
    const frames = openaiStream(answers, meta, includeUsage, wordsPerChunk);
    const error = sseData({
      error: { message: defaultErrorMessage("openai", 500), type: "server_error", param: null, code: null },
    });
    await writeStream(ctx, frames, faults, delayMs, error);
  };

  const sendBody = (ctx: Ctx, body: unknown, faults: Faults) => {
    if (!faults.dieMidstream) return sendJson(ctx, 200, body);
    const bytes = Buffer.from(JSON.stringify(body));
    ctx.res.writeHead(200, {
      ...baseHeaders(ctx),
      "content-type": "application/json",
      "content-length": String(bytes.length),
    });
    ctx.res.write(bytes.subarray(0, bytes.length >> 1), () => ctx.res.socket?.destroy());
  };

  const handleModels = (ctx: Ctx, path: string, query: URLSearchParams) => {
    if (path === "/v1/models") {
      return sendJson(ctx, 200, ctx.dialect === "anthropic" ? anthropicModelPage(query) : openaiModelList());
    }
    const id = decodeURIComponent(path.slice("/v1/models/".length));
    const model = findModel(ctx.dialect, id);
    if (model) return sendJson(ctx, 200, modelBody(ctx.dialect, model));
    return ctx.dialect === "anthropic"
      ? sendError(ctx, 404, `model: ${id}`)
      : sendError(ctx, 404, `The model '${id}' does not exist`, { param: "model", code: "model_not_found" });
  };

  const authorized = (ctx: Ctx): boolean => {
    const failure = checkCredential(ctx.dialect, ctx.req.headers, expectedKey);
    if (failure) sendError(ctx, 401, failure.message, { code: failure.code });
    return failure === null;
  };

  const serve = async (ctx: Ctx, body: Buffer, tooLarge: boolean) => {
    const { req } = ctx;
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const method = req.method ?? "GET";
    if (path === "/health" || path === "/") return sendJson(ctx, 200, { status: "ok" });
    if (!authorized(ctx)) return;
    const faults = parseFaults(req.headers["x-mock-fault"]);
    if (faults.status !== null) {
      return sendError(
        ctx,
        faults.status,
        defaultErrorMessage(ctx.dialect, faults.status),
        {},
        faults.retryAfter,
      );
    }
    if (faults.hang) return; // answered never; the client's disconnect (or close()) ends it
    if (faults.firstByteDelayMs > 0 && !(await pause(ctx, faults.firstByteDelayMs))) return;
    if (faults.invalidJson) {
      ctx.res.writeHead(200, { ...baseHeaders(ctx), "content-type": "application/json" });
      ctx.res.end(NOT_JSON);
      return;
    }
    if (tooLarge) return sendError(ctx, 413, defaultErrorMessage(ctx.dialect, 413));
    const isMessages = path === "/v1/messages" || path === "/v1/messages/count_tokens";
    if (isMessages || path === "/v1/chat/completions") {
      if (method !== "POST") return sendError(ctx, 405, `Method ${method} not allowed.`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch (err) {
        return ctx.dialect === "anthropic"
          ? sendError(ctx, 400, `There was an error parsing the body: ${(err as Error).message}`)
          : sendError(
              ctx,
              400,
              "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
            );
      }
      const header = parseChunkDelay(req.headers["x-mock-chunk-delay"]);
      const delayMs = header ?? baseDelay;
      try {
        if (isMessages) await handleMessages(ctx, parsed, faults, delayMs, path.endsWith("/count_tokens"));
        else await handleChat(ctx, parsed, faults, delayMs);
      } catch (err) {
        if (!(err instanceof MockRequestError)) throw err;
        sendError(ctx, err.status, err.message, { param: err.param, code: err.code });
      }
      return;
    }
    if (path === "/v1/models" || path.startsWith("/v1/models/")) {
      if (method !== "GET") return sendError(ctx, 405, `Method ${method} not allowed.`);
      return handleModels(ctx, path, new URLSearchParams(q < 0 ? "" : url.slice(q + 1)));
    }
    return sendError(ctx, 404, ctx.dialect === "anthropic" ? "Not Found" : `Invalid URL (${method} ${path})`);
  };

  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on("end", () => {
      const body = Buffer.concat(chunks, Math.min(size, MAX_BODY));
      const url = req.url ?? "/";
      stats.requests++;
      stats.inFlight++;
      last = {
        method: req.method ?? "GET",
        path: url,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body,
      };
      recent.push(last);
      recentBytes += body.length;
      while (recent.length > 1 && (recent.length > RECENT_REQUESTS || recentBytes > RECENT_MAX_BYTES)) {
        recentBytes -= recent.shift()!.body.length;
      }
      const path = url.split("?", 1)[0] ?? "/";
      const ctx: Ctx = {
        req,
        res,
        dialect: dialectOf(path, req.headers),
        requestId: "",
        closed: false,
      };
      ctx.requestId =
        ctx.dialect === "anthropic" ? `req_011C${ids.alnum(20)}` : `req_${ids.alnum(32).toLowerCase()}`;
      res.on("close", () => {
        stats.inFlight--;
        if (!res.writableFinished) ctx.closed = true;
      });
      serve(ctx, body, size > MAX_BODY).catch((err: unknown) => {
        if (res.headersSent) res.destroy();
        else sendError(ctx, 500, `Internal server error: ${(err as Error).message}`);
      });
    });
  });
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    stats: () => ({ ...stats }),
    lastRequest: () => last,
    recentRequests: () => [...recent],
  };
}
