import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { checkSchema } from "./schema-check.js";
import { type MockUpstream, startMockUpstream } from "./server.js";
import { pngHeader } from "./testing.js";
import { estimateTokens } from "./tokens.js";

const MODEL = "claude-sonnet-4-6";
const weatherTool = {
  name: "get_weather",
  description: "Get the current weather in a given city",
  input_schema: {
    type: "object" as const,
    properties: {
      city: { type: "string", description: "The city and country" },
      unit: { type: "string", enum: ["celsius", "fahrenheit"] },
      days: { type: "integer", minimum: 1, maximum: 7 },
    },
    required: ["city", "unit"],
  },
};
const searchTool = {
  name: "search_docs",
  description: "Search internal documentation pages",
  input_schema: { type: "object" as const, properties: { query: { type: "string" } }, required: ["query"] },
};

/** A message without its per-response id (the only field that differs between two answers to one request). */
function withoutId(message: Anthropic.Message): Omit<Anthropic.Message, "id"> {
  // The SDK's stream helper adds `parsed_output` (structured outputs); it is not on the wire.
  const {
    id: _id,
    parsed_output: _parsed,
    ...rest
  } = message as Anthropic.Message & { parsed_output?: unknown };
  return JSON.parse(JSON.stringify(rest));
}

describe("mock upstream: Anthropic Messages via @anthropic-ai/sdk", () => {
  let mock: MockUpstream;
  let client: Anthropic;

  before(async () => {
    mock = await startMockUpstream({ seed: 42 });
    client = new Anthropic({ apiKey: "sk-ant-test", baseURL: mock.url, maxRetries: 0 });
  });
  after(() => mock.close());

  it("answers a plain message with the real response shape", async () => {
    const { data, response } = await client.messages
      .create({
        model: MODEL,
        max_tokens: 2048,
        system: "You are a helpful assistant.",
        messages: [{ role: "user", content: "Explain how HTTP keep-alive works." }],
      })
      .withResponse();
    assert.match(data.id, /^msg_01[A-Za-z0-9]{22}$/);
    assert.equal(data.type, "message");
    assert.equal(data.role, "assistant");
    assert.equal(data.model, MODEL);
    assert.equal(data.stop_reason, "end_turn");
    assert.equal(data.stop_sequence, null);
    assert.equal(data.content.length, 1);
    const block = data.content[0]!;
    assert.equal(block.type, "text");
    assert.ok(block.type === "text" && block.text.split("\n\n").length >= 3);
    assert.equal(data.usage.output_tokens, estimateTokens(block.type === "text" ? block.text : ""));
    assert.ok(data.usage.input_tokens > 10);
    assert.match(response.headers.get("request-id") ?? "", /^req_/);
  });

  it("is deterministic: the same request gets the same text", async () => {
    const params = {
      model: MODEL,
      max_tokens: 1000,
      messages: [{ role: "user" as const, content: "Tips for learning Rust?" }],
    };
    const a = await client.messages.create(params);
    const b = await client.messages.create(params);
    assert.notEqual(a.id, b.id);
    assert.deepEqual(withoutId(a), withoutId(b));
  });

  it("streams every event type in order, and the accumulated message equals the non-streaming one", async () => {
    const params = {
      model: MODEL,
      max_tokens: 3000,
      messages: [{ role: "user" as const, content: "Write a short guide to unit testing in TypeScript." }],
    };
    const plain = await client.messages.create(params);
    const stream = client.messages.stream(params);
    const types: string[] = [];
    stream.on("streamEvent", (event) => types.push(event.type));
    const final = await stream.finalMessage();
    assert.deepEqual(withoutId(final), withoutId(plain));
    assert.equal(types[0], "message_start");
    assert.equal(types[1], "content_block_start");
    assert.ok(types.filter((t) => t === "content_block_delta").length > 5, "text arrives in many deltas");
    assert.deepEqual(types.slice(-3), ["content_block_stop", "message_delta", "message_stop"]);

    const raw = await fetch(`${mock.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": "k" },
      body: JSON.stringify({ ...params, stream: true }),
    });
    assert.match(raw.headers.get("content-type") ?? "", /^text\/event-stream/);
    const names = [...(await raw.text()).matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    assert.deepEqual(names.slice(0, 3), ["message_start", "content_block_start", "ping"]);
  });

  it("stops at max_tokens with exactly max_tokens output tokens, streamed or not", async () => {
    const params = {
      model: MODEL,
      max_tokens: 25,
      messages: [{ role: "user" as const, content: "Tell me about volcanoes." }],
    };
    const plain = await client.messages.create(params);
    assert.equal(plain.stop_reason, "max_tokens");
    assert.equal(plain.usage.output_tokens, 25);
    const final = await client.messages.stream(params).finalMessage();
    assert.deepEqual(withoutId(final), withoutId(plain));
  });

  it("stops at a stop sequence", async () => {
    const res = await client.messages.create({
      model: MODEL,
      max_tokens: 2000,
      stop_sequences: ["\n\n"],
      messages: [{ role: "user", content: "Describe the water cycle." }],
    });
    assert.equal(res.stop_reason, "stop_sequence");
    assert.equal(res.stop_sequence, "\n\n");
    assert.ok(res.content[0]?.type === "text" && !res.content[0].text.includes("\n\n"));
  });

  it("returns a thinking block first, with a signature, when thinking is enabled", async () => {
    const params = {
      model: MODEL,
      max_tokens: 4000,
      thinking: { type: "enabled" as const, budget_tokens: 2000 },
      messages: [{ role: "user" as const, content: "Prove that the square root of 2 is irrational." }],
    };
    const plain = await client.messages.create(params);
    assert.deepEqual(
      plain.content.map((b) => b.type),
      ["thinking", "text"],
    );
    const thinking = plain.content[0]!;
    assert.ok(
      thinking.type === "thinking" && thinking.thinking.length > 50 && thinking.signature.length > 50,
    );
    const types = new Set<string>();
    const stream = client.messages.stream(params);
    stream.on("streamEvent", (e) => {
      if (e.type === "content_block_delta") types.add(e.delta.type);
    });
    const final = await stream.finalMessage();
    assert.deepEqual(withoutId(final), withoutId(plain));
    assert.deepEqual([...types].sort(), ["signature_delta", "text_delta", "thinking_delta"]);
  });

  it("calls a tool with input matching its schema, streamed via input_json_delta", async () => {
    const params = {
      model: MODEL,
      max_tokens: 1024,
      tools: [searchTool, weatherTool],
      messages: [{ role: "user" as const, content: "What's the weather like in Lisbon today?" }],
    };
    const plain = await client.messages.create(params);
    assert.equal(plain.stop_reason, "tool_use");
    const call = plain.content.find((b) => b.type === "tool_use");
    assert.ok(call && call.type === "tool_use");
    assert.equal(call.name, "get_weather");
    assert.match(call.id, /^toolu_01/);
    assert.deepEqual(checkSchema(call.input, weatherTool.input_schema), []);
    let jsonDeltas = 0;
    const stream = client.messages.stream(params);
    stream.on("streamEvent", (e) => {
      if (e.type === "content_block_delta" && e.delta.type === "input_json_delta") jsonDeltas++;
    });
    const final = await stream.finalMessage();
    assert.ok(jsonDeltas > 1);
    assert.deepEqual(withoutId(final), withoutId(plain));

    const followUp = await client.messages.create({
      ...params,
      messages: [
        ...params.messages,
        { role: "assistant", content: plain.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "18°C and sunny" }] },
      ],
    });
    assert.equal(followUp.stop_reason, "end_turn");
    assert.ok(followUp.content[0]?.type === "text" && followUp.content[0].text.includes("get_weather"));
  });

  it("honours tool_choice none / tool / any", async () => {
    const base = {
      model: MODEL,
      max_tokens: 1024,
      tools: [searchTool, weatherTool],
      messages: [{ role: "user" as const, content: "What's the weather like in Lisbon today?" }],
    };
    const none = await client.messages.create({ ...base, tool_choice: { type: "none" } });
    assert.equal(none.stop_reason, "end_turn");
    assert.ok(none.content.every((b) => b.type === "text"));
    const forced = await client.messages.create({
      ...base,
      tool_choice: { type: "tool", name: "search_docs" },
    });
    assert.deepEqual(
      forced.content.map((b) => (b.type === "tool_use" ? b.name : b.type)),
      ["search_docs"],
    );
    const any = await client.messages.create({ ...base, tool_choice: { type: "any" } });
    assert.equal(any.stop_reason, "tool_use");
  });

  it("accepts image blocks, counts them as input tokens and mentions the image", async () => {
    const text = { type: "text" as const, text: "What is in this picture?" };
    const image = {
      type: "image" as const,
      source: { type: "base64" as const, media_type: "image/png" as const, data: pngHeader(750, 400) },
    };
    const without = await client.messages.create({
      model: MODEL,
      max_tokens: 1024,
      messages: [{ role: "user", content: [text] }],
    });
    const withImage = await client.messages.create({
      model: MODEL,
      max_tokens: 1024,
      messages: [{ role: "user", content: [image, text] }],
    });
    assert.equal(withImage.usage.input_tokens - without.usage.input_tokens, 400);
    assert.ok(withImage.content[0]?.type === "text" && /image/i.test(withImage.content[0].text));
  });

  it("lists and retrieves models in Anthropic's shape", async () => {
    const ids: string[] = [];
    for await (const model of client.models.list({ limit: 3 })) {
      assert.equal(model.type, "model");
      ids.push(model.id);
    }
    assert.ok(
      ids.includes("claude-sonnet-4-6") &&
        ids.includes("claude-haiku-4-5") &&
        ids.includes("claude-sonnet-5"),
    );
    assert.equal(new Set(ids).size, ids.length, "pagination repeats no model");
    const one = await client.models.retrieve("claude-opus-4-1");
    assert.equal(one.display_name, "Claude Opus 4.1");
    await assert.rejects(client.models.retrieve("claude-nope"), Anthropic.NotFoundError);
  });

  it("counts tokens", async () => {
    const messages = [{ role: "user" as const, content: "Count me, please." }];
    const counted = await client.messages.countTokens({ model: MODEL, messages });
    const answered = await client.messages.create({ model: MODEL, max_tokens: 100, messages });
    assert.equal(counted.input_tokens, answered.usage.input_tokens);
  });

  it("rejects bad requests like the real API", async () => {
    await assert.rejects(
      client.messages.create({
        model: "claude-unknown-9",
        max_tokens: 10,
        messages: [{ role: "user", content: "hi" }],
      }),
      (err: unknown) =>
        err instanceof Anthropic.NotFoundError &&
        (err.error as { error: { type: string } }).error.type === "not_found_error",
    );
    await assert.rejects(
      client.messages.create({
        model: MODEL,
        messages: [{ role: "user", content: "hi" }],
      } as unknown as Anthropic.MessageCreateParamsNonStreaming),
      (err: unknown) => err instanceof Anthropic.BadRequestError && /max_tokens/.test(err.message),
    );
    await assert.rejects(
      client.messages.create({
        model: MODEL,
        max_tokens: 10,
      } as unknown as Anthropic.MessageCreateParamsNonStreaming),
      (err: unknown) => err instanceof Anthropic.BadRequestError && /messages/.test(err.message),
    );
    await assert.rejects(
      client.messages.create({
        model: MODEL,
        max_tokens: 1500,
        thinking: { type: "enabled", budget_tokens: 2000 },
        messages: [{ role: "user", content: "hi" }],
      }),
      Anthropic.BadRequestError,
    );
    await assert.rejects(
      client.messages.create({
        model: MODEL,
        max_tokens: 100,
        messages: [
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01nowhere", content: "x" }] },
        ],
      }),
      (err: unknown) => err instanceof Anthropic.BadRequestError && /tool_use_id/.test(err.message),
    );
    const res = await fetch(`${mock.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: "{not json",
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { type: string; error: { type: string }; request_id: string };
    assert.equal(body.type, "error");
    assert.equal(body.error.type, "invalid_request_error");
    assert.match(body.request_id, /^req_/);
  });

  it("records the last request byte for byte", async () => {
    const body =
      '{"model":"claude-haiku-4-5",  "max_tokens":50,"messages":[{"role":"user","content":"héllo"}]}';
    await fetch(`${mock.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "sk-ant-edge", "X-Custom": "1" },
      body,
    });
    const last = mock.lastRequest();
    assert.ok(last);
    assert.equal(last.method, "POST");
    assert.equal(last.path, "/v1/messages?beta=true");
    assert.ok(last.body.equals(Buffer.from(body)));
    assert.equal(last.headers["x-api-key"], "sk-ant-edge");
    assert.ok(last.rawHeaders.includes("X-Custom"));
    assert.equal(mock.recentRequests().at(-1), last);
    assert.ok(mock.recentRequests().length > 1);
  });

  it("requires the expected key when one is set", async () => {
    const guarded = await startMockUpstream({ expectedKey: "sk-ant-right" });
    try {
      const wrong = new Anthropic({ apiKey: "sk-ant-wrong", baseURL: guarded.url, maxRetries: 0 });
      await assert.rejects(
        wrong.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
        Anthropic.AuthenticationError,
      );
      const right = new Anthropic({ apiKey: "sk-ant-right", baseURL: guarded.url, maxRetries: 0 });
      const ok = await right.messages.create({
        model: MODEL,
        max_tokens: 10,
        messages: [{ role: "user", content: "hi" }],
      });
      assert.equal(ok.type, "message");
    } finally {
      await guarded.close();
    }
  });
});
