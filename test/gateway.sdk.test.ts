/**
 * The official SDKs (@anthropic-ai/sdk 1.x, openai 6.x) against the gateway over real HTTP, each
 * compared with the same client talking to the upstream (the built-in mock) directly: the gateway
 * must be invisible — identical content, identical error classes.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type MockUpstream, startMockUpstream } from "../src/mock/server.js";
import { startTestGateway, type TestGateway } from "./helpers/gateway.js";

const UPSTREAM_KEY = "sk-mock-upstream-key";
const PNG_1PX =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: {
    type: "object" as const,
    properties: {
      city: { type: "string" },
      unit: { type: "string", enum: ["celsius", "fahrenheit"] },
    },
    required: ["city", "unit"],
  },
};

let mock: MockUpstream;
let t: TestGateway;
let direct: { anthropic: Anthropic; openai: OpenAI };
let viaGateway: { anthropic: Anthropic; openai: OpenAI };

before(async () => {
  mock = await startMockUpstream({ expectedKey: UPSTREAM_KEY });
  t = await startTestGateway({ upstreamUrl: mock.url, credential: UPSTREAM_KEY });
  direct = {
    anthropic: new Anthropic({ apiKey: UPSTREAM_KEY, baseURL: mock.url, maxRetries: 0 }),
    openai: new OpenAI({ apiKey: UPSTREAM_KEY, baseURL: `${mock.url}/v1`, maxRetries: 0 }),
  };
  viaGateway = {
    anthropic: new Anthropic({ apiKey: t.secret, baseURL: t.gw.url, maxRetries: 0 }),
    openai: new OpenAI({ apiKey: t.secret, baseURL: `${t.gw.url}/v1`, maxRetries: 0 }),
  };
});

after(async () => {
  await t.close();
  await mock.close();
});

/** Fields that legitimately differ between two calls (ids, timestamps). */
function stable<T>(value: T): unknown {
  return JSON.parse(
    JSON.stringify(value, (k, v) => (k === "id" || k === "created" || k === "_request_id" ? undefined : v)),
  );
}

async function errorClass(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "no error";
  } catch (err) {
    return (err as Error).constructor.name;
  }
}

