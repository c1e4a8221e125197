/**
 * The audit log of analyst actions: append-only JSONL (`<state_dir>/console-audit.jsonl`, one
 * object per line, fsync'd per entry) and an in-memory tail for the console. Every action is
 * recorded with who, their role, what, on which subject, the decision before and after, the time
 * and the analyst's reason text, reversals included.
 */
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { Role } from "./users.js";

/** A decision as shown in the audit log (no internal versions). */
export interface DecisionSnapshot {
  action: string;
  source: string;
  reason_code: string;
  ref: string;
  until: string | null;
  rate_factor: number | null;
  protect: boolean;
}

export interface AuditEntry {
  id: string;
  time: string;
  actor: string;
  role: Role;
  /** The action taken, e.g. "campaign.block", "account.allow", "account.clear". */
  action: string;
  subject: { kind: "account" | "campaign"; id: string };
  /** The analyst decision on the subject before and after (null = none). */
  before: DecisionSnapshot | null;
  after: DecisionSnapshot | null;
  /** Free text given by the analyst. */
  reason: string;
}

/** Append-only audit log with a bounded in-memory tail (newest last). */
export class AuditLog {
  private readonly tail: AuditEntry[] = [];

  constructor(
    readonly path: string | null,
    private readonly tailMax = 5000,
  ) {
    if (path && existsSync(path)) {
      for (const line of readFileSync(path, "utf8").split("\n")) {
        if (!line.trim()) continue;
        try {
          this.push(JSON.parse(line) as AuditEntry);
        } catch {
          /* a torn last line after a crash is skipped */
        }
      }
    }
  }

  /** Writes an entry durably, then adds it to the tail. Throws if it cannot be written. */
  append(entry: Omit<AuditEntry, "id" | "time"> & { time?: string }): AuditEntry {
    const full: AuditEntry = {
      id: `aud_${randomBytes(8).toString("hex")}`,
      time: entry.time ?? new Date().toISOString(),
      actor: entry.actor,
      role: entry.role,
      action: entry.action,
      subject: entry.subject,
      before: entry.before,
      after: entry.after,
      reason: entry.reason,
    };
    if (this.path) {
      mkdirSync(dirname(this.path), { recursive: true });
      const fd = openSync(this.path, "a", 0o600);
      try {
        writeSync(fd, `${JSON.stringify(full)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    this.push(full);
    return full;
  }

  /** Newest first, optionally for one subject. */
  list(filter: { subject?: string; limit?: number } = {}): AuditEntry[] {
    const out: AuditEntry[] = [];
    const limit = filter.limit ?? 200;
    for (let i = this.tail.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.tail[i]!;
      if (filter.subject === undefined || e.subject.id === filter.subject) out.push(e);
    }
    return out;
  }

  private push(e: AuditEntry): void {
    this.tail.push(e);
    if (this.tail.length > this.tailMax) this.tail.splice(0, this.tail.length - this.tailMax);
  }
}
