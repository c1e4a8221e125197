import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AsnTable, ipv4ToNumber } from "./asn-table.js";
import { classifyAsName, ipPrefix, RUNTIMES, uaFamily, uaRuntime } from "./network.js";
import { requestParts } from "./text.js";

describe("network features", () => {
  it("takes /24 and /48 prefixes", () => {
    assert.equal(ipPrefix("203.0.113.77"), "203.0.113.0/24");
    assert.equal(ipPrefix("2001:db8:1234:5::1"), "2001:db8:1234::/48");
  });
  it("reduces user agents to families", () => {
    assert.equal(uaFamily("anthropic-python/0.40.0"), "anthropic-py");
    assert.equal(
      uaFamily("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"),
      "browser-firefox",
    );
    assert.equal(uaFamily("python-requests/2.32"), "python-requests");
    // the TypeScript SDK's own user agent says JS
    assert.equal(uaFamily("Anthropic/JS 0.38.2"), "anthropic-ts");
    assert.equal(uaFamily("Anthropic/Python 0.40.0"), "anthropic-py");
    assert.equal(uaFamily("OpenAI/JS 4.85.0"), "openai-js");
  });
  it("names the runtime a family implies, and none for an application's own or a prototype key", () => {
    assert.equal(RUNTIMES[uaRuntime(uaFamily("anthropic-python/0.40.0"))], "python");
    assert.equal(RUNTIMES[uaRuntime(uaFamily("Anthropic/JS 0.38.2"))], "node");
    assert.equal(RUNTIMES[uaRuntime(uaFamily("Go-http-client/2.0"))], "go");
    assert.equal(RUNTIMES[uaRuntime(uaFamily("Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"))], "browser");
    for (const ua of ["my-internal-tool/2.3", "langchain/0.3.0", "constructor/1.0", "__proto__/2"])
      assert.equal(uaRuntime(uaFamily(ua)), -1, ua);
  });
  it("classifies AS names", () => {
    assert.equal(classifyAsName("AMAZON-02"), "datacenter");
    assert.equal(classifyAsName("M247 Europe SRL"), "vpn");
    assert.equal(classifyAsName("Comcast Cable Communications"), "residential");
  });
  it("looks addresses up in a range table", () => {
    const t = AsnTable.fromCsv(
      `${ipv4ToNumber("1.0.0.0")},${ipv4ToNumber("1.0.0.255")},13335,"Cloudflare, Inc."\n` +
        `${ipv4ToNumber("8.8.8.0")},${ipv4ToNumber("8.8.8.255")},15169,Google LLC\n`,
    );
    assert.deepEqual(t.lookup("8.8.8.8"), { asn: 15169, netClass: "datacenter" });
    assert.equal(t.lookup("9.9.9.9"), null);
    assert.equal(t.lookup("not-an-ip"), null);
  });
});

describe("requestParts", () => {
  it("reads an Anthropic body: system, last user turn, images, tool blocks", () => {
    const p = requestParts({
      system: [{ type: "text", text: "Be brief." }],
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: [{ type: "tool_use", id: "t", name: "f", input: {} }] },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "t", content: "42" },
            { type: "image", source: {} },
            { type: "text", text: "and now?" },
          ],
        },
      ],
    });
    assert.equal(p.system, "Be brief.");
    assert.equal(p.user, "42\nand now?");
    assert.equal(p.turns, 3);
    assert.equal(p.images, 1);
    assert.equal(p.toolBlocks, 2);
  });
  it("reads an OpenAI body: system and developer messages, image_url parts, tool role", () => {
    const p = requestParts({
      messages: [
        { role: "developer", content: "Rules." },
        {
          role: "user",
          content: [
            { type: "text", text: "look" },
            { type: "image_url", image_url: { url: "x" } },
          ],
        },
        { role: "assistant", content: null, tool_calls: [{ id: "c" }] },
        { role: "tool", content: "out" },
      ],
    });
    assert.equal(p.system, "Rules.");
    assert.equal(p.user, "look");
    assert.equal(p.images, 1);
    assert.equal(p.toolBlocks, 2);
  });
});
