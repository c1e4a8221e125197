import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkCredential } from "./auth.js";
import { corpusFromPairs, parseArenaAnswers } from "./corpus.js";
import { parseFaults } from "./faults.js";
import { ANTHROPIC_MODELS, anthropicModelPage, findModel } from "./models.js";
import { type NormalizedRequest, planAnswer } from "./plan.js";
import { Rng } from "./rng.js";
import { sampleFromSchema } from "./schema.js";
import { checkSchema } from "./schema-check.js";
import { FrameBuilder, sseData, sseEvent } from "./sse.js";
import { jpegHeader, pngHeader } from "./testing.js";
import { generateAnswer, keywords, splitChars, splitWords } from "./text.js";
import {
  anthropicImageTokens,
  estimateTokens,
  openaiImageTokens,
  sniffImageSize,
  truncateToTokens,
} from "./tokens.js";

function request(over: Partial<NormalizedRequest> = {}): NormalizedRequest {
  return {
    dialect: "anthropic",
    model: "claude-sonnet-4-5",
    choices: 1,
    maxTokens: 4096,
    prompt: "How should I design a rate limiter for a public API?",
    toolResult: null,
    images: 0,
    inputTokens: 20,
    tools: [],
    toolChoice: { mode: "auto" },
    thinkingBudget: null,
    reasoningEffort: null,
    stop: [],
    jsonSchema: undefined,
    key: "k1",
    ...over,
  };
}

describe("text generator", () => {
  it("splitWords and splitChars pieces join back to the exact text", () => {
    const text = "  Hello,  world!\n\n```js\nx = 1;\n```\n- item  one\ttwo ";
    for (const per of [1, 2, 5, 100]) assert.equal(splitWords(text, per).join(""), text);
    assert.ok(splitWords(text, 1).length > splitWords(text, 3).length);
    assert.deepEqual(splitChars("abcdefg", 3), ["abc", "def", "g"]);
  });

  it("keywords skips stop words and keeps order of appearance", () => {
    assert.deepEqual(keywords("How do I write a Python parser for YAML files with Python?"), [
      "python",
      "parser",
      "yaml",
      "files",
    ]);
  });

  it("answers are deterministic per seed, vary across seeds and mention the prompt's words", () => {
    const input = { prompt: "Compare PostgreSQL indexing strategies", targetTokens: 300 };
    const a = generateAnswer(input, new Rng(7));
    assert.equal(generateAnswer(input, new Rng(7)), a);
    assert.notEqual(generateAnswer(input, new Rng(8)), a);
    assert.match(a, /postgresql|indexing|strategies/i);
    assert.ok(a.split("\n\n").length >= 3, "several paragraphs");
    assert.ok(estimateTokens(a) >= 300, "reaches the target length");
  });

  it("coding prompts get a fenced code block in the asked language", () => {
    const a = generateAnswer({ prompt: "Write a bash script to rotate logs", targetTokens: 200 }, new Rng(3));
    assert.match(a, /```bash\n[\s\S]+\n```/);
  });
});

describe("tokens", () => {
  it("estimates ceil(chars/4) and truncation lands exactly on the budget", () => {
    assert.equal(estimateTokens(""), 0);
    assert.equal(estimateTokens("abcde"), 2);
    const cut = truncateToTokens("x".repeat(1000), 10);
    assert.equal(cut.length, 40);
    assert.equal(estimateTokens(cut), 10);
    assert.equal(truncateToTokens("a😀", 0), "");
    assert.equal(truncateToTokens(`abc😀`, 1), "abc");
  });

  it("reads PNG sizes and prices images like the providers publish", () => {
    assert.deepEqual(sniffImageSize(pngHeader(200, 100)), { width: 200, height: 100 });
    assert.deepEqual(sniffImageSize(jpegHeader(640, 480)), { width: 640, height: 480 });
    assert.equal(sniffImageSize("bm90IGFuIGltYWdl"), null);
    assert.equal(sniffImageSize("/9j/"), null, "a truncated JPEG has no size");
    assert.equal(anthropicImageTokens({ width: 750, height: 100 }), 100);
    assert.ok(anthropicImageTokens({ width: 8000, height: 8000 }) <= 1600);
    assert.equal(openaiImageTokens({ width: 4000, height: 4000 }, "low"), 85);
    assert.equal(openaiImageTokens({ width: 1024, height: 1024 }, "high"), 85 + 170 * 4);
  });
});

