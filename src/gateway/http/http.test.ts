import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { DistillguardError } from "../../core/errors.js";
import { parseJsonBody, readBody } from "./body.js";
import { forwardHeaders } from "./headers.js";

function fakeRequest(chunks: Buffer[], headers: Record<string, string> = {}): IncomingMessage {
  const r = Readable.from(chunks) as unknown as IncomingMessage;
  r.headers = headers;
  return r;
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return err instanceof DistillguardError ? err.code : "other";
  }
  return "none";
}

describe("readBody", () => {
  it("reads a body in chunks", async () => {
    const body = await readBody(fakeRequest([Buffer.from('{"a":'), Buffer.from("1}")]), 100);
    assert.equal(body.toString(), '{"a":1}');
  });
  it("refuses a declared length over the limit before reading", async () => {
    await assert.rejects(
      readBody(fakeRequest([], { "content-length": "101" }), 100),
      (e: DistillguardError) => {
        return e.code === "DG_BODY_TOO_LARGE" && e.status === 413;
      },
    );
  });
  it("refuses a chunked body as soon as it passes the limit", async () => {
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(30, 32));
    await assert.rejects(readBody(fakeRequest(chunks), 100), /exceeds 100 bytes/);
  });
});

describe("parseJsonBody", () => {
  it("accepts JSON objects with a JSON content type", () => {
    assert.deepEqual(parseJsonBody("application/json; charset=utf-8", Buffer.from('{"x":[1]}')).json, {
      x: [1],
    });
  });
  it("names each kind of bad body", () => {
    assert.equal(
      code(() => parseJsonBody("text/plain", Buffer.from("{}"))),
      "DG_BAD_CONTENT_TYPE",
    );
    assert.equal(
      code(() => parseJsonBody(undefined, Buffer.from("{}"))),
      "DG_BAD_CONTENT_TYPE",
    );
    assert.equal(
      code(() => parseJsonBody("application/json", Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))),
      "DG_BAD_UTF8",
    );
    assert.equal(
      code(() => parseJsonBody("application/json", Buffer.from("{nope"))),
      "DG_BAD_JSON",
    );
    assert.equal(
      code(() => parseJsonBody("application/json", Buffer.from("[1]"))),
      "DG_BAD_BODY",
    );
    assert.equal(
      code(() => parseJsonBody("application/json", Buffer.from("null"))),
      "DG_BAD_BODY",
    );
  });
});

describe("forwardHeaders", () => {
  it("drops hop-by-hop, client credentials and edge headers, and injects the provider credential", () => {
    const out = forwardHeaders(
      {
        host: "gw",
        connection: "keep-alive, x-custom-hop",
        "x-custom-hop": "1",
        "x-api-key": "client-key",
        authorization: "Bearer client",
        "x-forwarded-for": "6.6.6.6",
        "cf-ipcountry": "US",
        "anthropic-version": "2023-06-01",
        "accept-encoding": "gzip",
        "content-length": "999",
      },
      new Set(["x-forwarded-for", "cf-ipcountry", "x-api-key", "authorization"]),
      { "x-api-key": "provider-key" },
      42,
    );
    assert.deepEqual(out, {
      "anthropic-version": "2023-06-01",
      "x-api-key": "provider-key",
      "content-length": "42",
    });
  });
});
