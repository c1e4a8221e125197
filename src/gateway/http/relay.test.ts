import assert from "node:assert/strict";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough, Readable } from "node:stream";
import { describe, it } from "node:test";
import { ClientGone, relayBody } from "./relay.js";

/** Serves one request with `handle`, returns what the client received and the relay's outcome. */
async function serveOnce(body: Readable, abortAfterFirstChunk = false) {
  const seen: string[] = [];
  let outcome: Promise<unknown> = Promise.resolve();
  const server = createServer((_req, res) => {
    res.writeHead(200);
    outcome = relayBody(body, res, (c) => {
      seen.push(c.toString());
      return c;
    }).then(
      () => {
        res.end();
        return "ended";
      },
      (err: unknown) => {
        res.destroy();
        return err;
      },
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const received = await new Promise<string>((resolve) => {
    let text = "";
    const req = request({ port, host: "127.0.0.1", path: "/", agent: false }, (res) => {
      res.on("data", (c: Buffer) => {
        text += c.toString();
        if (abortAfterFirstChunk) req.destroy();
      });
      res.on("end", () => resolve(text));
      res.on("error", () => resolve(text));
      res.on("close", () => resolve(text));
    });
    req.on("error", () => resolve(text));
    req.end();
  });
  const result = await outcome;
  server.closeAllConnections();
  server.close();
  return { seen, received, result };
}

describe("relayBody", () => {
  it("hands each chunk to the observer and writes it to the client, in order", async () => {
    const { seen, received, result } = await serveOnce(
      Readable.from(["a", "b", "c"].map((s) => Buffer.from(s))),
    );
    assert.deepEqual(seen, ["a", "b", "c"]);
    assert.equal(received, "abc");
    assert.equal(result, "ended");
  });

  it("rejects with the upstream body's error", async () => {
    const body = new PassThrough();
    body.write("x");
    setTimeout(() => body.destroy(new Error("upstream broke")), 20);
    const { result } = await serveOnce(body);
    assert.ok(result instanceof Error);
    assert.equal((result as Error).message, "upstream broke");
  });

  it("rejects with ClientGone when the client goes away mid-body", async () => {
    const body = new PassThrough();
    body.write("first");
    const { result } = await serveOnce(body, true);
    assert.ok(result instanceof ClientGone);
    body.destroy();
  });
});
