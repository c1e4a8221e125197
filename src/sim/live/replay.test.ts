import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { BuiltinSource } from "../content/builtin.js";
import { PRESETS, type Preset } from "../presets.js";
import { setup } from "../simulate.js";
import { replay } from "./replay.js";
import { httpSender } from "./sender.js";

/** One hydra with a handful of accounts and two developers, over a few simulated hours. */
function miniPreset(): Preset {
  const tiny = PRESETS.tiny!;
  const hydra = tiny.campaigns.find((c) => c.profile === "hydra_coder")!;
  return {
    ...tiny,
    days: 1,
    legit: {
      individual_dev: 2,
      production_app: 0,
      batch_job: 0,
      eval_harness: 0,
      multi_account_org: 0,
      vpn_user: 0,
      reseller: 0,
      volume: 0.1,
    },
    campaigns: [
      {
        ...hydra,
        accounts: 6,
        exchanges: 2400,
        startDay: 0,
        days: 0.25,
        banRate: 0,
        activeShare: 1,
        hourlyCap: 1000,
        replaceDelayMin: 1,
      },
    ],
  };
}

test("relay failover: a 403 account goes silent, siblings take its traffic, a replacement appears", async () => {
  const s = setup(miniPreset(), 5, new BuiltinSource());
  const hydra = s.campaigns[0]!;
  const victim = hydra.pool.members[0]!.account.id;
  const hits = new Map<string, number>();
  let victimBlockedAt = -1;
  let seq = 0;
  const afterBlock = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      const key =
        (req.headers["x-api-key"] as string | undefined) ??
        String(req.headers.authorization ?? "").replace(/^Bearer /, "");
      const id = key.replace(/^sk-/, "");
      seq++;
      hits.set(id, (hits.get(id) ?? 0) + 1);
      assert.ok(JSON.parse(body).model, "body is the JSON request");
      if (victimBlockedAt >= 0) afterBlock.set(id, (afterBlock.get(id) ?? 0) + 1);
      if (id === victim) {
        if (victimBlockedAt < 0) victimBlockedAt = seq;
        res.writeHead(403, { "content-type": "application/json" });
        res.end('{"type":"error","error":{"type":"permission_error","message":"suspended"}}');
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"id":"msg_1","type":"message","content":[{"type":"text","text":"ok"}]}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const sender = httpSender(`http://127.0.0.1:${port}`, { connections: 8 });
  const provisioned: string[] = [];
  try {
    const stats = await replay({
      setup: s,
      sender,
      keys: async (id) => {
        provisioned.push(id);
        return `sk-${id}`;
      },
      speed: 30_000,
      concurrency: 4,
      failoverMs: [2, 10],
      maxWallMs: 600,
    });
    assert.ok(stats.sent > 100, `sent ${stats.sent}`);
    assert.ok(victimBlockedAt >= 0, "the victim account sent at least once");
    // At most the requests already in flight (concurrency 4) reach the victim after its first 403.
    assert.ok(
      (afterBlock.get(victim) ?? 0) <= 4,
      `victim got ${afterBlock.get(victim)} requests after the ban`,
    );
    assert.ok(stats.failovers >= 1, "the failed request moved to a sibling");
    const siblings = hydra.pool.members.filter((m) => m.account.id !== victim);
    assert.ok(
      siblings.some((m) => (afterBlock.get(m.account.id) ?? 0) > 0),
      "siblings carried traffic after the ban",
    );
    const fresh = provisioned.filter((id) => hydra.accounts.findIndex((a) => a.id === id) >= 6);
    assert.ok(fresh.length >= 1, "a replacement account was provisioned");
    assert.equal(stats.byStatus["403"], hits.get(victim));
  } finally {
    await sender.close();
    server.close();
  }
});
