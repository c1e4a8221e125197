import { createHash, randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { DistillguardError, type ErrorCode } from "../core/errors.js";
import type { Api, ClientInfo, ExchangeEvent } from "../events/types.js";
import { dialectForHeaders, dialectForPath } from "./dialects/index.js";
import { type Dialect, emptySummary, type ResponseSummary } from "./dialects/types.js";
import type { Admission, Guard } from "./guard.js";
import { type JsonBody, parseJsonBody, readBody } from "./http/body.js";
import { forwardHeaders, relayHeaders } from "./http/headers.js";
import { ClientGone, relayBody } from "./http/relay.js";
import type { Account, KeyRecord, KeyStore, Org } from "./keys/store.js";
import { GatewayMetrics } from "./metrics.js";
import type { ResponseShaper } from "./shaper.js";
import type { Upstream } from "./upstream/upstreams.js";

/** Resolves what the gateway knows about the client of a request (edge headers, IP lookup). */
export type ClientResolver = (req: IncomingMessage) => ClientInfo;

/** Receives every exchange event; must be cheap (the recorder queues, the detector enqueues). */
export type EventListener = (event: ExchangeEvent, rawRequest: string) => void;

/** Handles requests the gateway does not own (admin API, console, health). Returns true if it did. */
export type ExtraRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
) => boolean | Promise<boolean>;

export interface GatewayDeps {
  keys: KeyStore;
  upstreams: Partial<Record<Api, Upstream>>;
  guard: Guard;
  resolveClient: ClientResolver;
  /** Header names clients may not set themselves (edge headers); stripped before forwarding. */
  stripHeaders: ReadonlySet<string>;
  maxBodyBytes: number;
  /** Keep answer text in the summary (retention "full"). */
  keepText: boolean;
  onEvent: EventListener;
  extraRoutes?: ExtraRoute[];
  metrics?: GatewayMetrics;
  /** Response processing per exchange (provenance: receipts, watermarks). */
  shaper?: ResponseShaper | null;
  /** Time source for event timestamps (ms since epoch); the wall clock by default. */
  now?: () => number;
}

/** Everything known about one exchange while it is served; becomes the recorded event. */
interface Exchange {
  id: string;
  startedAt: number;
  startWall: number;
  dialect: Dialect;
  client: ClientInfo;
  key: KeyRecord | null;
  account: Account | null;
  org: Org | null;
  presentedKeyId: string | null;
  body: JsonBody | null;
  rawText: string;
  summary: ResponseSummary;
  status: number;
  errorCode: string | null;
}

const CLIENT_CREDENTIAL_HEADERS = ["x-api-key", "authorization", "api-key"];

function newRequestId(): string {
  return `req_dg_${randomUUID().replaceAll("-", "")}`;
}

/**
 * The gateway's request handler: authenticate, check policy, read and validate the body, forward to
 * the upstream, relay the answer (streams chunk by chunk), and emit one event per exchange.
 */
export class Gateway {
  readonly metrics: GatewayMetrics;
  private readonly strip: ReadonlySet<string>;
  private readonly now: () => number;

  constructor(private readonly deps: GatewayDeps) {
    this.now = deps.now ?? Date.now;
    this.metrics = deps.metrics ?? new GatewayMetrics();
    this.strip = new Set([...deps.stripHeaders, ...CLIENT_CREDENTIAL_HEADERS].map((h) => h.toLowerCase()));
  }