describe("schema sampler", () => {
  const schemas: unknown[] = [
    {
      type: "object",
      properties: {
        location: { type: "string", description: "City and state" },
        unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        days: { type: "integer", minimum: 1, maximum: 14 },
        detailed: { type: "boolean" },
      },
      required: ["location", "days"],
    },
    {
      type: "dict",
      properties: {
        ids: { type: "array", items: { type: "integer", exclusiveMinimum: 0 }, minItems: 2, maxItems: 4 },
        ratio: { type: "float", minimum: 0, maximum: 1 },
        tag: { type: ["string", "null"], minLength: 5, maxLength: 8 },
      },
      required: ["ids", "ratio", "tag"],
    },
    {
      type: "object",
      $defs: {
        point: {
          type: "object",
          properties: { x: { type: "number" }, y: { type: "number" } },
          required: ["x", "y"],
        },
      },
      properties: {
        path: { type: "array", items: { $ref: "#/$defs/point" } },
        mode: { anyOf: [{ type: "null" }, { const: "fast" }] },
        meta: { allOf: [{ type: "object", properties: { a: { type: "string" } }, required: ["a"] }] },
      },
      required: ["path", "mode", "meta"],
      additionalProperties: false,
    },
  ];

  it("generates values that satisfy each schema, for many seeds", () => {
    for (const schema of schemas) {
      for (let seed = 0; seed < 200; seed++) {
        const value = sampleFromSchema(schema, { prompt: "weather in Paris" }, new Rng(seed));
        assert.deepEqual(checkSchema(value, schema), [], `seed ${seed}: ${JSON.stringify(value)}`);
      }
    }
  });

  it("the checker catches violations (so the test above can fail)", () => {
    assert.notDeepEqual(checkSchema({ days: 3 }, schemas[0]), []);
    assert.notDeepEqual(checkSchema({ location: "x", days: 99 }, schemas[0]), []);
    assert.notDeepEqual(checkSchema({ location: "x", days: 2, unit: "kelvin" }, schemas[0]), []);
  });
});

