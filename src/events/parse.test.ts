import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseEventLine } from "./parse.js";

const good = {
  id: "ex_1",
  time: "2026-02-01T12:00:00.000Z",
  account_id: "acct_1",
  api: "anthropic.messages",
  request: { model: "claude-x", messages: [] },
  response: { status: 200 },
};

describe("parseEventLine", () => {
  it("accepts a minimal v1 event and keeps unknown fields", () => {
    const r = parseEventLine(JSON.stringify({ ...good, extra: 1 }));
    assert.equal(r.ok, true);
    if (r.ok) assert.equal((r.event as unknown as { extra: number }).extra, 1);
  });
  it("names the problem for each kind of bad line", () => {
    assert.deepEqual(pick(parseEventLine("{not json")), "invalid_json");
    assert.deepEqual(pick(parseEventLine("[1,2]")), "not_an_object");
    assert.deepEqual(
      pick(parseEventLine(JSON.stringify({ ...good, account_id: undefined }))),
      "missing_field",
    );
    assert.deepEqual(pick(parseEventLine(JSON.stringify({ ...good, time: "yesterday" }))), "bad_time");
    assert.deepEqual(pick(parseEventLine(JSON.stringify({ ...good, api: "google.gemini" }))), "unknown_api");
    assert.deepEqual(pick(parseEventLine(JSON.stringify({ ...good, response: {} }))), "missing_field");
  });
});

function pick(r: ReturnType<typeof parseEventLine>): string {
  return r.ok ? "ok" : r.problem;
}
