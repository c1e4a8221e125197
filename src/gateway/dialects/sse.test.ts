import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SseParser, sseEvent } from "./sse.js";

const STREAM =
  ": comment line\n" +
  'event: message_start\r\ndata: {"a":1}\r\n\r\n' +
  'event: content_block_delta\ndata: {"text":"héllo"}\n\n' +
  "data: line1\ndata: line2\n\n" +
  "event: message_stop\ndata: {}\n\n";

function parseAll(chunks: Buffer[]): [string | null, string][] {
  const events: [string | null, string][] = [];
  const p = new SseParser((e, d) => events.push([e, d]));
  for (const c of chunks) p.push(c);
  p.end();
  return events;
}

describe("SseParser", () => {
  const expected: [string | null, string][] = [
    ["message_start", '{"a":1}'],
    ["content_block_delta", '{"text":"héllo"}'],
    [null, "line1\nline2"],
    ["message_stop", "{}"],
  ];

  it("parses a whole stream", () => {
    assert.deepEqual(parseAll([Buffer.from(STREAM)]), expected);
  });

  it("gives the same events for every way of splitting the bytes (multi-byte characters included)", () => {
    const bytes = Buffer.from(STREAM);
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.deepEqual(
        parseAll([bytes.subarray(0, cut), bytes.subarray(cut)]),
        expected,
        `split at byte ${cut}`,
      );
    }
    const oneByOne = [...bytes].map((b) => Buffer.from([b]));
    assert.deepEqual(parseAll(oneByOne), expected);
  });

  it("flushes a last event that lacks its blank line", () => {
    assert.deepEqual(parseAll([Buffer.from("event: x\ndata: 1")]), [["x", "1"]]);
  });
});

describe("sseEvent", () => {
  it("round-trips through the parser, multi-line data included", () => {
    const text = sseEvent("error", "a\nb");
    assert.deepEqual(parseAll([Buffer.from(text)]), [["error", "a\nb"]]);
  });
  it("refuses line breaks in event names", () => {
    assert.throws(() => sseEvent("bad\nname", "x"));
  });
});
