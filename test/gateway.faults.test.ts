/**
 * Gateway behaviour on bad input and broken upstreams, over real HTTP, against a scripted raw
 * upstream (so each failure happens exactly when the test wants it).
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startTestGateway, type TestGateway } from "./helpers/gateway.js";

type Script = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

interface ScriptedUpstream {
  url: string;
  server: Server;
  script: Script;
  last: { headers: IncomingMessage["headers"]; body: Buffer } | null;
  closedEarly: number;
}

async function scriptedUpstream(): Promise<ScriptedUpstream> {
  const up: ScriptedUpstream = {
    url: "",
    server: null as unknown as Server,
    script: (_req, _body, res) => res.end("{}"),
    last: null,
    closedEarly: 0,
  };
  up.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      up.last = { headers: req.headers, body };
      res.on("close", () => {
        if (!res.writableFinished) up.closedEarly++;
      });
      up.script(req, body, res);
    });
  });
  await new Promise<void>((r) => up.server.listen(0, "127.0.0.1", r));
  up.url = `http://127.0.0.1:${(up.server.address() as AddressInfo).port}`;
  return up;
}

const MSG = { model: "claude-test", max_tokens: 16, messages: [{ role: "user", content: "hi" }] };

function post(
  t: TestGateway,
  path: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const auth: Record<string, string> =
    path === "/v1/messages" ? { "x-api-key": t.secret } : { authorization: `Bearer ${t.secret}` };
  return fetch(t.gw.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...auth, ...headers },
    body,
  }).then(async (r) => ({ status: r.status, headers: Object.fromEntries(r.headers), text: await r.text() }));
}

describe("gateway: bad input and broken upstreams", () => {
  let up: ScriptedUpstream;
  let t: TestGateway;

  before(async () => {
    up = await scriptedUpstream();
    t = await startTestGateway({
      upstreamUrl: up.url,
      credential: "sk-provider-secret",
      config: { max_body_bytes: 4096 },
      upstream: { headers_timeout_ms: 300, body_timeout_ms: 300 },
    });
  });
  after(async () => {
    await t.close();
    up.server.closeAllConnections();
    up.server.close();
  });

  it("passes the body through byte for byte, injects the provider key and strips client credentials and edge headers", async () => {
    up.script = (_req, _body, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"type":"message","content":[],"usage":{"input_tokens":1,"output_tokens":2}}');
    };
    const odd =
      '{ "max_tokens":16,  "model":"claude-test","messages":[{"role":"user","content":"ünïcødé \\u00e9"}] }';
    const r = await post(t, "/v1/messages", odd, {
      "x-forwarded-for": "6.6.6.6",
      "cf-ipcountry": "KP",
      "anthropic-beta": "x",
    });
    assert.equal(r.status, 200);
    assert.ok(up.last);
    assert.equal(up.last.body.toString("utf8"), odd);
    assert.equal(up.last.headers["x-api-key"], "sk-provider-secret");
    assert.equal(up.last.headers.authorization, undefined);
    assert.equal(up.last.headers["x-forwarded-for"], undefined);
    assert.equal(up.last.headers["cf-ipcountry"], undefined);
    assert.equal(up.last.headers["anthropic-beta"], "x");
  });

  it("answers a missing, malformed or revoked key with 401 in each dialect's shape", async () => {
    const noKey = await fetch(`${t.gw.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(MSG),
    });
    assert.equal(noKey.status, 401);
    assert.equal(((await noKey.json()) as { error: { type: string } }).error.type, "authentication_error");
    const bad = await fetch(`${t.gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-not-ours" },
      body: "{}",
    });
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, "invalid_api_key");
    const acct = t.gw.keys.createAccount({});
    const k = t.gw.keys.createKey(acct.id);
    t.gw.keys.revokeKey(k.record.id);
    const revoked = await fetch(`${t.gw.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": k.secret },
      body: JSON.stringify(MSG),
    });
    assert.equal(revoked.status, 401);
    assert.equal(revoked.headers.get("x-distillguard-error"), "DG_REVOKED_KEY");
  });

  it("refuses malformed JSON, bad UTF-8, a wrong content type and a missing model with 400", async () => {
    const cases: [string | Buffer, Record<string, string>, string][] = [
      ["{nope", {}, "DG_BAD_JSON"],
      [Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), {}, "DG_BAD_UTF8"],
      [JSON.stringify(MSG), { "content-type": "text/plain" }, "DG_BAD_CONTENT_TYPE"],
      ['{"messages":[]}', {}, "DG_MISSING_MODEL"],
      ["[1,2]", {}, "DG_BAD_BODY"],
    ];
    for (const [body, headers, code] of cases) {
      for (const path of ["/v1/messages", "/v1/chat/completions"]) {
        const r = await post(t, path, body, headers);
        assert.equal(r.status, 400, `${code} on ${path}`);
        assert.equal(r.headers["x-distillguard-error"], code);
        const parsed = JSON.parse(r.text) as { error: { type: string } };
        assert.equal(parsed.error.type, "invalid_request_error");
      }
    }
  });

  it("refuses a body over the limit with 413, declared or chunked", async () => {
    const big = JSON.stringify({ ...MSG, pad: "x".repeat(5000) });
    const r = await post(t, "/v1/messages", big);
    assert.equal(r.status, 413);
    assert.equal(JSON.parse(r.text).error.type, "request_too_large");
    // Chunked upload with no content-length.
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(`${t.gw.url}/v1/messages`);
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": t.secret },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      for (let i = 0; i < 10; i++) req.write("x".repeat(1000));
      req.end();
    });
    assert.equal(status, 413);
  });

  it("relays upstream 4xx and 5xx errors unchanged", async () => {
    const body = '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}';
    up.script = (_req, _b, res) => {
      res.writeHead(529, { "content-type": "application/json", "x-should-retry": "true" });
      res.end(body);
    };
    const r = await post(t, "/v1/messages", JSON.stringify(MSG));
    assert.equal(r.status, 529);
    assert.equal(r.text, body);
    assert.equal(r.headers["x-should-retry"], "true");
  });

  it("answers an unreachable upstream with 502 and a timed-out one with 504", async () => {
    up.script = () => {
      /* never answers */
    };
    const timedOut = await post(t, "/v1/messages", JSON.stringify(MSG));
    assert.equal(timedOut.status, 504);
    assert.equal(JSON.parse(timedOut.text).error.type, "timeout_error");
    const openaiTimeout = await post(
      t,
      "/v1/chat/completions",
      JSON.stringify({ model: "gpt-test", messages: [] }),
    );
    assert.equal(openaiTimeout.status, 504);
    assert.equal(JSON.parse(openaiTimeout.text).error.code, "dg_upstream_timeout");
    up.server.closeAllConnections();

    const dead = await startTestGateway({ upstreamUrl: "http://127.0.0.1:1" });
    try {
      const r = await post(dead, "/v1/messages", JSON.stringify(MSG));
      assert.equal(r.status, 502);
      assert.equal(JSON.parse(r.text).error.type, "api_error");
      assert.equal(r.headers["x-distillguard-error"], "DG_UPSTREAM_UNREACHABLE");
    } finally {
      await dead.close();
    }
  });

  it("ends a stream that dies midway with the dialect's error event, and records it", async () => {
    up.script = (_req, _b, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(
        'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":3,"output_tokens":1}}}\n\n',
      );
      res.write(
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}\n\n',
      );
      setTimeout(() => res.socket?.destroy(), 30);
    };
    const before = t.events.length;
    const r = await post(t, "/v1/messages", JSON.stringify({ ...MSG, stream: true }));
    assert.equal(r.status, 200);
    assert.ok(r.text.includes('"text":"Hel"'), "the deltas before the failure arrive");
    const tail = r.text.trim().split("\n\n").at(-1) ?? "";
    assert.match(tail, /^event: error\ndata: /);
    assert.equal(JSON.parse(tail.split("data: ")[1]!).error.type, "api_error");
    const events = await t.waitForEvents(before + 1);
    const ev = events[before]!;
    assert.equal(ev.response.error_code, "DG_UPSTREAM_STREAM_BROKEN");
    assert.equal(ev.response.input_tokens, 3);

    up.script = (_req, _b, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(
        'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n',
      );
      setTimeout(() => res.socket?.destroy(), 30);
    };
    const o = await post(
      t,
      "/v1/chat/completions",
      JSON.stringify({ model: "gpt", stream: true, messages: [] }),
    );
    const last = o.text.trim().split("\n\n").at(-1) ?? "";
    assert.ok(JSON.parse(last.slice("data: ".length)).error, "OpenAI streams end with a data: {error} chunk");
  });

  it("aborts the upstream request when the client goes away mid-stream", async () => {
    up.script = (_req, _b, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const timer = setInterval(() => res.write('event: ping\ndata: {"type":"ping"}\n\n'), 10);
      res.on("close", () => clearInterval(timer));
    };
    const closedBefore = up.closedEarly;
    const eventsBefore = t.events.length;
    const ac = new AbortController();
    const r = await fetch(`${t.gw.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": t.secret },
      body: JSON.stringify({ ...MSG, stream: true }),
      signal: ac.signal,
    });
    const reader = r.body!.getReader();
    await reader.read();
    ac.abort();
    for (let i = 0; i < 100 && up.closedEarly === closedBefore; i++) await sleep(10);
    assert.equal(up.closedEarly, closedBefore + 1, "the upstream saw its request cancelled");
    const events = await t.waitForEvents(eventsBefore + 1);
    assert.equal(events[eventsBefore]!.response.error_code, "DG_CLIENT_CLOSED");
  });

  it("applies backpressure to a slow client instead of buffering the stream", async () => {
    const total = 64 * 1024 * 1024;
    let written = 0;
    up.script = (_req, _b, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = Buffer.from(`data: ${"x".repeat(64 * 1024 - 8)}\n\n`);
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        res.end();
      };
      pump();
    };
    const u = new URL(`${t.gw.url}/v1/messages`);
    const received = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": t.secret },
        },
        (res) => {
          res.pause();
          setTimeout(() => {
            assert.ok(
              written < 24 * 1024 * 1024,
              `upstream pushed ${written} bytes to a client that read nothing`,
            );
            let n = 0;
            res.on("data", (c: Buffer) => {
              n += c.length;
            });
            res.on("end", () => resolve(n));
            res.resume();
          }, 500);
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ ...MSG, stream: true }));
    });
    assert.ok(received >= total, "the whole stream arrives once the client reads");
  });

  it("refuses models outside a configured list with 404 in the dialect's shape", async () => {
    const limited = await startTestGateway({ upstreamUrl: up.url, upstream: { models: ["claude-allowed"] } });
    try {
      const r = await post(limited, "/v1/messages", JSON.stringify(MSG));
      assert.equal(r.status, 404);
      assert.equal(JSON.parse(r.text).error.type, "not_found_error");
      const o = await post(
        limited,
        "/v1/chat/completions",
        JSON.stringify({ model: "gpt-nope", messages: [] }),
      );
      assert.equal(o.status, 404);
      assert.equal(JSON.parse(o.text).error.code, "model_not_found");
    } finally {
      await limited.close();
    }
  });

  it("records one event per exchange, failures included, with the client's key id and never the secret", async () => {
    const n = t.events.length;
    await post(t, "/v1/messages", "{nope");
    const events = await t.waitForEvents(n + 1);
    const ev = events[n]!;
    assert.equal(ev.account_id, t.accountId);
    assert.equal(ev.response.status, 400);
    assert.ok(ev.api_key_id?.startsWith("dg-"));
    assert.ok(!JSON.stringify(ev).includes(t.secret));
  });
});
