/**
 * Prose scanner shared by the watermarker and the detector. It reads text as whitespace-separated
 * runs and keeps a small markup state (code fences, inline code, indented code, JSON-looking spans,
 * quotations), so only plain prose words are ever offered for substitution: never code, JSON, URLs,
 * paths, numbers, emails, markup or quoted text. Decisions depend only on the text before the run,
 * so feeding the text in any chunking gives the same result, and the detector, re-reading the
 * watermarked text, sees exactly the positions and contexts the watermarker saw.
 */

/** Called for each prose word: `core` is the bare word, `context` the previous prose word (lowercase)
 * or "^" at the start; returns a replacement of the same length class or null to keep it. */
export type WordHook = (core: string, lower: string, context: string) => string | null;

/** Longest run held back while waiting for whitespace; longer runs pass through untouched. */
export const MAX_RUN = 64;

const OPEN_QUOTES = new Set(['"', "“", "«", "„"]);
const CLOSE_QUOTES = new Set(['"', "”", "»", "“"]);
const LEAD_PUNCT = /^[(["'“‘*_]+/;
const TRAIL_PUNCT = /[.,;:!?)\]"'”’*_]+$/;
const ALPHA = /^[A-Za-z]+$/;
const LOWER_WORD = /^[a-z]+$/;
const UNSAFE = /[0-9/\\@<>|=$#{}[\]~^%&+`]|:\/\/|www\.|\.\w/;
const SENTENCE_END = /[.!?:]["'”’)\]*]*$/;

/** Streaming prose scanner: push text, get back the text that may be emitted now. */
export class ProseScanner {
  private run = "";
  private passthrough = false;
  private lineStart = true;
  private leading = 0;
  private blankLine = true;
  private lineProtected = false;
  private fence: string | null = null;
  private inlineCode = false;
  private quote = false;
  private jsonDepth = 0;
  private sentenceStart = true;
  private context = "^";

  constructor(private readonly hook: WordHook) {}

  /** Feeds a piece of text; returns what can be emitted now (all but the current partial run). */
  push(text: string): string {
    let out = "";
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const ws = c === 32 || c === 10 || c === 9 || c === 13;
      if (!ws) {
        if (this.passthrough) continue;
        if (this.run.length + (i - from) >= MAX_RUN) {
          // Too long to be a word: let it through untouched up to the next whitespace.
          out += this.run + text.slice(from, i + 1);
          this.run = "";
          from = i + 1;
          this.passthrough = true;
          this.afterRun(true, "");
        }
        continue;
      }
      if (this.passthrough) {
        out += text.slice(from, i);
        this.passthrough = false;
      } else if (this.run.length > 0 || i > from) {
        out += this.processRun(this.run + text.slice(from, i));
      }
      this.run = "";
      out += text[i];
      this.whitespace(c);
      from = i + 1;
    }
    if (this.passthrough) out += text.slice(from);
    else this.run += text.slice(from);
    return out;
  }

  /** Ends the text: returns the held-back run, processed. */
  end(): string {
    const run = this.run;
    this.run = "";
    this.passthrough = false;
    return run.length > 0 ? this.processRun(run) : "";
  }

  private whitespace(c: number): void {
    if (c === 10) {
      if (this.lineStart) {
        // Blank line: paragraph break resets every span that cannot cross paragraphs.
        this.inlineCode = false;
        this.jsonDepth = 0;
      }
      this.blankLine = this.lineStart;
      this.lineStart = true;
      this.leading = 0;
      this.lineProtected = false;
      this.quote = false;
      this.sentenceStart = true;
    } else if (this.lineStart) {
      this.leading += c === 9 ? 4 : 1;
    }
  }

  private afterRun(protectedRun: boolean, run: string): void {
    if (this.lineStart) this.lineStart = false;
    this.blankLine = false;
    if (protectedRun) this.sentenceStart = false;
    else this.sentenceStart = SENTENCE_END.test(run) || /^(?:[-*+>]|#+|\d+[.)])$/.test(run);
  }

  private processRun(run: string): string {
    const atLineStart = this.lineStart;
    // Fenced code blocks.
    if (this.fence !== null) {
      if (atLineStart && this.leading < 4 && run.startsWith(this.fence)) this.fence = null;
      this.afterRun(true, run);
      return run;
    }
    if (atLineStart && this.leading < 4 && (run.startsWith("```") || run.startsWith("~~~"))) {
      this.fence = run.slice(0, 3);
      this.afterRun(true, run);
      return run;
    }
    if (atLineStart && this.leading >= 4 && !this.blankLine) {
      // Continuation indentation inside a paragraph or list: treat as prose.
    } else if (atLineStart && this.leading >= 4) {
      this.lineProtected = true;
    }
    let ticks = 0;
    if (run.includes("`")) for (let i = 0; i < run.length; i++) if (run.charCodeAt(i) === 96) ticks++;
    if (this.inlineCode || ticks > 0) {
      if (ticks % 2 === 1) this.inlineCode = !this.inlineCode;
      this.afterRun(true, run);
      return run;
    }
    if (this.jsonDepth > 0 || (atLineStart && /^(?:\{|\[\s*$|\[[{"\d[])/.test(run))) {
      for (let i = 0; i < run.length; i++) {
        const ch = run[i];
        if (ch === "{" || ch === "[") this.jsonDepth++;
        else if ((ch === "}" || ch === "]") && this.jsonDepth > 0) this.jsonDepth--;
      }
      this.afterRun(true, run);
      return run;
    }
    if (this.lineProtected) {
      this.afterRun(true, run);
      return run;
    }
    // Fast path: a bare lowercase word (most runs of prose).
    if (!this.quote && LOWER_WORD.test(run)) return this.word(run, "", "", run);
    // Quotations: everything between an opening and a closing quote stays as written.
    const bare = run.replace(/^[([*_]+/, "");
    if (this.quote) {
      if (CLOSE_QUOTES.has(run.replace(/[.,;:!?)\]*_]+$/, "").slice(-1))) this.quote = false;
      this.afterRun(true, run);
      return run;
    }
    if (OPEN_QUOTES.has(bare.charAt(0)) || bare.startsWith("'")) {
      const tail = run.replace(/[.,;:!?)\]*_]+$/, "");
      const closesHere = tail.length > 1 + (run.length - bare.length) && /["”»'’]$/.test(tail);
      if (!closesHere) this.quote = true;
      this.afterRun(true, run);
      return run;
    }
    if (UNSAFE.test(run)) {
      this.afterRun(true, run);
      return run;
    }
    const lead = LEAD_PUNCT.exec(run)?.[0] ?? "";
    const trail = TRAIL_PUNCT.exec(run.slice(lead.length))?.[0] ?? "";
    const core = run.slice(lead.length, run.length - trail.length);
    if (!ALPHA.test(core)) {
      this.afterRun(false, run);
      return run;
    }
    return this.word(core, lead, trail, run);
  }

  private word(core: string, lead: string, trail: string, run: string): string {
    const lower = core.toLowerCase();
    let outCore = core;
    const capitalised = core !== lower;
    const eligible = !capitalised || (this.sentenceStart && core.slice(1) === lower.slice(1));
    if (eligible) {
      const rep = this.hook(core, lower, this.context);
      if (rep !== null) outCore = capitalised ? rep.charAt(0).toUpperCase() + rep.slice(1) : rep;
    }
    this.context = outCore.toLowerCase();
    this.afterRun(false, run);
    return outCore === core ? run : lead + outCore + trail;
  }
}
