import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { createSseWatermarkTransform } from "./sse.js";
import { documentsOf, recordText } from "./texts.js";
import { createWatermarker } from "./watermark.js";

const wm = createWatermarker({ key: createHash("sha256").update("sse unit").digest() });
const TEXT = "Café owners often calculate a large “quoted large” total quickly, and therefore evaluate it.";

function anthropicStream(text: string, sep: string): string {
  const ev = (name: string, data: object) => `event: ${name}${sep}data: ${JSON.stringify(data)}${sep}${sep}`;
  const parts = text.match(/.{1,7}/gsu) ?? [];
  return [
    ev("content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    }),
    ...parts.map((t) =>
      ev("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text: t },
      }),
    ),
    ev("content_block_stop", { type: "content_block_stop", index: 0 }),
    ev("message_stop", { type: "message_stop" }),
  ].join("");
}

function run(bytes: Buffer, step: number): string {
  const t = createSseWatermarkTransform("anthropic.messages", wm);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += step) out.push(t.push(bytes.subarray(i, i + step)));
  out.push(t.end());
  return Buffer.concat(out).toString("utf8");
}

function textOf(sse: string): string {
  let s = "";
  for (const line of sse.split(/\r?\n/)) {
    if (!line.startsWith("data: ")) continue;
    const d = JSON.parse(line.slice(6));
    if (d.type === "content_block_delta") s += d.delta.text;
  }
  return s;
}

describe("SSE transform framing", () => {
  it("handles LF and CRLF events and multi-byte characters split across chunks", () => {
    for (const sep of ["\n", "\r\n"]) {
      const bytes = Buffer.from(anthropicStream(TEXT, sep), "utf8");
      const whole = run(bytes, bytes.length);
      assert.equal(textOf(whole), wm.apply(TEXT));
      assert.notEqual(wm.apply(TEXT), TEXT);
      for (const step of [1, 2, 3, 5, 11])
        assert.equal(run(bytes, step), whole, `sep ${JSON.stringify(sep)} step ${step}`);
      assert.ok(textOf(whole).includes("“quoted large”"), "quoted text changed");
    }
  });

  it("flushes a held-back word before content_block_stop", () => {
    const raw = anthropicStream("We often calculate", "\n");
    const out = run(Buffer.from(raw), raw.length);
    const lines = out.split("\n\n").filter(Boolean);
    const stop = lines.findIndex((l) => l.includes('"content_block_stop"'));
    assert.ok(lines[stop - 1]?.includes("text_delta"));
    assert.equal(textOf(out), wm.apply("We often calculate"));
  });
});

describe("dataset texts", () => {
  it("finds the text of common record shapes", () => {
    assert.equal(recordText({ text: "a" }), "a");
    assert.equal(recordText({ response: { text: "b" } }), "b");
    assert.equal(recordText({ messages: [{ content: "q" }, { content: "c" }] }), "c");
    assert.equal(recordText({ choices: [{ message: { content: "d" } }] }), "d");
    assert.equal(
      recordText({
        content: [
          { type: "text", text: "e" },
          { type: "text", text: "f" },
        ],
      }),
      "ef",
    );
    assert.equal(recordText({ x: { y: "g" } }, "x.y"), "g");
    assert.equal(recordText({ nothing: 1 }), null);
    assert.deepEqual(documentsOf("d.jsonl", '{"text":"a"}\nnot json\n"b"\n\n'), ["a", "b"]);
    assert.deepEqual(documentsOf("d.txt", "whole file"), ["whole file"]);
  });
});