  /** The node:http request listener. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.route(req, res).catch((err: unknown) => {
      this.metrics.internalErrors++;
      if (!res.headersSent) {
        const dialect = dialectForHeaders(req.headers);
        sendError(
          res,
          dialect,
          new DistillguardError("DG_INTERNAL", undefined, { cause: err }),
          newRequestId(),
        );
      } else {
        res.destroy();
      }
    });
  };

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    const dialect = dialectForPath(path);
    if (dialect) {
      if (req.method !== "POST") {
        sendError(res, dialect, new DistillguardError("DG_METHOD_NOT_ALLOWED"), newRequestId(), {
          allow: "POST",
        });
        return;
      }
      await this.completion(req, res, dialect);
      return;
    }
    if (path === "/v1/models" || path.startsWith("/v1/models/")) {
      await this.models(req, res, path + (q === -1 ? "" : url.slice(q)));
      return;
    }
    for (const extra of this.deps.extraRoutes ?? []) {
      if (await extra(req, res, path)) return;
    }
    sendError(res, dialectForHeaders(req.headers), new DistillguardError("DG_NOT_FOUND"), newRequestId());
  }

  private authenticate(
    req: IncomingMessage,
    dialect: Dialect,
  ):
    | { ok: true; key: KeyRecord; account: Account; org: Org | null }
    | { ok: false; code: ErrorCode; keyId: string | null } {
    const presented = dialect.clientKey(req.headers);
    if (!presented) return { ok: false, code: "DG_NO_KEY", keyId: null };
    const auth = this.deps.keys.authenticate(presented);
    if (!auth.ok) {
      const keyId = /^dg-[a-z0-9]{12}/.exec(presented)?.[0] ?? null;
      return { ok: false, code: auth.reason === "revoked" ? "DG_REVOKED_KEY" : "DG_INVALID_KEY", keyId };
    }
    return auth;
  }

  private async completion(req: IncomingMessage, res: ServerResponse, dialect: Dialect): Promise<void> {
    const ex: Exchange = {
      id: newRequestId(),
      startedAt: performance.now(),
      startWall: this.now(),
      dialect,
      client: this.deps.resolveClient(req),
      key: null,
      account: null,
      org: null,
      presentedKeyId: null,
      body: null,
      rawText: "",
      summary: emptySummary(),
      status: 0,
      errorCode: null,
    };
    this.metrics.requests++;
    let admission: Admission | null = null;
    try {
      const auth = this.authenticate(req, dialect);
      if (!auth.ok) {
        ex.presentedKeyId = auth.keyId;
        throw new DistillguardError(auth.code);
      }
      ex.key = auth.key;
      ex.account = auth.account;
      ex.org = auth.org;
      const pre = this.deps.guard.precheck(dialect, ex.client);
      if (pre) throw pre;

      const raw = await readBody(req, this.deps.maxBodyBytes).catch((err: unknown) => {
        if (err instanceof DistillguardError) throw err;
        throw new ClientGone();
      });
      ex.rawText = raw.toString("utf8");
      ex.body = parseJsonBody(req.headers["content-type"], raw, ex.rawText);
      const model = ex.body.json.model;
      if (typeof model !== "string" || model === "") throw new DistillguardError("DG_MISSING_MODEL");

      const upstream = this.deps.upstreams[dialect.api];
      if (!upstream)
        throw new DistillguardError("DG_NOT_FOUND", `No upstream is configured for ${dialect.api}.`);
      if (upstream.models.size > 0 && !upstream.models.has(model)) {
        throw new DistillguardError(
          "DG_UNKNOWN_MODEL",
          `The model ${JSON.stringify(model.slice(0, 100))} does not exist.`,
        );
      }

      const json = ex.body.json;
      const verdict = this.deps.guard.admit({
        dialect,
        key: auth.key,
        account: auth.account,
        org: auth.org,
        client: ex.client,
        model,
        reservedTokens: dialect.estimateInputTokens(raw.length) + dialect.maxOutputTokens(json),
        wantsReasoning: json.thinking !== undefined || json.reasoning_effort !== undefined,
      });
      if (!verdict.ok) throw Object.assign(verdict.error, { headers: verdict.headers });
      admission = verdict;
      for (const name in verdict.headers) res.setHeader(name, verdict.headers[name]!);

      let outBody: Buffer = raw;
      if (verdict.protect && (json.thinking !== undefined || json.reasoning_effort !== undefined)) {
        const { thinking: _t, reasoning_effort: _r, ...rest } = json;
        outBody = Buffer.from(JSON.stringify(rest));
        res.setHeader("x-distillguard-notice", "reasoning withheld for this account");
      }
      await this.forward(req, res, ex, upstream, outBody);
    } catch (err) {
      if (err instanceof ClientGone) {
        ex.status = 499;
        ex.errorCode = "DG_CLIENT_CLOSED";
      } else {
        const dgErr =
          err instanceof DistillguardError
            ? err
            : new DistillguardError("DG_INTERNAL", undefined, { cause: err });
        if (dgErr.code === "DG_INTERNAL") this.metrics.internalErrors++;
        ex.status = dgErr.status;
        ex.errorCode = dgErr.code;
        if (!res.headersSent) {
          sendError(res, dialect, dgErr, ex.id, (err as { headers?: Record<string, string> }).headers);
        } else if (!res.writableEnded) {
          res.destroy();
        }
      }
    } finally {
      admission?.settle(totalTokens(ex.summary));
      this.emit(ex);
    }
  }

  /** Forwards the request and relays the answer, chunk by chunk for streams. */
  private async forward(
    req: IncomingMessage,
    res: ServerResponse,
    ex: Exchange,
    upstream: Upstream,
    body: Buffer,
  ): Promise<void> {
    const dialect = ex.dialect;
    const abort = new UpstreamAbort();
    const onClose = () => {
      if (!res.writableFinished) abort.abort();
    };
    res.on("close", onClose);
    const headers = forwardHeaders(
      req.headers,
      this.strip,
      upstream.credential ? dialect.upstreamAuth(upstream.credential) : {},
      body.length,
    );
    let up: Awaited<ReturnType<Upstream["pool"]["request"]>>;
    try {
      up = await upstream.pool.request({
        method: "POST",
        path: upstream.basePath + dialect.path,
        headers,
        body,
        signal: abort,
        headersTimeout: upstream.headersTimeoutMs,
        bodyTimeout: upstream.bodyTimeoutMs,
      });
    } catch (err) {
      res.off("close", onClose);
      if (abort.aborted) throw new ClientGone();
      throw upstreamError(err);
    }
    ex.status = up.statusCode;
    const contentType = String(up.headers["content-type"] ?? "");
    const streaming = contentType.startsWith("text/event-stream");
    const out = relayHeaders(up.headers);
    out["x-distillguard-request-id"] = ex.id;
    const shaper =
      this.deps.shaper && ex.account && ex.body
        ? this.deps.shaper.begin({
            id: ex.id,
            dialect,
            account: ex.account,
            model: String(ex.body.json.model),
            requestBody: ex.body.raw,
            time: new Date(ex.startWall).toISOString(),
          })
        : null;
    if (shaper) Object.assign(out, shaper.headers);
    const sentHash = shaper ? createHash("sha256") : null;
    let complete = false;

    // A non-streaming answer that the shaper rewrites (watermark) is read whole first: its length changes.
    if (shaper?.rewrites && !streaming && up.statusCode < 300 && contentType.includes("json")) {
      try {
        const original = Buffer.from(await up.body.arrayBuffer());
        const rewritten = shaper.jsonBody(original);
        out["content-length"] = String(rewritten.length);
        res.writeHead(up.statusCode, out);
        res.end(rewritten);
        sentHash?.update(rewritten);
        complete = true;
        try {
          ex.summary = dialect.summarize(JSON.parse(original.toString("utf8")), this.deps.keepText);
        } catch {
          /* not JSON after all: nothing to record */
        }
      } catch (err) {
        if (abort.aborted || res.destroyed) throw new ClientGone();
        throw upstreamError(err);
      } finally {
        res.off("close", onClose);
        shaper.finish({ responseSha256: sentHash!.digest("hex"), status: up.statusCode, complete });
      }
      return;
    }

    res.writeHead(up.statusCode, out);
    if (streaming) res.flushHeaders();

    const observer = streaming ? dialect.observeStream(this.deps.keepText) : null;
    const reshape = streaming && shaper?.rewrites ? shaper : null;
    const collected: Buffer[] = [];
    let collectedBytes = 0;
    const send = (bytes: Buffer): void => {
      sentHash?.update(bytes);
      if (bytes.length > 0) res.write(bytes);
    };
    try {
      await relayBody(up.body, res, (chunk) => {
        if (observer) observer.push(chunk);
        else if (collectedBytes < MAX_SUMMARY_BODY) {
          collected.push(chunk);
          collectedBytes += chunk.length;
        }
        const outChunk = reshape ? reshape.streamChunk(chunk) : chunk;
        sentHash?.update(outChunk);
        return outChunk;
      });
      if (reshape) send(reshape.streamEnd());
      res.end();
      complete = true;
    } catch (err) {
      if (err instanceof ClientGone || abort.aborted || res.destroyed) {
        up.body.destroy();
        throw new ClientGone();
      }
      // The upstream failed after the answer started: streams get the dialect's error event,
      // a plain body can only be cut off (its length was already promised).
      const dgErr = upstreamError(err, true);
      ex.errorCode = dgErr.code;
      this.metrics.brokenStreams++;
      if (observer) {
        if (reshape) send(reshape.streamEnd());
        res.end(dialect.streamError(dgErr.kind, dgErr.message, ex.id, dgErr.code));
      } else {
        res.destroy();
      }
      if (ex.status < 400) ex.status = dgErr.status;
    } finally {
      res.off("close", onClose);
      shaper?.finish({ responseSha256: sentHash!.digest("hex"), status: up.statusCode, complete });
    }
    if (observer) ex.summary = observer.summary();
    else if (collectedBytes > 0 && collectedBytes < MAX_SUMMARY_BODY) {
      try {
        ex.summary = dialect.summarize(
          JSON.parse(Buffer.concat(collected).toString("utf8")),
          this.deps.keepText,
        );
      } catch {
        /* not JSON (an upstream error page): no usage to record */
      }
    }
  }

