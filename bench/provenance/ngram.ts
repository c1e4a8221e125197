/**
 * A word n-gram language model for the distillation experiment: interpolated Witten-Bell smoothing,
 * exact ancestral sampling (at each order, with probability c(h)/(c(h)+N1+(h.)) draw from that
 * order's counts, else back off to the shorter history).
 */

/** Splits text into tokens: words (with inner ' or -), numbers, punctuation, newlines. */
export function tokenize(text: string): string[] {
  return text.match(/\n|[A-Za-z]+(?:['’-][A-Za-z]+)*|\d+(?:[.,]\d+)*|[^\sA-Za-z\d]/g) ?? [];
}

/** Joins tokens back into text (no space before closing punctuation or after opening). */
export function detokenize(tokens: string[]): string {
  let out = "";
  let prev = "\n";
  for (const t of tokens) {
    if (t === "\n") out += "\n";
    else if (prev === "\n" || /^[.,;:!?)\]}%]$/.test(t) || /^[([{$]$/.test(prev)) out += t;
    else out += ` ${t}`;
    prev = t;
  }
  return out;
}

const BOS = 0;
const EOS = 1;

/** Interpolated Witten-Bell n-gram model over token ids. */
export class NgramModel {
  private readonly ids = new Map<string, number>([
    ["<s>", BOS],
    ["</s>", EOS],
  ]);
  private readonly words: string[] = ["<s>", "</s>"];
  /** counts[k]: history key (k previous ids) -> next id -> count, for k = 0..order-1. */
  private readonly counts: Array<Map<string, Map<number, number>>>;
  private readonly totals: Array<Map<string, number>>;

  constructor(readonly order: number) {
    this.counts = Array.from({ length: order }, () => new Map());
    this.totals = Array.from({ length: order }, () => new Map());
  }

  private id(w: string): number {
    let i = this.ids.get(w);
    if (i === undefined) {
      i = this.words.length;
      this.ids.set(w, i);
      this.words.push(w);
    }
    return i;
  }

  /** Adds one document. */
  train(text: string): void {
    const seq = [BOS, ...tokenize(text).map((t) => this.id(t)), EOS];
    for (let i = 1; i < seq.length; i++) {
      for (let k = 0; k < this.order; k++) {
        if (i - k < 0) break;
        const h = seq.slice(Math.max(0, i - k), i).join(",");
        if (k > 0 && i - k < 0) continue;
        const m = this.counts[k] as Map<string, Map<number, number>>;
        let next = m.get(h);
        if (!next) {
          next = new Map();
          m.set(h, next);
        }
        const w = seq[i] as number;
        next.set(w, (next.get(w) ?? 0) + 1);
        const t = this.totals[k] as Map<string, number>;
        t.set(h, (t.get(h) ?? 0) + 1);
      }
    }
  }

  private draw(next: Map<number, number>, total: number, r: () => number): number {
    let x = r() * total;
    for (const [w, c] of next) {
      x -= c;
      if (x < 0) return w;
    }
    return next.keys().next().value as number;
  }

  /** Samples one document of at most maxTokens tokens. */
  sample(r: () => number, maxTokens = 400): string {
    const seq = [BOS];
    const out: string[] = [];
    while (out.length < maxTokens) {
      let w = -1;
      for (let k = Math.min(this.order - 1, seq.length); k >= 0; k--) {
        const h = seq.slice(seq.length - k).join(",");
        const next = (this.counts[k] as Map<string, Map<number, number>>).get(h);
        if (!next) continue;
        const total = (this.totals[k] as Map<string, number>).get(h) ?? 0;
        // Witten-Bell: keep this order with probability c(h) / (c(h) + distinct continuations).
        if (k === 0 || r() < total / (total + next.size)) {
          w = this.draw(next, total, r);
          break;
        }
      }
      if (w === EOS) break;
      seq.push(w);
      out.push(this.words[w] as string);
    }
    return detokenize(out);
  }
}
