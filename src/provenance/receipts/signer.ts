/**
 * Batched receipt signing. sign() queues a leaf and returns its receipt id at once; every
 * `maxDelayMs` or `maxBatch` leaves the batch becomes one Merkle tree whose head is signed once, so
 * the cost per receipt is a few hashes plus 1/batch of an Ed25519 signature. Each batch head carries
 * the hash of the previous one (an append-only hash chain of batches).
 */
import { createHash, randomBytes } from "node:crypto";
import type { KeyRing } from "./keyring.js";
import { leafHash, MerkleTree } from "./merkle.js";
import type { Receipt, ReceiptInput, ReceiptLeaf, TreeHead } from "./receipt.js";

/** Options of ReceiptSigner. */
export interface ReceiptSignerOptions {
  keys: KeyRing;
  /** Log name put in every tree head (default "distillguard"). */
  log?: string;
  /** Longest wait before a batch is signed (default 250 ms). */
  maxDelayMs?: number;
  /** Largest batch (default 4096 leaves). */
  maxBatch?: number;
  /** Receipts kept in memory for GET /v1/receipts/{id} (default 200,000; oldest dropped first). */
  keep?: number;
  /** Called with every signed batch (e.g. to append it to the receipt log on disk). */
  onBatch?: (receipts: Receipt[], head: TreeHead, jws: string) => void;
  /** Chain state to continue from (from the receipt log). */
  resume?: { batch: number; nextIndex: number; prev: string | null };
}

interface Pending {
  leaf: Buffer;
  json: ReceiptLeaf;
  resolve: (r: Receipt) => void;
}

/** The receipt signer (one per gateway process). */
export class ReceiptSigner {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly done = new Map<string, Receipt>();
  private readonly waiting = new Set<string>();
  private batch: number;
  private nextIndex: number;
  private prev: string | null;
  private readonly log: string;
  private readonly maxDelay: number;
  private readonly maxBatch: number;
  private readonly keep: number;

  constructor(private readonly opts: ReceiptSignerOptions) {
    this.log = opts.log ?? "distillguard";
    this.maxDelay = opts.maxDelayMs ?? 250;
    this.maxBatch = opts.maxBatch ?? 4096;
    this.keep = opts.keep ?? 200_000;
    this.batch = opts.resume?.batch ?? 0;
    this.nextIndex = opts.resume?.nextIndex ?? 0;
    this.prev = opts.resume?.prev ?? null;
  }

  /** Queues one exchange; returns its receipt id now and the receipt once its batch is signed. */
  sign(input: ReceiptInput): { id: string; receipt: Promise<Receipt> } {
    const id = `rcpt_${randomBytes(12).toString("base64url")}`;
    const json: ReceiptLeaf = {
      v: 1,
      receipt_id: id,
      time: input.time ?? new Date().toISOString(),
      account_id: input.account_id,
      model: input.model,
      request_sha256: input.requestHash,
      response_sha256: input.responseHash,
      text_sha256: input.textHash ?? null,
      watermark_kid: input.key_id ?? null,
    };
    const leaf = Buffer.from(JSON.stringify(json), "utf8");
    const receipt = new Promise<Receipt>((resolve) => this.queue.push({ leaf, json, resolve }));
    this.waiting.add(id);
    if (this.queue.length >= this.maxBatch) this.flush();
    else if (this.timer === null) {
      // Not unref'd: a queued receipt keeps the process alive until its batch is signed (<= maxDelayMs).
      this.timer = setTimeout(() => this.flush(), this.maxDelay);
    }
    return { id, receipt };
  }

  /** Signs the queued leaves now (no-op when empty). */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const items = this.queue;
    if (items.length === 0) return;
    this.queue = [];
    const tree = new MerkleTree(items.map((p) => leafHash(p.leaf)));
    const head: TreeHead = {
      log: this.log,
      batch: this.batch,
      tree_size: tree.size,
      root: tree.root.toString("base64url"),
      first_index: this.nextIndex,
      prev: this.prev,
      issued_at: new Date().toISOString(),
    };
    const jws = this.opts.keys.sign(head);
    this.batch++;
    this.nextIndex += tree.size;
    this.prev = createHash("sha256").update(jws).digest("base64url");
    const receipts = items.map(
      (p, i): Receipt => ({
        v: 1,
        receipt_id: p.json.receipt_id,
        leaf: p.leaf.toString("base64url"),
        leaf_json: p.json,
        leaf_index: i,
        tree_size: tree.size,
        proof: tree.proof(i).map((h) => h.toString("base64url")),
        sth: jws,
      }),
    );
    for (const r of receipts) {
      this.waiting.delete(r.receipt_id);
      this.done.set(r.receipt_id, r);
    }
    while (this.done.size > this.keep) {
      const oldest = this.done.keys().next().value as string;
      this.done.delete(oldest);
    }
    this.opts.onBatch?.(receipts, head, jws);
    for (const [i, p] of items.entries()) p.resolve(receipts[i] as Receipt);
  }

  /** A signed receipt, "pending" while its batch is open, or null when unknown (or evicted). */
  get(id: string): Receipt | "pending" | null {
    const r = this.done.get(id);
    if (r) return r;
    return this.waiting.has(id) ? "pending" : null;
  }

  /** Longest time a receipt stays pending. */
  get maxDelayMs(): number {
    return this.maxDelay;
  }

  /** The JWKS of the signing keys. */
  jwks() {
    return this.opts.keys.jwks();
  }

  /** Signs what is queued and stops the timer. */
  close(): void {
    this.flush();
  }
}
