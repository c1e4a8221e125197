/**
 * RFC 6962 / RFC 9162 Merkle tree hashing: leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || l || r),
 * with the left subtree always the largest power of two. Built bottom-up (an unpaired last node is
 * carried up unchanged, which gives the same root), so a batch of n leaves costs n - 1 node hashes and
 * each inclusion proof is read off the stored levels in O(log n).
 */
import { createHash } from "node:crypto";

/** Hash of one leaf's bytes. */
export function leafHash(data: Uint8Array): Buffer {
  return createHash("sha256").update(Buffer.of(0)).update(data).digest();
}

/** Hash of an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash("sha256").update(Buffer.of(1)).update(left).update(right).digest();
}

/** A built tree: every level, leaves first. */
export class MerkleTree {
  readonly levels: Buffer[][];

  /** Builds the tree over leaf hashes (at least one). */
  constructor(leafHashes: Buffer[]) {
    if (leafHashes.length === 0) throw new RangeError("a Merkle tree needs at least one leaf");
    const levels: Buffer[][] = [leafHashes];
    let cur = leafHashes;
    while (cur.length > 1) {
      const next: Buffer[] = [];
      for (let i = 0; i + 1 < cur.length; i += 2) next.push(nodeHash(cur[i] as Buffer, cur[i + 1] as Buffer));
      if (cur.length % 2 === 1) next.push(cur[cur.length - 1] as Buffer);
      levels.push(next);
      cur = next;
    }
    this.levels = levels;
  }

  get size(): number {
    return (this.levels[0] as Buffer[]).length;
  }

  get root(): Buffer {
    return (this.levels[this.levels.length - 1] as Buffer[])[0] as Buffer;
  }

  /** Audit path of leaf `index`, from the leaf's sibling up to the root's child (RFC 9162 order). */
  proof(index: number): Buffer[] {
    if (index < 0 || index >= this.size) throw new RangeError(`leaf ${index} out of range`);
    const path: Buffer[] = [];
    let i = index;
    for (let l = 0; l < this.levels.length - 1; l++) {
      const level = this.levels[l] as Buffer[];
      const sib = i ^ 1;
      if (sib < level.length) path.push(level[sib] as Buffer);
      i >>= 1;
    }
    return path;
  }
}

/** Verifies an inclusion proof (RFC 9162 section 2.1.3.2). */
export function verifyInclusion(
  leaf: Buffer,
  index: number,
  size: number,
  path: Buffer[],
  root: Buffer,
): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}
