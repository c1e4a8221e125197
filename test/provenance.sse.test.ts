/**
 * The SSE watermark transform on real byte streams from the mock upstream (real model answers when
 * ../shared/data is present, the built-in generator otherwise), for both dialects, with thinking and
 * tool calls, fed in the upstream's own chunks and re-cut into 1..13-byte slices.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { request } from "undici";
import { startMockUpstream } from "../src/mock/server.js";
import { PositionSet, scoreKey } from "../src/provenance/detect.js";
import {
  createSseWatermarkTransform,
  responseText,
  type WatermarkDialect,
  watermarkJsonResponse,
} from "../src/provenance/sse.js";
import { createWatermarker } from "../src/provenance/watermark.js";

const CORPUS = "../shared/data";
const key = createHash("sha256").update("sse test key").digest();
const wm = createWatermarker({ key });

interface Ev {
  raw: string;
  data: Record<string, unknown> | null;
}

function events(text: string): Ev[] {
  return text
    .split("\n\n")
    .filter((r) => r.length > 0)
    .map((raw) => {
      const line = raw.split("\n").find((l) => l.startsWith("data: "));
      const d = line?.slice(6);
      return { raw, data: d && d !== "[DONE]" ? (JSON.parse(d) as Record<string, unknown>) : null };
    });
}

async function fetchRaw(url: string, body: object, headers: Record<string, string>): Promise<Buffer[]> {
  const res = await request(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  assert.equal(res.statusCode, 200);
  const chunks: Buffer[] = [];
  for await (const c of res.body) chunks.push(c as Buffer);
  return chunks;
}

function transform(dialect: WatermarkDialect, chunks: Buffer[]): { out: string; text: string } {
  const t = createSseWatermarkTransform(dialect, wm);
  const parts = chunks.map((c) => t.push(c));
  parts.push(t.end());
  return { out: Buffer.concat(parts).toString("utf8"), text: t.text() };
}

function recut(chunks: Buffer[]): Buffer[] {
  const all = Buffer.concat(chunks);
  const out: Buffer[] = [];
  for (let i = 0, n = 1; i < all.length; i += n, n = (n * 7 + 3) % 13 || 1) out.push(all.subarray(i, i + n));
  return out;
}

/** Per block (Anthropic index / OpenAI choice): text of the deltas in order. */
function textOf(dialect: WatermarkDialect, evs: Ev[]): string {
  let s = "";
  for (const e of evs) {
    const d = e.data;
    if (!d) continue;
    if (dialect === "anthropic.messages") {
      const delta = d.delta as Record<string, unknown> | undefined;
      if (d.type === "content_block_delta" && delta?.type === "text_delta") s += delta.text as string;
    } else {
      for (const c of (d.choices as Array<{ delta?: { content?: unknown } }>) ?? [])
        if (typeof c.delta?.content === "string") s += c.delta.content;
    }
  }
  return s;
}

function isText(dialect: WatermarkDialect, e: Ev): boolean {
  if (!e.data) return false;
  if (dialect === "anthropic.messages")
    return e.data.type === "content_block_delta" && (e.data.delta as { type?: string }).type === "text_delta";
  return ((e.data.choices as Array<{ delta?: { content?: unknown } }>) ?? []).some(
    (c) => typeof c.delta?.content === "string",
  );
}

