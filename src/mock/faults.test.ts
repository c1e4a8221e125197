import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { CORPUS_ANSWERS_FILE } from "./corpus.js";
import { type MockUpstream, startMockUpstream } from "./server.js";

const CLAUDE = "claude-haiku-4-5";
const GPT = "gpt-4o-mini";
const ask = { role: "user" as const, content: "Summarise the history of the printing press." };

function fault(value: string) {
  return { headers: { "x-mock-fault": value } };
}

/** Polls until `check` holds (event-driven state on the server side), failing after 2 s. */
async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check());
}

describe("mock upstream: fault injection", () => {
  let mock: MockUpstream;
  let anthropic: Anthropic;
  let openai: OpenAI;

  before(async () => {
    mock = await startMockUpstream();
    anthropic = new Anthropic({ apiKey: "k", baseURL: mock.url, maxRetries: 0 });
    openai = new OpenAI({ apiKey: "k", baseURL: `${mock.url}/v1`, maxRetries: 0 });
  });
  after(() => mock.close());

  it("status:<code> maps to each SDK's error class with the dialect's error type", async () => {
    const claude = (f: string) =>
      anthropic.messages.create({ model: CLAUDE, max_tokens: 100, messages: [ask] }, fault(f));
    const gpt = (f: string) => openai.chat.completions.create({ model: GPT, messages: [ask] }, fault(f));
    await assert.rejects(
      claude("status:500"),
      (e: unknown) => e instanceof Anthropic.InternalServerError && e.type === "api_error",
    );
    await assert.rejects(
      claude("status:529"),
      (e: unknown) =>
        e instanceof Anthropic.InternalServerError && e.status === 529 && e.type === "overloaded_error",
    );
    await assert.rejects(
      claude("status:400"),
      (e: unknown) => e instanceof Anthropic.BadRequestError && e.type === "invalid_request_error",
    );
    await assert.rejects(
      claude("status:429,retry-after:3"),
      (e: unknown) =>
        e instanceof Anthropic.RateLimitError &&
        e.type === "rate_limit_error" &&
        e.headers?.get("retry-after") === "3",
    );
    await assert.rejects(
      gpt("status:500"),
      (e: unknown) => e instanceof OpenAI.InternalServerError && e.type === "server_error",
    );
    await assert.rejects(gpt("status:400"), OpenAI.BadRequestError);
    await assert.rejects(
      gpt("status:429"),
      (e: unknown) =>
        e instanceof OpenAI.RateLimitError &&
        e.code === "rate_limit_exceeded" &&
        e.headers?.get("retry-after") === "1",
    );
    await assert.rejects(openai.models.list(fault("status:503")), OpenAI.InternalServerError);
  });

  it("die-midstream: a stream breaks after a few deltas, a JSON body after half", async () => {
    const events: string[] = [];
    const stream = anthropic.messages.stream(
      { model: CLAUDE, max_tokens: 1000, messages: [ask] },
      fault("die-midstream"),
    );
    stream.on("streamEvent", (e) => events.push(e.type));
    await assert.rejects(stream.finalMessage());
    assert.ok(events.includes("content_block_delta"), "some deltas arrived first");
    assert.ok(!events.includes("message_stop"));

    const chunks: unknown[] = [];
    await assert.rejects(async () => {
      const s = await openai.chat.completions.create(
        { model: GPT, messages: [ask], stream: true },
        fault("die-midstream"),
      );
      for await (const chunk of s) chunks.push(chunk);
    });
    assert.ok(chunks.length >= 1);

    await assert.rejects(
      anthropic.messages.create({ model: CLAUDE, max_tokens: 100, messages: [ask] }, fault("die-midstream")),
    );
    await assert.rejects(
      openai.chat.completions.create({ model: GPT, messages: [ask] }, fault("die-midstream")),
    );
  });

  it("stream-error sends the dialect's in-stream error event", async () => {
    await assert.rejects(
      anthropic.messages
        .stream({ model: CLAUDE, max_tokens: 1000, messages: [ask] }, fault("stream-error"))
        .finalMessage(),
      (e: unknown) => e instanceof Anthropic.APIError && e.type === "overloaded_error",
    );
    await assert.rejects(async () => {
      const s = await openai.chat.completions.create(
        { model: GPT, messages: [ask], stream: true },
        fault("stream-error"),
      );
      for await (const _ of s) {
        // drain
      }
    }, OpenAI.APIError);
  });

  it("hang never answers; the client's timeout ends it and the server lets go", async () => {
    await assert.rejects(
      anthropic.messages.create(
        { model: CLAUDE, max_tokens: 100, messages: [ask] },
        { ...fault("hang"), timeout: 150 },
      ),
      Anthropic.APIConnectionTimeoutError,
    );
    await eventually(() => mock.stats().inFlight === 0);
  });

  it("first-byte-delay and x-mock-chunk-delay still deliver the full answer", async () => {
    const plain = await openai.chat.completions.create({ model: GPT, messages: [ask] });
    const delayed = await openai.chat.completions.create(
      { model: GPT, messages: [ask] },
      fault("first-byte-delay:30"),
    );
    assert.equal(delayed.choices[0]?.message.content, plain.choices[0]?.message.content);
    const slow = await anthropic.messages
      .stream({ model: CLAUDE, max_tokens: 40, messages: [ask] }, { headers: { "x-mock-chunk-delay": "2" } })
      .finalMessage();
    assert.equal(slow.usage.output_tokens, 40);
  });

  it("invalid-json answers 200 with a body that is not JSON", async () => {
    await assert.rejects(
      anthropic.messages.create({ model: CLAUDE, max_tokens: 100, messages: [ask] }, fault("invalid-json")),
    );
    const res = await fetch(`${mock.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "x-mock-fault": "invalid-json" },
      body: "{}",
    });
    assert.equal(res.status, 200);
    await assert.rejects(res.json());
  });

  it("refusal answers with each dialect's refusal shape, streamed or not", async () => {
    const claude = await anthropic.messages.create(
      { model: CLAUDE, max_tokens: 100, messages: [ask] },
      fault("refusal"),
    );
    assert.equal(claude.stop_reason, "refusal");
    assert.ok(claude.content[0]?.type === "text" && /can't|not able/.test(claude.content[0].text));
    const gpt = await openai.chat.completions.create({ model: GPT, messages: [ask] }, fault("refusal"));
    assert.equal(gpt.choices[0]?.message.content, null);
    assert.match(gpt.choices[0]?.message.refusal ?? "", /can't|not able/);
    const streamed = await openai.chat.completions
      .stream({ model: GPT, messages: [ask] }, fault("refusal"))
      .finalChatCompletion();
    assert.equal(streamed.choices[0]?.message.refusal, gpt.choices[0]?.message.refusal);
    assert.equal(streamed.choices[0]?.message.content, null);
  });

  it("stops generating when the client goes away mid-stream", async () => {
    const before = mock.stats().abortedStreams;
    const controller = new AbortController();
    const stream = anthropic.messages.stream(
      { model: CLAUDE, max_tokens: 4000, messages: [ask] },
      { headers: { "x-mock-chunk-delay": "20" }, signal: controller.signal },
    );
    stream.on("text", () => controller.abort());
    await assert.rejects(stream.finalMessage());
    await eventually(() => mock.stats().abortedStreams === before + 1);
  });
});

const corpusDir = fileURLToPath(new URL("../../../../shared/data", import.meta.url));
const haveCorpus = existsSync(`${corpusDir}/${CORPUS_ANSWERS_FILE}`);

describe("mock upstream: corpus replay", () => {
  it("answers an arena question with its real recorded answer", {
    skip: haveCorpus ? false : `no corpus at ${corpusDir} (../shared/data absent)`,
  }, async () => {
    const line = readFileSync(`${corpusDir}/${CORPUS_ANSWERS_FILE}`, "utf8").split("\n")[3]!;
    const record = JSON.parse(line) as { messages: [{ content: string }, { content: { answer: string } }] };
    const question = record.messages[0].content;
    const answer = record.messages[1].content.answer;
    const mock = await startMockUpstream({ corpusDir });
    try {
      const client = new Anthropic({ apiKey: "k", baseURL: mock.url, maxRetries: 0 });
      const res = await client.messages.create({
        model: CLAUDE,
        max_tokens: 16000,
        messages: [{ role: "user", content: question }],
      });
      assert.ok(res.content[0]?.type === "text");
      assert.equal(res.content[0].text, answer);
      const other = await client.messages.create({ model: CLAUDE, max_tokens: 16000, messages: [ask] });
      assert.ok(other.content[0]?.type === "text" && other.content[0].text.length > 100);
    } finally {
      await mock.close();
    }
  });
});