  /** GET /v1/models[/id]: relayed from the upstream of the client's dialect. */
  private async models(req: IncomingMessage, res: ServerResponse, pathAndQuery: string): Promise<void> {
    const dialect = dialectForHeaders(req.headers);
    const id = newRequestId();
    if (req.method !== "GET") {
      sendError(res, dialect, new DistillguardError("DG_METHOD_NOT_ALLOWED"), id, { allow: "GET" });
      return;
    }
    const auth = this.authenticate(req, dialect);
    if (!auth.ok) {
      sendError(res, dialect, new DistillguardError(auth.code), id);
      return;
    }
    const upstream = this.deps.upstreams[dialect.api];
    if (!upstream) {
      sendError(
        res,
        dialect,
        new DistillguardError("DG_NOT_FOUND", `No upstream is configured for ${dialect.api}.`),
        id,
      );
      return;
    }
    try {
      const up = await upstream.pool.request({
        method: "GET",
        path: upstream.basePath + pathAndQuery,
        headers: forwardHeaders(
          req.headers,
          this.strip,
          upstream.credential ? dialect.upstreamAuth(upstream.credential) : {},
          0,
        ),
        headersTimeout: upstream.headersTimeoutMs,
        bodyTimeout: upstream.bodyTimeoutMs,
      });
      const text = await up.body.text();
      const out = relayHeaders(up.headers);
      delete out["content-length"];
      res.writeHead(up.statusCode, out);
      res.end(filterModels(text, upstream.models, up.statusCode));
    } catch (err) {
      sendError(res, dialect, upstreamError(err), id);
    }
  }

