import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { checkSchema } from "./schema-check.js";
import { type MockUpstream, startMockUpstream } from "./server.js";
import { pngHeader } from "./testing.js";
import { estimateTokens } from "./tokens.js";

const MODEL = "gpt-4o";
const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Get the current weather in a given city",
    parameters: {
      type: "object",
      properties: {
        city: { type: "string" },
        unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        days: { type: "integer", minimum: 1, maximum: 7 },
      },
      required: ["city", "unit"],
    },
  },
};
const mailTool = {
  type: "function" as const,
  function: {
    name: "send_email",
    description: "Send an email to a recipient",
    parameters: {
      type: "object",
      properties: { to: { type: "string" }, body: { type: "string" } },
      required: ["to", "body"],
    },
  },
};

/** A completion without the per-response fields and the SDK-only ones (`parsed`; `annotations` is body-only). */
function comparable(completion: OpenAI.ChatCompletion): unknown {
  const {
    id: _id,
    created: _created,
    ...rest
  } = JSON.parse(JSON.stringify(completion)) as OpenAI.ChatCompletion;
  for (const choice of rest.choices) {
    const message = choice.message as unknown as Record<string, unknown>;
    delete message.parsed;
    delete message.annotations;
  }
  return rest;
}

describe("mock upstream: OpenAI Chat Completions via openai", () => {
  let mock: MockUpstream;
  let client: OpenAI;

  before(async () => {
    mock = await startMockUpstream({ seed: 7 });
    client = new OpenAI({ apiKey: "sk-test", baseURL: `${mock.url}/v1`, maxRetries: 0 });
  });
  after(() => mock.close());

  it("answers with the real chat.completion shape", async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: MODEL,
        messages: [
          { role: "system", content: "You are concise." },
          { role: "user", content: "How do B-trees work?" },
        ],
      })
      .withResponse();
    assert.match(data.id, /^chatcmpl-/);
    assert.equal(data.object, "chat.completion");
    assert.equal(data.model, MODEL);
    assert.equal(typeof data.created, "number");
    const choice = data.choices[0]!;
    assert.equal(choice.index, 0);
    assert.equal(choice.finish_reason, "stop");
    assert.equal(choice.logprobs, null);
    assert.equal(choice.message.role, "assistant");
    assert.equal(choice.message.refusal, null);
    assert.ok((choice.message.content ?? "").length > 200);
    const usage = data.usage!;
    assert.equal(usage.completion_tokens, estimateTokens(choice.message.content ?? ""));
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    assert.equal(usage.completion_tokens_details?.reasoning_tokens, 0);
    assert.match(response.headers.get("x-request-id") ?? "", /^req_/);
  });

  it("streams chunks (role first, usage chunk last) that accumulate to the non-streaming answer", async () => {
    const params = {
      model: MODEL,
      max_tokens: 2000,
      messages: [{ role: "user" as const, content: "Give me a plan to learn SQL in a month." }],
    };
    const plain = await client.chat.completions.create(params);
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    const stream = await client.chat.completions.create({
      ...params,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of stream) chunks.push(chunk);
    assert.equal(chunks[0]?.choices[0]?.delta.role, "assistant");
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, plain.usage);
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "stop");
    assert.ok(chunks.length > 10);
    assert.equal(new Set(chunks.map((c) => c.id)).size, 1);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    assert.equal(text, plain.choices[0]?.message.content);

    const helper = client.chat.completions.stream({ ...params, stream_options: { include_usage: true } });
    const final = await helper.finalChatCompletion();
    assert.deepEqual(comparable(final), comparable(plain));

    const raw = await fetch(`${mock.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer x" },
      body: JSON.stringify({ ...params, stream: true }),
    });
    const rawText = await raw.text();
    assert.ok(rawText.endsWith("data: [DONE]\n\n"));
    assert.ok(!rawText.includes('"usage"'), "no usage without include_usage");
  });

  it("returns n distinct choices, streamed with their indexes", async () => {
    const params = {
      model: MODEL,
      n: 3,
      messages: [{ role: "user" as const, content: "Name a good book title." }],
    };
    const plain = await client.chat.completions.create(params);
    assert.deepEqual(
      plain.choices.map((c) => c.index),
      [0, 1, 2],
    );
    assert.equal(new Set(plain.choices.map((c) => c.message.content)).size, 3);
    const total = plain.choices.reduce((sum, c) => sum + estimateTokens(c.message.content ?? ""), 0);
    assert.equal(plain.usage?.completion_tokens, total);
    const final = await client.chat.completions
      .stream({ ...params, stream_options: { include_usage: true } })
      .finalChatCompletion();
    assert.deepEqual(comparable(final), comparable(plain));
  });

  it("reports finish_reason length at max_completion_tokens", async () => {
    const res = await client.chat.completions.create({
      model: "gpt-4.1-mini",
      max_completion_tokens: 16,
      messages: [{ role: "user", content: "Write an essay about rivers." }],
    });
    assert.equal(res.choices[0]?.finish_reason, "length");
    assert.equal(res.usage?.completion_tokens, 16);
  });

  it("calls a tool with arguments matching its schema, streamed in pieces", async () => {
    const params = {
      model: MODEL,
      tools: [mailTool, weatherTool],
      messages: [{ role: "user" as const, content: "What is the weather in Nairobi right now?" }],
    };
    const plain = await client.chat.completions.create(params);
    const choice = plain.choices[0]!;
    assert.equal(choice.finish_reason, "tool_calls");
    assert.equal(choice.message.content, null);
    const call = choice.message.tool_calls?.[0];
    assert.ok(call && call.type === "function");
    assert.equal(call.function.name, "get_weather");
    assert.match(call.id, /^call_/);
    assert.deepEqual(checkSchema(JSON.parse(call.function.arguments), weatherTool.function.parameters), []);

    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of await client.chat.completions.create({ ...params, stream: true }))
      chunks.push(chunk);
    const first = chunks[0]?.choices[0]?.delta.tool_calls?.[0];
    assert.equal(first?.id, call.id);
    assert.equal(first?.function?.name, "get_weather");
    const pieces = chunks
      .flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])
      .map((t) => t.function?.arguments ?? "");
    assert.ok(pieces.filter(Boolean).length > 1);
    assert.equal(pieces.join(""), call.function.arguments);
    const final = await client.chat.completions
      .stream({ ...params, stream_options: { include_usage: true } })
      .finalChatCompletion();
    assert.deepEqual(comparable(final), comparable(plain));

    const followUp = await client.chat.completions.create({
      ...params,
      messages: [
        ...params.messages,
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call.id, content: '{"temp_c": 21}' },
      ],
    });
    assert.equal(followUp.choices[0]?.finish_reason, "stop");
    assert.match(followUp.choices[0]?.message.content ?? "", /get_weather/);
  });

  it("honours tool_choice none / required / named function", async () => {
    const base = {
      model: MODEL,
      tools: [mailTool, weatherTool],
      messages: [{ role: "user" as const, content: "What is the weather in Nairobi right now?" }],
    };
    const none = await client.chat.completions.create({ ...base, tool_choice: "none" });
    assert.equal(none.choices[0]?.finish_reason, "stop");
    const named = await client.chat.completions.create({
      ...base,
      tool_choice: { type: "function", function: { name: "send_email" } },
    });
    const call = named.choices[0]?.message.tool_calls?.[0];
    assert.ok(call?.type === "function" && call.function.name === "send_email");
    const required = await client.chat.completions.create({ ...base, tool_choice: "required" });
    assert.equal(required.choices[0]?.finish_reason, "tool_calls");
    await assert.rejects(
      client.chat.completions.create({
        ...base,
        messages: [...base.messages, { role: "tool", tool_call_id: "call_missing", content: "x" }],
      }),
      OpenAI.BadRequestError,
    );
  });

  it("reports hidden reasoning tokens for reasoning_effort", async () => {
    const messages = [{ role: "user" as const, content: "Is 221 a prime number?" }];
    const high = await client.chat.completions.create({
      model: "o4-mini",
      reasoning_effort: "high",
      messages,
    });
    const reasoning = high.usage?.completion_tokens_details?.reasoning_tokens ?? 0;
    assert.ok(reasoning >= 1024);
    assert.equal(
      high.usage?.completion_tokens,
      reasoning + estimateTokens(high.choices[0]?.message.content ?? ""),
    );
    const plain = await client.chat.completions.create({ model: "gpt-4o-mini", messages });
    assert.equal(plain.usage?.completion_tokens_details?.reasoning_tokens, 0);
  });

  it("accepts image_url parts and counts them by detail", async () => {
    const text = { type: "text" as const, text: "Describe this." };
    const url = `data:image/png;base64,${pngHeader(1024, 1024)}`;
    const base = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: [text] }],
    });
    const low = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: [text, { type: "image_url", image_url: { url, detail: "low" } }] }],
    });
    const high = await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: "user", content: [text, { type: "image_url", image_url: { url, detail: "high" } }] },
      ],
    });
    const baseTokens = base.usage?.prompt_tokens ?? 0;
    assert.equal((low.usage?.prompt_tokens ?? 0) - baseTokens, 85);
    assert.equal((high.usage?.prompt_tokens ?? 0) - baseTokens, 85 + 170 * 4);
    assert.match(low.choices[0]?.message.content ?? "", /image/i);
  });

  it("returns JSON matching response_format json_schema", async () => {
    const schema = {
      type: "object",
      properties: { title: { type: "string" }, score: { type: "number", minimum: 0, maximum: 10 } },
      required: ["title", "score"],
      additionalProperties: false,
    };
    const res = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "Rate this movie." }],
      response_format: { type: "json_schema", json_schema: { name: "rating", schema, strict: true } },
    });
    assert.deepEqual(checkSchema(JSON.parse(res.choices[0]?.message.content ?? ""), schema), []);
  });

  it("lists and retrieves models in OpenAI's shape", async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) {
      assert.equal(model.object, "model");
      ids.push(model.id);
    }
    assert.ok(ids.includes("gpt-4o") && ids.includes("o4-mini") && ids.includes("gpt-5.5"));
    assert.equal((await client.models.retrieve("gpt-4o-mini")).id, "gpt-4o-mini");
    await assert.rejects(client.models.retrieve("gpt-0"), OpenAI.NotFoundError);
  });

  it("rejects bad requests like the real API", async () => {
    await assert.rejects(
      client.chat.completions.create({ model: "gpt-nope", messages: [{ role: "user", content: "hi" }] }),
      (err: unknown) =>
        err instanceof OpenAI.NotFoundError && err.code === "model_not_found" && err.param === "model",
    );
    await assert.rejects(
      client.chat.completions.create({
        model: MODEL,
      } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming),
      (err: unknown) => err instanceof OpenAI.BadRequestError && err.param === "messages",
    );
    await assert.rejects(
      client.chat.completions.create({
        model: MODEL,
        max_tokens: 999999,
        messages: [{ role: "user", content: "hi" }],
      }),
      OpenAI.BadRequestError,
    );
    const res = await fetch(`${mock.url}/v1/chat/completions`, { method: "POST", body: "[[[" });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { type: string; message: string } };
    assert.equal(body.error.type, "invalid_request_error");
  });

  it("requires the expected key when one is set", async () => {
    const guarded = await startMockUpstream({ expectedKey: "sk-right" });
    try {
      const wrong = new OpenAI({ apiKey: "sk-wrong-key-123", baseURL: `${guarded.url}/v1`, maxRetries: 0 });
      await assert.rejects(
        wrong.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] }),
        (err: unknown) => err instanceof OpenAI.AuthenticationError && err.code === "invalid_api_key",
      );
      await assert.rejects(wrong.models.list(), OpenAI.AuthenticationError);
      const right = new OpenAI({ apiKey: "sk-right", baseURL: `${guarded.url}/v1`, maxRetries: 0 });
      const ok = await right.chat.completions.create({
        model: MODEL,
        messages: [{ role: "user", content: "hi" }],
      });
      assert.equal(ok.object, "chat.completion");
    } finally {
      await guarded.close();
    }
  });
});
