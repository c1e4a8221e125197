import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { anthropic } from "./anthropic.js";
import { dialectForHeaders, dialectForPath } from "./index.js";
import { openai } from "./openai.js";

const ANTHROPIC_STREAM = [
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":12,"cache_read_input_tokens":3,"output_tokens":1}}}\n\n',
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hello "}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"world"}}\n\n',
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":42}}\n\n',
  'event: message_stop\ndata: {"type":"message_stop"}\n\n',
];

const OPENAI_STREAM = [
  'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n',
  'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi "},"finish_reason":null}]}\n\n',
  'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"there"},"finish_reason":null}]}\n\n',
  'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n',
  'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":5,"total_tokens":14,"completion_tokens_details":{"reasoning_tokens":2}}}\n\n',
  "data: [DONE]\n\n",
];

describe("anthropic dialect", () => {
  it("reads usage, stop reason, thinking and (when kept) text from a stream", () => {
    const obs = anthropic.observeStream(true);
    for (const c of ANTHROPIC_STREAM) obs.push(Buffer.from(c));
    assert.deepEqual(obs.summary(), {
      input_tokens: 15,
      output_tokens: 42,
      stop_reason: "end_turn",
      text: "Hello world",
      reasoning: true,
    });
  });
  it("keeps no text unless asked", () => {
    const obs = anthropic.observeStream(false);
    for (const c of ANTHROPIC_STREAM) obs.push(Buffer.from(c));
    assert.equal(obs.summary().text, null);
    assert.equal(obs.summary().output_tokens, 42);
  });
  it("summarises a message body", () => {
    const s = anthropic.summarize(
      {
        content: [{ type: "text", text: "x" }],
        usage: { input_tokens: 1, output_tokens: 2 },
        stop_reason: "max_tokens",
      },
      false,
    );
    assert.deepEqual([s.input_tokens, s.output_tokens, s.stop_reason, s.text], [1, 2, "max_tokens", null]);
  });
  it("writes errors in Anthropic's shape and reads keys from x-api-key or bearer", () => {
    assert.deepEqual(anthropic.errorBody("rate_limit", "slow down", "req_1", "DG_RATE_LIMITED"), {
      type: "error",
      error: { type: "rate_limit_error", message: "slow down" },
      request_id: "req_1",
    });
    assert.equal(anthropic.clientKey({ "x-api-key": " k1 " }), "k1");
    assert.equal(anthropic.clientKey({ authorization: "Bearer k2" }), "k2");
    assert.equal(anthropic.clientKey({}), null);
    assert.equal(anthropic.maxOutputTokens({ max_tokens: 512 }), 512);
  });
});

describe("openai dialect", () => {
  it("reads usage, finish reason, reasoning tokens and text from a stream", () => {
    const obs = openai.observeStream(true);
    for (const c of OPENAI_STREAM) obs.push(Buffer.from(c));
    assert.deepEqual(obs.summary(), {
      input_tokens: 9,
      output_tokens: 5,
      stop_reason: "stop",
      text: "Hi there",
      reasoning: true,
    });
  });
  it("marks an in-stream error", () => {
    const obs = openai.observeStream(false);
    obs.push(Buffer.from('data: {"error":{"message":"boom","type":"server_error"}}\n\n'));
    assert.equal(obs.summary().stop_reason, "error");
  });
  it("writes errors in OpenAI's shape with OpenAI's codes where they exist", () => {
    assert.deepEqual(openai.errorBody("authentication", "bad key", "req", "DG_INVALID_KEY"), {
      error: { message: "bad key", type: "invalid_request_error", param: null, code: "invalid_api_key" },
    });
    assert.equal(
      (openai.errorBody("permission", "m", "r", "DG_ACCOUNT_BLOCKED") as { error: { code: string } }).error
        .code,
      "dg_account_blocked",
    );
    assert.equal(openai.maxOutputTokens({ max_completion_tokens: 7, max_tokens: 9 }), 7);
  });
});

describe("dialect routing", () => {
  it("maps paths and shared-path headers to dialects", () => {
    assert.equal(dialectForPath("/v1/messages"), anthropic);
    assert.equal(dialectForPath("/v1/chat/completions"), openai);
    assert.equal(dialectForPath("/v1/other"), null);
    assert.equal(dialectForHeaders({ "anthropic-version": "2023-06-01" }), anthropic);
    assert.equal(dialectForHeaders({ authorization: "Bearer x" }), openai);
  });
});