  private emit(ex: Exchange): void {
    const latency = performance.now() - ex.startedAt;
    this.metrics.observe(ex.status, latency);
    const s = ex.summary;
    const account = ex.account;
    const event: ExchangeEvent = {
      id: ex.id,
      time: new Date(ex.startWall).toISOString(),
      account_id: account?.id ?? "unauthenticated",
      org_id: account?.org_id ?? null,
      api_key_id: ex.key?.id ?? ex.presentedKeyId,
      account: account
        ? {
            created_at: account.created_at,
            verified: account.verified ?? null,
            payment_fingerprint: account.payment_fingerprint ?? null,
            email_domain: account.email_domain ?? null,
            tier: account.tier ?? null,
          }
        : null,
      client: ex.client,
      api: ex.dialect.api,
      request: ex.body?.json ?? {},
      response: {
        status: ex.status,
        input_tokens: s.input_tokens,
        output_tokens: s.output_tokens,
        stop_reason: s.stop_reason,
        latency_ms: Math.round(latency * 1000) / 1000,
        text: s.text,
        error_code: ex.errorCode,
      },
    };
    try {
      this.deps.onEvent(event, ex.rawText);
    } catch {
      this.metrics.internalErrors++;
    }
  }
}

/**
 * The one-shot signal that cancels the upstream request when the client goes away. undici accepts
 * an EventEmitter with `aborted` and an "abort" event; this costs far less per request than an
 * AbortController and its EventTarget.
 */