describe("Anthropic SDK through the gateway", () => {
  const base = {
    model: "claude-sonnet-4-5",
    max_tokens: 300,
    messages: [{ role: "user" as const, content: "Explain how a hash map handles collisions." }],
  };

  it("non-streaming: identical message", async () => {
    const [a, b] = await Promise.all([
      direct.anthropic.messages.create(base),
      viaGateway.anthropic.messages.create(base),
    ]);
    assert.ok(a.content.length > 0);
    assert.deepEqual(stable(b), stable(a));
  });

  it("streaming: identical event sequence and final message, with the usage recorded", async () => {
    const collect = async (client: Anthropic) => {
      const stream = client.messages.stream(base);
      const types: string[] = [];
      for await (const ev of stream) types.push(ev.type);
      return { types, final: await stream.finalMessage() };
    };
    const before = t.events.length;
    const [a, b] = await Promise.all([collect(direct.anthropic), collect(viaGateway.anthropic)]);
    assert.ok(a.types.includes("content_block_delta"));
    assert.deepEqual(b.types, a.types);
    assert.deepEqual(stable(b.final), stable(a.final));
    const events = await t.waitForEvents(before + 1);
    const ev = events.at(-1)!;
    assert.equal(ev.response.output_tokens, b.final.usage.output_tokens);
    assert.equal(ev.response.stop_reason, b.final.stop_reason);
  });

  it("streaming arrives chunk by chunk, not at the end", async () => {
    const stream = viaGateway.anthropic.messages.stream(base, { headers: { "x-mock-chunk-delay": "15" } });
    const times: number[] = [];
    const t0 = Date.now();
    for await (const ev of stream) if (ev.type === "content_block_delta") times.push(Date.now() - t0);
    assert.ok(times.length >= 5, "several deltas");
    assert.ok(
      times.at(-1)! - times[0]! >= 15 * (times.length - 2),
      "deltas were spread over time as the upstream sent them",
    );
  });

  it("tools, images and extended thinking: identical answers", async () => {
    const withTool = {
      ...base,
      tools: [WEATHER_TOOL],
      messages: [{ role: "user" as const, content: "Weather in Oslo?" }],
    };
    const [a, b] = await Promise.all([
      direct.anthropic.messages.create(withTool),
      viaGateway.anthropic.messages.create(withTool),
    ]);
    assert.equal(b.stop_reason, "tool_use");
    const use = b.content.find((c) => c.type === "tool_use");
    assert.ok(use && use.type === "tool_use");
    assert.ok(["celsius", "fahrenheit"].includes((use.input as { unit: string }).unit));
    assert.deepEqual(stable(b), stable(a));

    const withImage = {
      ...base,
      messages: [
        {
          role: "user" as const,
          content: [
            {
              type: "image" as const,
              source: { type: "base64" as const, media_type: "image/png" as const, data: PNG_1PX },
            },
            { type: "text" as const, text: "What is in this picture?" },
          ],
        },
      ],
    };
    const [ia, ib] = await Promise.all([
      direct.anthropic.messages.create(withImage),
      viaGateway.anthropic.messages.create(withImage),
    ]);
    assert.deepEqual(stable(ib), stable(ia));

    const thinking = {
      ...base,
      max_tokens: 2000,
      thinking: { type: "enabled" as const, budget_tokens: 1024 },
    };
    const sa = direct.anthropic.messages.stream(thinking);
    const sb = viaGateway.anthropic.messages.stream(thinking);
    const [fa, fb] = await Promise.all([sa.finalMessage(), sb.finalMessage()]);
    assert.equal(fb.content[0]?.type, "thinking");
    assert.deepEqual(stable(fb), stable(fa));
  });

  it("models.list: identical", async () => {
    const [a, b] = await Promise.all([direct.anthropic.models.list(), viaGateway.anthropic.models.list()]);
    assert.ok(a.data.length > 0);
    assert.deepEqual(
      b.data.map((m) => m.id),
      a.data.map((m) => m.id),
    );
  });

  it("upstream errors surface as the same SDK error classes", async () => {
    const cases: [string, string][] = [
      ["status:500", "InternalServerError"],
      ["status:529", "OverloadedError"],
      ["status:429", "RateLimitError"],
      ["status:400", "BadRequestError"],
    ];
    for (const [fault, cls] of cases) {
      const opts = { headers: { "x-mock-fault": fault } };
      const a = await errorClass(direct.anthropic.messages.create(base, opts));
      const b = await errorClass(viaGateway.anthropic.messages.create(base, opts));
      assert.equal(a, cls, `direct ${fault}`);
      assert.equal(b, cls, `gateway ${fault}`);
    }
    const unknown = { ...base, model: "claude-does-not-exist" };
    assert.equal(await errorClass(direct.anthropic.messages.create(unknown)), "NotFoundError");
    assert.equal(await errorClass(viaGateway.anthropic.messages.create(unknown)), "NotFoundError");
  });

  it("a stream that dies midway makes the SDK throw, through the gateway as directly", async () => {
    const opts = { headers: { "x-mock-fault": "die-midstream" } };
    const direct_ = await errorClass(direct.anthropic.messages.stream(base, opts).finalMessage());
    const gw = await errorClass(viaGateway.anthropic.messages.stream(base, opts).finalMessage());
    assert.notEqual(direct_, "no error");
    // Directly, the socket just breaks; the gateway turns that into the API's own error event.
    assert.equal(gw, "APIError");
  });

  it("gateway errors use the SDK's classes: bad key, unknown route", async () => {
    const bad = new Anthropic({ apiKey: "sk-wrong", baseURL: t.gw.url, maxRetries: 0 });
    assert.equal(await errorClass(bad.messages.create(base)), "AuthenticationError");
  });
});

