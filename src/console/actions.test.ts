import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../../test/helpers/tmp.js";
import { DecisionTable } from "../gateway/policy/index.js";
import { ActionError, ConsoleActions } from "./actions.js";
import { AuditLog } from "./audit.js";

const ana = { username: "ana", role: "analyst" as const };

function setup() {
  const dir = tempDir("dg-audit-");
  const path = join(dir, "console-audit.jsonl");
  const table = new DecisionTable();
  let now = Date.parse("2026-03-01T10:00:00Z");
  const audit = new AuditLog(path);
  const actions = new ConsoleActions(table, audit, () => now);
  return { path, table, audit, actions, tick: (ms: number) => (now += ms), now: () => now };
}

describe("analyst actions", () => {
  it("a campaign block overrides the detector for every linked member, and clearing it hands back", () => {
    const { table, actions, now } = setup();
    table.link("acct-1", "campaign-1");
    table.setCampaign("campaign-1", { action: "throttle", reasonCode: "x", ref: "DG-1", source: "detector" });
    assert.equal(table.get("acct-1", now())?.action, "throttle");
    const e = actions.apply(ana, {
      kind: "campaign",
      id: "campaign-1",
      action: "block",
      reason: "confirmed hydra",
    });
    assert.equal(table.get("acct-1", now())?.action, "block");
    assert.equal(table.get("acct-1", now())?.source, "analyst");
    assert.equal(e.before, null);
    assert.equal(e.after?.action, "block");
    assert.match(e.after?.ref ?? "", /^DG-[0-9A-F]{10}$/);
    const c = actions.apply(ana, {
      kind: "campaign",
      id: "campaign-1",
      action: "clear",
      reason: "false alarm",
    });
    assert.equal(c.before?.action, "block");
    assert.equal(c.after, null);
    assert.equal(table.get("acct-1", now())?.action, "throttle", "back to the detector's decision");
  });

  it("an account allow-list entry beats a blocked campaign; expiry ends an override", () => {
    const { table, actions, now, tick } = setup();
    table.link("acct-2", "campaign-9");
    actions.apply(ana, { kind: "campaign", id: "campaign-9", action: "block", reason: "r" });
    actions.apply(ana, {
      kind: "account",
      id: "acct-2",
      action: "allow",
      reason: "known customer",
      minutes: 10,
    });
    assert.equal(table.get("acct-2", now())?.action, "allow");
    tick(10 * 60_000 + 1);
    assert.equal(table.get("acct-2", now())?.action, "block", "expired allow-list entry no longer applies");
    assert.equal(actions.override("account", "acct-2"), null);
  });

  it("warn puts the owner on notice without limiting them (a review decision in the table)", () => {
    const { table, actions, now } = setup();
    const e = actions.apply(ana, { kind: "account", id: "acct-w", action: "warn", reason: "heads-up" });
    assert.equal(table.get("acct-w", now())?.action, "review");
    assert.equal(e.action, "account.warn");
    assert.equal(e.after?.action, "review");
  });

  it("validates input and refuses viewers", () => {
    const { actions } = setup();
    assert.throws(
      () =>
        actions.apply(
          { username: "v", role: "viewer" },
          { kind: "account", id: "a", action: "block", reason: "r" },
        ),
      ActionError,
    );
    assert.throws(
      () => actions.apply(ana, { kind: "account", id: "a", action: "block", reason: "  " }),
      /reason/,
    );
    assert.throws(
      () => actions.apply(ana, { kind: "campaign", id: "c", action: "monitor", reason: "r" }),
      /action must be/,
    );
    assert.throws(
      () => actions.apply(ana, { kind: "user" as never, id: "c", action: "block", reason: "r" }),
      /kind/,
    );
    assert.throws(
      () => actions.apply(ana, { kind: "account", id: "a", action: "throttle", reason: "r", rateFactor: 2 }),
      /rateFactor/,
    );
  });

  it("appends every action, reversals included, to a JSONL file that a restart reads back", () => {
    const { path, actions, tick } = setup();
    actions.apply(ana, {
      kind: "account",
      id: "acct-3",
      action: "throttle",
      reason: "heavy",
      rateFactor: 0.2,
    });
    tick(1000);
    actions.apply(ana, { kind: "account", id: "acct-3", action: "clear", reason: "undo" });
    const lines = readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.deepEqual(
      lines.map((l) => [l.actor, l.role, l.action, l.subject.id, l.reason]),
      [
        ["ana", "analyst", "account.throttle", "acct-3", "heavy"],
        ["ana", "analyst", "account.clear", "acct-3", "undo"],
      ],
    );
    assert.equal(lines[0].after.rate_factor, 0.2);
    assert.equal(lines[1].before.action, "throttle");
    const reopened = new AuditLog(path);
    assert.deepEqual(
      reopened.list().map((e) => e.action),
      ["account.clear", "account.throttle"],
      "newest first",
    );
    assert.equal(reopened.list({ subject: "other" }).length, 0);
  });
});