class UpstreamAbort extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit("abort");
  }
}

/** Bodies larger than this are relayed but not parsed for usage. */
const MAX_SUMMARY_BODY = 8 * 1024 * 1024;

function totalTokens(s: ResponseSummary): number | null {
  if (s.input_tokens === null && s.output_tokens === null) return null;
  return (s.input_tokens ?? 0) + (s.output_tokens ?? 0);
}

/** Maps an undici failure to a catalogue error. */
function upstreamError(err: unknown, midStream = false): DistillguardError {
  const code = (err as { code?: string }).code ?? "";
  if (
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT" ||
    code === "UND_ERR_CONNECT_TIMEOUT"
  ) {
    return new DistillguardError("DG_UPSTREAM_TIMEOUT", undefined, { cause: err });
  }
  if (midStream) return new DistillguardError("DG_UPSTREAM_STREAM_BROKEN", undefined, { cause: err });
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "UND_ERR_SOCKET") {
    return new DistillguardError("DG_UPSTREAM_UNREACHABLE", undefined, { cause: err });
  }
  return new DistillguardError("DG_UPSTREAM_BAD_RESPONSE", undefined, { cause: err });
}

/** Writes an error in the dialect's wire shape, with distillguard's stable code in a header. */
export function sendError(
  res: ServerResponse,
  dialect: Dialect,
  err: DistillguardError,
  requestId: string,
  extraHeaders?: Record<string, string>,
): void {
  const body = JSON.stringify(dialect.errorBody(err.kind, err.message, requestId, err.code));
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    [dialect.requestIdHeader]: requestId,
    "x-distillguard-request-id": requestId,
    "x-distillguard-error": err.code,
    ...extraHeaders,
  };
  // An oversized body is not read: close the connection instead of draining it.
  if (err.code === "DG_BODY_TOO_LARGE") headers.connection = "close";
  if (!res.headersSent) res.writeHead(err.status, headers);
  res.end(body);
}

/** Restricts an upstream model list to the configured models (when a list is configured). */
function filterModels(text: string, allowed: ReadonlySet<string>, status: number): string {
  if (allowed.size === 0 || status !== 200) return text;
  try {
    const parsed = JSON.parse(text) as { data?: { id?: string }[] };
    if (Array.isArray(parsed.data)) parsed.data = parsed.data.filter((m) => m.id && allowed.has(m.id));
    return JSON.stringify(parsed);
  } catch {
    return text;
  }
}
