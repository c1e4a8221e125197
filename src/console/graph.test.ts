import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ipPrefix, systemPrompt, templateDigest } from "./activity.js";
import { membersGraph } from "./graph.js";

describe("members graph", () => {
  it("joins members on shared values, coloured by the strongest shared type", () => {
    const g = membersGraph([
      { id: "a", verdict: "block", requests: 10, attrs: { payment: ["p1"], ip_prefix: ["1.2.3.0/24"] } },
      { id: "b", verdict: "block", requests: 9, attrs: { payment: ["p1"], ip_prefix: ["1.2.3.0/24"] } },
      { id: "c", verdict: "throttle", requests: 8, attrs: { ip_prefix: ["1.2.3.0/24"] } },
      { id: "d", verdict: "allow", requests: 1, attrs: { payment: ["p9"] } },
    ]);
    const key = (e: { source: string; target: string }) => `${e.source}-${e.target}`;
    assert.deepEqual(g.edges.map(key).sort(), ["a-b", "a-c", "b-c"]);
    const ab = g.edges.find((e) => key(e) === "a-b")!;
    assert.deepEqual(ab.types, ["payment", "ip_prefix"]);
    assert.equal(ab.type, "payment");
    assert.equal(g.edges.find((e) => key(e) === "a-c")!.type, "ip_prefix");
    assert.equal(g.nodes.length, 4, "isolated members are still drawn");
    assert.match(g.edge_source, /derived/);
  });

  it("keeps the edge count linear for a value shared by many, and caps nodes", () => {
    const members = Array.from({ length: 500 }, (_, i) => ({
      id: `m${String(i).padStart(3, "0")}`,
      verdict: "block",
      requests: 500 - i,
      attrs: { template: ["tpl-x"] },
    }));
    const g = membersGraph(members, { maxNodes: 200, fanout: 3 });
    assert.equal(g.nodes.length, 200);
    assert.equal(g.omitted, 300);
    assert.equal(g.edges.length, 200 * 3);
    assert.ok(
      g.nodes.every((n) => n.requests > 300),
      "the busiest members are kept",
    );
  });
});

describe("activity helpers", () => {
  it("reads the system prompt of both dialects and digests it stably", () => {
    assert.equal(systemPrompt({ system: "S", messages: [] }), "S");
    assert.equal(systemPrompt({ system: [{ type: "text", text: "S" }] }), "S");
    assert.equal(systemPrompt({ messages: [{ role: "system", content: "S" }] }), "S");
    assert.equal(systemPrompt({ messages: [{ role: "user", content: "hi" }] }), "");
    assert.equal(templateDigest("S"), templateDigest("S"));
    assert.notEqual(templateDigest("S"), templateDigest("T"));
    assert.equal(ipPrefix("203.0.113.77"), "203.0.113.0/24");
    assert.equal(ipPrefix("2001:db8:1:2::1"), "2001:db8:1::/48");
  });
});