describe("SSE watermark transform on mock upstream streams", { concurrency: false }, () => {
  const corpus = existsSync(CORPUS) ? CORPUS : null;

  it("Anthropic: rewrites only text_delta, keeps thinking/tool/other events byte-identical", async (t) => {
    if (!corpus) t.diagnostic("../shared/data absent: built-in generated answers");
    const mock = await startMockUpstream({ corpusDir: corpus, wordsPerChunk: 3 });
    try {
      const url = `${mock.url}/v1/messages`;
      const headers = { "x-api-key": "k", "anthropic-version": "2023-06-01" };
      const positions = new PositionSet();
      const prompts = [
        "Explain how a hash map works and when to use one.",
        "Write a short essay about rivers.",
        "How do I bake bread?",
      ];
      for (const prompt of prompts) {
        for (const extra of [{}, { thinking: { type: "enabled", budget_tokens: 1024 } }]) {
          const body = {
            model: "claude-sonnet-4-5",
            max_tokens: 2048,
            stream: true,
            messages: [{ role: "user", content: prompt }],
            ...extra,
          };
          const chunks = await fetchRaw(url, body, headers);
          const input = events(Buffer.concat(chunks).toString("utf8"));
          if ("thinking" in extra)
            assert.ok(
              input.some((e) => (e.data?.delta as { type?: string } | undefined)?.type === "thinking_delta"),
            );
          for (const feed of [chunks, recut(chunks)]) {
            const { out, text } = transform("anthropic.messages", feed);
            const output = events(out);
            // Non-text events identical and in the same order.
            assert.deepEqual(
              output.filter((e) => !isText("anthropic.messages", e)).map((e) => e.raw),
              input.filter((e) => !isText("anthropic.messages", e)).map((e) => e.raw),
            );
            const original = textOf("anthropic.messages", input);
            assert.equal(textOf("anthropic.messages", output), wm.apply(original));
            assert.equal(text, wm.apply(original));
            // Every text delta sits between its block's start and stop.
            const open = new Set<number>();
            for (const e of output) {
              if (e.data?.type === "content_block_start") open.add(e.data.index as number);
              if (e.data?.type === "content_block_stop") open.delete(e.data.index as number);
              if (isText("anthropic.messages", e)) assert.ok(open.has(e.data?.index as number));
            }
          }
          positions.add(transform("anthropic.messages", chunks).text);
        }
      }
      const s = scoreKey(positions.positions, key);
      assert.equal(s.green, s.positions);
      assert.ok(s.positions > 0);
      // Tool use: input_json_delta passes untouched.
      const tools = [
        {
          name: "get_weather",
          description: "weather for a city",
          input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      ];
      const chunks = await fetchRaw(
        url,
        {
          model: "claude-sonnet-4-5",
          max_tokens: 512,
          stream: true,
          tools,
          tool_choice: { type: "any" },
          messages: [{ role: "user", content: "weather in Paris, often large" }],
        },
        headers,
      );
      const input = events(Buffer.concat(chunks).toString("utf8"));
      assert.ok(
        input.some((e) => (e.data?.delta as { type?: string } | undefined)?.type === "input_json_delta"),
      );
      const output = events(transform("anthropic.messages", recut(chunks)).out);
      assert.deepEqual(
        output.filter((e) => !isText("anthropic.messages", e)).map((e) => e.raw),
        input.filter((e) => !isText("anthropic.messages", e)).map((e) => e.raw),
      );
    } finally {
      await mock.close();
    }
  });

  it("OpenAI: rewrites only choices[].delta.content; tool_calls and [DONE] unchanged; JSON bodies too", async () => {
    const mock = await startMockUpstream({ corpusDir: corpus, wordsPerChunk: 2 });
    try {
      const url = `${mock.url}/v1/chat/completions`;
      const headers = { authorization: "Bearer k" };
      for (const prompt of ["Explain recursion to a student.", "Compare two approaches to caching."]) {
        const body = { model: "gpt-4.1", stream: true, messages: [{ role: "user", content: prompt }] };
        const chunks = await fetchRaw(url, body, headers);
        const input = events(Buffer.concat(chunks).toString("utf8"));
        for (const feed of [chunks, recut(chunks)]) {
          const output = events(transform("openai.chat.completions", feed).out);
          assert.equal(output.at(-1)?.raw, "data: [DONE]");
          const original = textOf("openai.chat.completions", input);
          assert.equal(textOf("openai.chat.completions", output), wm.apply(original));
          const finish = (evs: Ev[]) =>
            evs.filter((e) =>
              ((e.data?.choices as Array<{ finish_reason?: unknown }>) ?? []).some((c) => c.finish_reason),
            ).length;
          assert.equal(finish(output), finish(input));
        }
        const plain = await request(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ ...body, stream: false }),
        });
        const json = await plain.body.json();
        const marked = watermarkJsonResponse("openai.chat.completions", json, wm);
        assert.equal(
          responseText("openai.chat.completions", marked),
          wm.apply(responseText("openai.chat.completions", json)),
        );
      }
      const tools = [
        {
          type: "function",
          function: {
            name: "lookup",
            description: "look up",
            parameters: { type: "object", properties: { q: { type: "string" } } },
          },
        },
      ];
      const chunks = await fetchRaw(
        url,
        {
          model: "gpt-4.1",
          stream: true,
          tools,
          tool_choice: "required",
          messages: [{ role: "user", content: "look up large rivers" }],
        },
        headers,
      );
      const raw = Buffer.concat(chunks).toString("utf8");
      assert.ok(raw.includes("tool_calls"));
      // Chunking never changes the output.
      assert.equal(
        transform("openai.chat.completions", recut(chunks)).out,
        transform("openai.chat.completions", chunks).out,
      );
      assert.deepEqual(
        events(transform("openai.chat.completions", recut(chunks)).out)
          .filter((e) => !isText("openai.chat.completions", e))
          .map((e) => e.raw),
        events(raw)
          .filter((e) => !isText("openai.chat.completions", e))
          .map((e) => e.raw),
      );
    } finally {
      await mock.close();
    }
  });
});
