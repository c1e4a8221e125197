import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";

/** The client went away before the exchange completed. */
export class ClientGone extends Error {}

/**
 * Writes each chunk of an upstream body to the client as it arrives, as transformed by `onChunk`
 * (which returns the bytes to send now, possibly empty).
 * While the client's socket is full the upstream body is paused, which stops reading from the
 * upstream (TCP backpressure); it resumes on `drain`. Resolves when the body ends; rejects with the
 * body's error, or with ClientGone when the client's connection closes first.
 *
 * Event-driven on purpose: `for await` over the body costs an async iterator and a promise round
 * trip per chunk on the hot path.
 */
export function relayBody(
  body: Readable,
  res: ServerResponse,
  onChunk: (chunk: Buffer) => Buffer,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onError);
      body.off("close", onBodyClose);
      res.off("drain", onDrain);
      res.off("close", onClientClose);
      if (err) reject(err);
      else resolve();
    };
    const onData = (chunk: Buffer) => {
      let out: Buffer;
      try {
        out = onChunk(chunk);
      } catch (err) {
        finish(err as Error);
        return;
      }
      if (out.length > 0 && !res.write(out)) body.pause();
      if (res.destroyed) finish(new ClientGone());
    };
    const onDrain = () => body.resume();
    const onEnd = () => finish(null);
    const onError = (err: Error) => finish(err);
    // 'close' after 'end' is normal and never seen here (finish removed the listener).
    const onBodyClose = () => finish(new Error("the upstream body closed before its end"));
    const onClientClose = () => finish(new ClientGone());
    if (res.destroyed) {
      finish(new ClientGone());
      return;
    }
    body.on("end", onEnd);
    body.on("error", onError);
    body.on("close", onBodyClose);
    res.on("drain", onDrain);
    res.on("close", onClientClose);
    body.on("data", onData);
  });
}
