/**
 * The bytes of one log: a file (gunzipped when its name ends in .gz), or standard input ("-",
 * gunzipped when it starts with gzip's magic bytes: `zcat` is not needed).
 */
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

/** The path that names standard input. */
export const STDIN = "-";

/** Chunks of the log's bytes, uncompressed. */
export function openLog(path: string, highWaterMark = 1 << 20): AsyncIterable<Buffer> {
  if (path !== STDIN) {
    const file = createReadStream(path, { highWaterMark });
    return (path.endsWith(".gz") ? file.pipe(createGunzip()) : file) as AsyncIterable<Buffer>;
  }
  return sniffed(process.stdin);
}

async function* sniffed(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = input[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  // the first two bytes decide (a pipe may hand them over one at a time)
  while (head.length < 2) {
    const n = await it.next();
    if (n.done) {
      if (head.length > 0) yield head;
      return;
    }
    head = Buffer.concat([head, n.value]);
  }
  const rest = async function* () {
    yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  };
  if (head[0] === 0x1f && head[1] === 0x8b) yield* Readable.from(rest()).pipe(createGunzip());
  else yield* rest();
}