describe("OpenAI SDK through the gateway", () => {
  const base = {
    model: "gpt-4o",
    max_tokens: 300,
    messages: [
      { role: "system" as const, content: "You are concise." },
      { role: "user" as const, content: "Summarise the causes of the French Revolution." },
    ],
  };

  it("non-streaming: identical completion", async () => {
    const [a, b] = await Promise.all([
      direct.openai.chat.completions.create(base),
      viaGateway.openai.chat.completions.create(base),
    ]);
    assert.ok(a.choices[0]?.message.content);
    assert.deepEqual(stable(b), stable(a));
  });

  it("streaming with include_usage: identical chunks, usage recorded", async () => {
    const collect = async (client: OpenAI) => {
      const stream = await client.chat.completions.create({
        ...base,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks = [];
      for await (const c of stream) chunks.push(c);
      return chunks;
    };
    const before = t.events.length;
    const [a, b] = await Promise.all([collect(direct.openai), collect(viaGateway.openai)]);
    assert.ok(a.length > 3);
    assert.deepEqual(stable(b), stable(a));
    const usage = b.at(-1)?.usage;
    assert.ok(usage);
    const events = await t.waitForEvents(before + 1);
    assert.equal(events.at(-1)!.response.output_tokens, usage.completion_tokens);
    assert.equal(events.at(-1)!.response.input_tokens, usage.prompt_tokens);
  });

  it("tools and images: identical answers", async () => {
    const tools = [
      {
        type: "function" as const,
        function: {
          name: WEATHER_TOOL.name,
          description: WEATHER_TOOL.description,
          parameters: WEATHER_TOOL.input_schema,
        },
      },
    ];
    const req = { ...base, tools, messages: [{ role: "user" as const, content: "Weather in Lima?" }] };
    const [a, b] = await Promise.all([
      direct.openai.chat.completions.create(req),
      viaGateway.openai.chat.completions.create(req),
    ]);
    assert.equal(b.choices[0]?.finish_reason, "tool_calls");
    const call = b.choices[0]?.message.tool_calls?.[0];
    assert.ok(call && call.type === "function");
    assert.equal(typeof JSON.parse(call.function.arguments).city, "string");
    assert.deepEqual(stable(b), stable(a));

    const img = {
      ...base,
      messages: [
        {
          role: "user" as const,
          content: [
            { type: "text" as const, text: "Describe this." },
            { type: "image_url" as const, image_url: { url: `data:image/png;base64,${PNG_1PX}` } },
          ],
        },
      ],
    };
    const [ia, ib] = await Promise.all([
      direct.openai.chat.completions.create(img),
      viaGateway.openai.chat.completions.create(img),
    ]);
    assert.deepEqual(stable(ib), stable(ia));
  });

  it("models.list: identical", async () => {
    const a = [];
    for await (const m of direct.openai.models.list()) a.push(m.id);
    const b = [];
    for await (const m of viaGateway.openai.models.list()) b.push(m.id);
    assert.ok(a.length > 0);
    assert.deepEqual(b, a);
  });

  it("upstream and gateway errors surface as the same SDK error classes", async () => {
    for (const [fault, cls] of [
      ["status:500", "InternalServerError"],
      ["status:429", "RateLimitError"],
      ["status:400", "BadRequestError"],
    ] as const) {
      const opts = { headers: { "x-mock-fault": fault } };
      assert.equal(
        await errorClass(direct.openai.chat.completions.create(base, opts)),
        cls,
        `direct ${fault}`,
      );
      assert.equal(
        await errorClass(viaGateway.openai.chat.completions.create(base, opts)),
        cls,
        `gateway ${fault}`,
      );
    }
    const unknown = { ...base, model: "gpt-nope" };
    assert.equal(await errorClass(direct.openai.chat.completions.create(unknown)), "NotFoundError");
    assert.equal(await errorClass(viaGateway.openai.chat.completions.create(unknown)), "NotFoundError");
    const bad = new OpenAI({ apiKey: "sk-wrong", baseURL: `${t.gw.url}/v1`, maxRetries: 0 });
    assert.equal(await errorClass(bad.chat.completions.create(base)), "AuthenticationError");
    const wrongKeyDirect = new OpenAI({ apiKey: "sk-wrong", baseURL: `${mock.url}/v1`, maxRetries: 0 });
    assert.equal(await errorClass(wrongKeyDirect.chat.completions.create(base)), "AuthenticationError");
  });

  it("a broken stream makes the SDK throw through the gateway", async () => {
    const stream = await viaGateway.openai.chat.completions.create(
      { ...base, stream: true },
      { headers: { "x-mock-fault": "die-midstream" } },
    );
    const consume = async () => {
      for await (const _c of stream) {
        /* drain */
      }
    };
    assert.equal(await errorClass(consume()), "APIError");
  });
});
