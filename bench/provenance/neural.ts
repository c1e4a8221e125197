/**
 * A small neural language model for the distillation experiment, in plain TypeScript (no
 * accelerator): a log-bilinear model over the embeddings of the two previous tokens with a
 * class-factored softmax (frequency-binned classes), trained by SGD. Small, but a learned
 * distributed model rather than a count table: words share statistical strength through their
 * embeddings, so it does not copy bigram counts the way an n-gram model does.
 */
import { detokenize, tokenize } from "./ngram.js";

/** Hyper-parameters. */
export interface NeuralOptions {
  vocab: number;
  dim: number;
  classes: number;
  epochs: number;
  lr: number;
  seed: number;
  /** Words that must be in the vocabulary (e.g. every synonym-group member seen in training). */
  keep?: Set<string>;
}

const EOS = "</s>";
const UNK = "<unk>";

/** Class-factored log-bilinear LM over the previous two tokens. */
export class NeuralLM {
  private readonly words: string[] = [];
  private readonly index = new Map<string, number>();
  private classOf!: Int32Array;
  private classMembers: number[][] = [];
  private E!: Float32Array;
  private Wc!: Float32Array;
  private Bc!: Float32Array;
  private Ww!: Float32Array;
  private Bw!: Float32Array;
  private readonly d2: number;

  constructor(private readonly o: NeuralOptions) {
    this.d2 = 2 * o.dim;
  }

  private ids(text: string): number[] {
    const unk = this.index.get(UNK) as number;
    return tokenize(text.toLowerCase()).map((t) => this.index.get(t) ?? unk);
  }

  /** Trains on documents (builds the vocabulary first). Calls progress(epoch, loss) after each epoch. */
  train(docs: string[], rand: () => number, progress?: (epoch: number, loss: number) => void): void {
    const freq = new Map<string, number>();
    for (const d of docs) for (const t of tokenize(d.toLowerCase())) freq.set(t, (freq.get(t) ?? 0) + 1);
    const ranked = [...freq.entries()].sort((a, b) => b[1] - a[1]);
    const chosen = new Set(ranked.slice(0, this.o.vocab).map(([w]) => w));
    for (const w of this.o.keep ?? []) if (freq.has(w)) chosen.add(w);
    for (const w of [EOS, UNK, ...[...chosen].sort((a, b) => (freq.get(b) ?? 0) - (freq.get(a) ?? 0))]) {
      if (this.index.has(w)) continue;
      this.index.set(w, this.words.length);
      this.words.push(w);
    }
    const V = this.words.length;
    const seqs = docs.map((d) => this.ids(d));
    // Frequency-binned classes (equal shares of the token mass).
    const count = new Float64Array(V);
    for (const s of seqs) for (const t of s) count[t] = (count[t] as number) + 1;
    count[0] = seqs.length;
    const total = count.reduce((a, b) => a + b, 0);
    this.classOf = new Int32Array(V);
    const C = this.o.classes;
    this.classMembers = Array.from({ length: C }, () => []);
    // Equal shares of the token mass, but no class larger than ~2 sqrt(V) (keeps each step cheap).
    const maxSize = Math.ceil(2 * Math.sqrt(V));
    let acc = 0;
    this.classMembers = [[]];
    let bin = 0;
    for (let w = 0; w < V; w++) {
      const want = Math.min(C - 1, Math.floor((acc / total) * C));
      let cur = this.classMembers[this.classMembers.length - 1] as number[];
      if ((want > bin || cur.length >= maxSize) && cur.length > 0) {
        bin = want;
        cur = [];
        this.classMembers.push(cur);
      }
      cur.push(w);
      acc += count[w] as number;
    }
    this.classMembers.forEach((m, c) => {
      for (const w of m) this.classOf[w] = c;
    });
    const Cn = this.classMembers.length;
    const d = this.o.dim;
    const init = (n: number, s: number) => Float32Array.from({ length: n }, () => (rand() - 0.5) * s);
    this.E = init(V * d, 0.2);
    this.Wc = init(Cn * this.d2, 0.02);
    this.Bc = new Float32Array(Cn);
    this.Ww = init(V * this.d2, 0.02);
    this.Bw = new Float32Array(V);
    const x = new Float32Array(this.d2);
    const gx = new Float32Array(this.d2);
    const pc = new Float64Array(Cn);
    const pw = new Float64Array(V);
    const order = seqs.map((_, i) => i);
    for (let epoch = 0; epoch < this.o.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
      const lr = this.o.lr / (1 + epoch);
      let loss = 0;
      let n = 0;
      for (const si of order) {
        const s = seqs[si] as number[];
        let a = 0; // EOS as start padding
        let b = 0;
        for (let t = 0; t <= s.length; t++) {
          const y = t < s.length ? (s[t] as number) : 0;
          loss -= this.step(a, b, y, x, gx, pc, pw, lr);
          n++;
          a = b;
          b = y;
        }
      }
      progress?.(epoch, loss / n);
    }
  }

