/**
 * Receipt log on disk (adapter): one JSON line per receipt in `<dir>/receipts.jsonl`, appended per
 * signed batch. Reading it back gives the chain state to resume from and the receipts for forensics.
 */
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Receipt, TreeHead } from "./receipt.js";

/** File name of the receipt log inside its directory. */
export const RECEIPT_LOG = "receipts.jsonl";

/** Appends a signed batch to the log (synchronous: one write per batch, not per response). */
export function appendBatch(dir: string, receipts: Receipt[]): void {
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, RECEIPT_LOG), receipts.map((r) => `${JSON.stringify(r)}\n`).join(""));
}

/** Reads every receipt in the log (skipping a torn last line). */
export function readReceipts(dir: string): Receipt[] {
  const file = join(dir, RECEIPT_LOG);
  if (!existsSync(file)) return [];
  const out: Receipt[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as Receipt);
    } catch {
      // torn write at the end of the log
    }
  }
  return out;
}

/** Chain state after the last batch in the log (to pass as ReceiptSigner's `resume`). */
export function resumeState(receipts: Receipt[]): { batch: number; nextIndex: number; prev: string | null } {
  const last = receipts[receipts.length - 1];
  if (!last) return { batch: 0, nextIndex: 0, prev: null };
  const head = JSON.parse(
    Buffer.from(last.sth.split(".")[1] ?? "", "base64url").toString("utf8"),
  ) as TreeHead;
  return {
    batch: head.batch + 1,
    nextIndex: head.first_index + head.tree_size,
    prev: createHash("sha256").update(last.sth).digest("base64url"),
  };
}