describe("answer plan", () => {
  it("is deterministic and respects max_tokens", () => {
    const a = planAnswer(request(), { seed: 1, corpus: null });
    assert.deepEqual(planAnswer(request(), { seed: 1, corpus: null }), a);
    assert.equal(a.stop, "end");
    assert.equal(a.outputTokens, estimateTokens(a.text));
    const short = planAnswer(request({ maxTokens: 12 }), { seed: 1, corpus: null });
    assert.equal(short.stop, "max_tokens");
    assert.equal(short.outputTokens, 12);
  });

  it("stops at a stop sequence", () => {
    const full = planAnswer(request(), { seed: 1, corpus: null });
    const word = full.text.split(" ")[5]!;
    const cut = planAnswer(request({ stop: [word] }), { seed: 1, corpus: null });
    assert.equal(cut.stop, "stop_sequence");
    assert.equal(cut.stopSequence, word);
    assert.ok(!cut.text.includes(word));
  });

  it("thinking and hidden reasoning count inside the output budget", () => {
    const t = planAnswer(request({ thinkingBudget: 2000, maxTokens: 3000 }), { seed: 2, corpus: null });
    assert.ok(t.thinking && t.thinking.length > 0 && t.signature);
    assert.ok(t.outputTokens <= 3000);
    assert.equal(t.outputTokens, estimateTokens(t.thinking) + estimateTokens(t.text));
    const r = planAnswer(request({ dialect: "openai", reasoningEffort: "high" }), { seed: 2, corpus: null });
    assert.ok(r.reasoningTokens >= 1024);
    assert.equal(r.outputTokens, r.reasoningTokens + estimateTokens(r.text));
  });

  it("calls the tool that matches the prompt, and answers in text after a tool result", () => {
    const tools = [
      {
        name: "send_email",
        description: "Send an email message",
        schema: { type: "object", properties: {} },
      },
      {
        name: "get_weather",
        description: "Get the current weather for a city",
        schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    ];
    const call = planAnswer(request({ prompt: "What's the weather in Oslo?", tools }), {
      seed: 0,
      corpus: null,
    });
    assert.equal(call.stop, "tool");
    assert.equal(call.toolCall?.name, "get_weather");
    assert.deepEqual(JSON.parse(call.toolCall!.json), call.toolCall!.input);
    const after = planAnswer(
      request({
        prompt: "What's the weather in Oslo?",
        tools,
        toolResult: { name: "get_weather", content: "4°C" },
      }),
      { seed: 0, corpus: null },
    );
    assert.equal(after.toolCall, null);
    assert.match(after.text, /get_weather/);
    const none = planAnswer(request({ tools, toolChoice: { mode: "none" } }), { seed: 0, corpus: null });
    assert.equal(none.toolCall, null);
  });

  it("draws answers from a corpus: a known question gets its own answer", () => {
    const corpus = corpusFromPairs([
      { question: "What is 2+2?", answer: "It is 4." },
      { question: "Name a colour.", answer: "Blue." },
    ]);
    const own = planAnswer(request({ prompt: "Name a colour." }), { seed: 0, corpus });
    assert.equal(own.text, "Blue.");
    const other = planAnswer(request({ prompt: "Something else" }), { seed: 0, corpus });
    assert.ok(["It is 4.", "Blue."].includes(other.text));
  });
});

describe("small parsers and encoders", () => {
  it("parses fault headers", () => {
    const f = parseFaults("status:429, retry-after:7, first-byte-delay:30");
    assert.equal(f.status, 429);
    assert.equal(f.retryAfter, 7);
    assert.equal(f.firstByteDelayMs, 30);
    assert.equal(parseFaults("die-midstream").dieMidstream, true);
    assert.equal(parseFaults("status:abc").status, null);
    assert.equal(parseFaults(undefined).hang, false);
  });

  it("parses arena answer lines and skips broken ones", () => {
    const line = JSON.stringify({
      messages: [
        { role: "user", content: "Q?" },
        { role: "assistant", content: { answer: "A." } },
      ],
    });
    const corpus = parseArenaAnswers(`${line}\nnot json\n\n`);
    assert.deepEqual(corpus.answers, ["A."]);
    assert.equal(corpus.answerFor("Q?", 99), "A.");
  });

  it("encodes SSE events and refuses line breaks in event names", () => {
    assert.equal(sseEvent("ping", { type: "ping" }), 'event: ping\ndata: {"type":"ping"}\n\n');
    assert.equal(sseData({ a: "x\ny" }), 'data: {"a":"x\\ny"}\n\n');
    assert.throws(() => sseEvent("a\nb", {}));
    const frames = new FrameBuilder().add("a").add("b").cut().cut().add("c").done();
    assert.deepEqual(frames, ["ab", "c"]);
  });
});

describe("auth and models", () => {
  it("checks credentials per dialect", () => {
    assert.equal(checkCredential("anthropic", {}, null), null);
    assert.equal(checkCredential("anthropic", { "x-api-key": "k1" }, "k1"), null);
    assert.equal(checkCredential("anthropic", { authorization: "Bearer k1" }, "k1"), null);
    assert.match(checkCredential("anthropic", {}, "k1")?.message ?? "", /required/);
    assert.match(
      checkCredential("anthropic", { "x-api-key": "k2", authorization: "Bearer k1" }, "k1")?.message ?? "",
      /invalid/,
    );
    assert.equal(checkCredential("openai", { authorization: "Bearer k1" }, "k1"), null);
    assert.equal(checkCredential("openai", { "x-api-key": "k1" }, "k1")?.code, null);
    const wrong = checkCredential("openai", { authorization: "Bearer sk-wrong-secret-9876" }, "k1");
    assert.equal(wrong?.code, "invalid_api_key");
    assert.ok(!wrong?.message.includes("wrong-secret"), "the key is masked");
  });

  it("pages Anthropic models both ways and resolves dated ids", () => {
    const ids = ANTHROPIC_MODELS.map((m) => m.id);
    const first = anthropicModelPage(new URLSearchParams("limit=2")) as {
      data: { id: string }[];
      has_more: boolean;
    };
    assert.deepEqual(
      first.data.map((m) => m.id),
      ids.slice(0, 2),
    );
    assert.equal(first.has_more, true);
    const back = anthropicModelPage(new URLSearchParams(`limit=2&before_id=${ids[4]}`)) as {
      data: { id: string }[];
    };
    assert.deepEqual(
      back.data.map((m) => m.id),
      ids.slice(2, 4),
    );
    assert.equal(findModel("anthropic", "claude-sonnet-4-5-20250929")?.id, "claude-sonnet-4-5");
    assert.equal(findModel("openai", "gpt-4o-2024-08-06")?.id, "gpt-4o");
    assert.equal(findModel("openai", "claude-sonnet-4-5"), undefined);
  });
});