  /** Fills x with the context embeddings. */
  private context(a: number, b: number, x: Float32Array): void {
    const d = this.o.dim;
    for (let k = 0; k < d; k++) {
      x[k] = this.E[a * d + k] as number;
      x[d + k] = this.E[b * d + k] as number;
    }
  }

  private softmax(
    W: Float32Array,
    B: Float32Array,
    rows: ArrayLike<number>,
    x: Float32Array,
    p: Float64Array,
  ): void {
    const d2 = this.d2;
    let max = Number.NEGATIVE_INFINITY;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as number;
      let z = B[row] as number;
      const off = row * d2;
      for (let k = 0; k < d2; k++) z += (W[off + k] as number) * (x[k] as number);
      p[r] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let r = 0; r < rows.length; r++) {
      const e = Math.exp((p[r] as number) - max);
      p[r] = e;
      sum += e;
    }
    for (let r = 0; r < rows.length; r++) p[r] = (p[r] as number) / sum;
  }

  private classRows: number[] = [];

  /** One SGD step on (a, b) -> y; returns log P(y | a, b). */
  private step(
    a: number,
    b: number,
    y: number,
    x: Float32Array,
    gx: Float32Array,
    pc: Float64Array,
    pw: Float64Array,
    lr: number,
  ): number {
    const d2 = this.d2;
    const d = this.o.dim;
    this.context(a, b, x);
    gx.fill(0);
    if (this.classRows.length !== this.classMembers.length)
      this.classRows = this.classMembers.map((_, i) => i);
    const cy = this.classOf[y] as number;
    this.softmax(this.Wc, this.Bc, this.classRows, x, pc);
    const members = this.classMembers[cy] as number[];
    this.softmax(this.Ww, this.Bw, members, x, pw);
    let wy = 0;
    for (let r = 0; r < members.length; r++) if (members[r] === y) wy = r;
    const logp = Math.log((pc[cy] as number) + 1e-12) + Math.log((pw[wy] as number) + 1e-12);
    const update = (
      W: Float32Array,
      B: Float32Array,
      rows: ArrayLike<number>,
      p: Float64Array,
      target: number,
    ) => {
      for (let r = 0; r < rows.length; r++) {
        const g = (p[r] as number) - (r === target ? 1 : 0);
        if (g > -1e-6 && g < 1e-6) continue;
        const row = rows[r] as number;
        const off = row * d2;
        for (let k = 0; k < d2; k++) {
          gx[k] = (gx[k] as number) + g * (W[off + k] as number);
          W[off + k] = (W[off + k] as number) - lr * g * (x[k] as number);
        }
        B[row] = (B[row] as number) - lr * g;
      }
    };
    update(this.Wc, this.Bc, this.classRows, pc, cy);
    update(this.Ww, this.Bw, members, pw, wy);
    for (let k = 0; k < d; k++) {
      this.E[a * d + k] = (this.E[a * d + k] as number) - lr * (gx[k] as number);
      this.E[b * d + k] = (this.E[b * d + k] as number) - lr * (gx[d + k] as number);
    }
    return logp;
  }

  private draw(p: Float64Array, n: number, r: () => number): number {
    let u = r();
    for (let i = 0; i < n; i++) {
      u -= p[i] as number;
      if (u < 0) return i;
    }
    return n - 1;
  }

  /** Samples one document (lowercase), at most maxTokens tokens; <unk> is never emitted. */
  sample(r: () => number, maxTokens = 400): string {
    const x = new Float32Array(this.d2);
    const pc = new Float64Array(this.classMembers.length);
    const pw = new Float64Array(this.words.length);
    const unk = this.index.get(UNK) as number;
    const out: string[] = [];
    let a = 0;
    let b = 0;
    while (out.length < maxTokens) {
      this.context(a, b, x);
      this.softmax(this.Wc, this.Bc, this.classRows, x, pc);
      const c = this.draw(pc, this.classMembers.length, r);
      const members = this.classMembers[c] as number[];
      this.softmax(this.Ww, this.Bw, members, x, pw);
      const w = members[this.draw(pw, members.length, r)] as number;
      if (w === unk) continue;
      if (w === 0) break;
      out.push(this.words[w] as string);
      a = b;
      b = w;
    }
    return detokenize(out);
  }
}
