/**
 * Built-in prompt generators: every capability the corpus offers, composed from small word lists,
 * so a fresh machine can simulate everything. Item i of a capability is a pure function of i.
 */
import { Rng } from "../rng.js";
import { AGENT_SYSTEMS, AGENT_TOOLS, APP_TOOLS } from "./tools.js";
import type { Capability, Prompt, PromptSource } from "./types.js";
import * as W from "./words.js";

const POOL_SIZE = 4000;

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? `{${k}}`);
}

function math(r: Rng): string {
  const a = r.range(2, 95);
  const b = r.range(2, 12);
  const c = r.range(2, 40);
  const n1 = r.pick(W.NAMES);
  const n2 = r.pick(W.NAMES);
  const item = r.pick(W.ITEMS);
  const forms = [
    `${n1} sold ${item} to ${a} of her friends in April, and then she sold ${b} times fewer in May. How many ${item} did ${n1} sell altogether in April and May?`,
    `${n1} earns $${b} an hour for babysitting. Yesterday, she did ${a} minutes of babysitting. How much did she earn?`,
    `${n1} has ${a} ${item}. ${n2} has ${c} more than ${n1}. They put them together and share them equally among ${b} classmates. How many does each classmate get?`,
    `A store sells ${item} at $${b} each. ${n1} buys ${a} and gets a ${c}% discount on the total. How much does ${n1} pay?`,
    `${n1} is reading a ${a * 10}-page book. Yesterday she read ${c} pages, and today she read twice as many. If she wants to read half of the remaining pages tomorrow, how many pages should she read?`,
    `A train travels ${a} miles in ${b} hours. At the same speed, how long will it take to travel ${a + c * 3} miles?`,
    `${n1} and ${n2} collect ${item}. ${n1} has ${b} times as many as ${n2}, and together they have ${(b + 1) * c}. How many does ${n2} have?`,
  ];
  return r.pick(forms);
}

function code(r: Rng): string {
  return fill(r.pick(W.CODE_ASKS), { lang: r.pick(W.LANGS), task: r.pick(W.CODE_TASKS) });
}

function toolUse(r: Rng): Pick<Prompt, "text" | "tools"> {
  const k = r.int(APP_TOOLS.length);
  const tool = APP_TOOLS[k]!;
  const city = r.pick(W.CITIES);
  const asks: Record<string, string> = {
    get_weather: `What's the weather going to be like in ${city} tomorrow? Should I bring an umbrella?`,
    search_web: `Find the latest news about ${r.pick(W.TOPICS)} and summarise the top three results.`,
    create_calendar_event: `Put a ${r.range(15, 90)}-minute meeting called "${r.pick(W.DOC_SUBJECTS)} review" on my calendar next Tuesday at ${r.range(8, 17)}:00.`,
    query_orders: `Where is my order ${r.range(100000, 999999)}? My e-mail is ${r.pick(W.NAMES).toLowerCase()}@example.com.`,
    convert_currency: `How much is ${r.range(10, 5000)} USD in ${r.pick(["EUR", "JPY", "GBP", "INR", "VND"])} today?`,
    send_email: `E-mail ${r.pick(W.NAMES)} that the ${r.pick(W.DOC_SUBJECTS)} is ready for review.`,
    get_stock_price: `What is ${r.pick(["AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "GOOG"])} trading at right now?`,
    book_restaurant: `Book a table for ${r.range(2, 8)} at ${r.pick(["Luigi's", "Sakura", "The Green Fork", "Bombay Palace"])} in ${city} tonight at ${r.range(18, 21)}:30.`,
  };
  const others = APP_TOOLS.filter((_, i) => i !== k && r.chance(0.4));
  return { text: asks[tool.name] ?? "", tools: [tool, ...others] };
}

function rubric(r: Rng): Pick<Prompt, "text" | "system"> {
  const question = r.chance(0.5) ? math(r) : fill(r.pick(W.CHAT_FORMS), { topic: r.pick(W.TOPICS) });
  const answer = r.pick(W.FILLER) + " " + r.pick(W.FILLER);
  const scale = r.pick(["1 to 10", "1 to 5", "0 to 100"]);
  return {
    system: `You are a careful grader. Rate the response below for helpfulness, correctness and clarity on a scale of ${scale}. Explain your reasoning briefly, then give the score on the last line as "Score: N".`,
    text: `[Question]\n${question}\n\n[Response]\n${answer}\n\n[Your evaluation]`,
  };
}

function policy(r: Rng): string {
  return fill(r.pick(W.POLICY_FORMS), { topic: r.pick(W.POLICY_TOPICS) });
}

function persona(r: Rng): Pick<Prompt, "text" | "system"> {
  return {
    system: `I want you to act as ${r.pick(W.ROLES)}. Stay in character, be practical and ask clarifying questions when needed.`,
    text: r.pick(W.PERSONA_ASKS),
  };
}

function chat(r: Rng): string {
  return fill(r.pick(W.CHAT_FORMS), { topic: r.pick(W.TOPICS) });
}

function agentic(r: Rng): Pick<Prompt, "text" | "system" | "tools"> {
  const verb = r.pick([
    "Add a function that",
    "Fix the failing test for the code that",
    "Refactor the module that",
  ]);
  return {
    system: r.pick(AGENT_SYSTEMS),
    tools: [...AGENT_TOOLS],
    text: `${verb} ${r.pick(W.CODE_TASKS)} in src/${r.pick(["utils", "core", "lib", "app"])}/${r.pick(["io", "cache", "parse", "jobs"])}.${r.pick(["py", "ts", "go", "rs"])}. Run the tests when done.`,
  };
}

function document(r: Rng): string {
  const n = r.range(3, 8);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(r.pick(W.FILLER));
  return `${r.pick(W.DOC_SUBJECTS)} #${r.range(1000, 99999)}\n\n${parts.join(" ")}`;
}

/** The built-in prompt source: POOL_SIZE items per capability. */
export class BuiltinSource implements PromptSource {
  readonly name = "builtin";
  private readonly cache = new Map<string, Prompt>();

  size(_cap: Capability): number {
    return POOL_SIZE;
  }

  item(cap: Capability, index: number): Prompt {
    const i = ((index % POOL_SIZE) + POOL_SIZE) % POOL_SIZE;
    const key = `${cap}:${i}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const p = this.make(cap, i);
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(key, p);
    return p;
  }

  private make(cap: Capability, item: number): Prompt {
    const r = new Rng(0x51ed + item).fork(cap);
    switch (cap) {
      case "math":
        return { capability: cap, item, text: math(r) };
      case "code":
        return { capability: cap, item, text: code(r) };
      case "tool_use":
        return { capability: cap, item, ...toolUse(r) };
      case "rubric":
        return { capability: cap, item, ...rubric(r) };
      case "policy":
        return { capability: cap, item, text: policy(r) };
      case "persona":
        return { capability: cap, item, ...persona(r) };
      case "chat":
        return { capability: cap, item, text: chat(r) };
      case "agentic":
        return { capability: cap, item, ...agentic(r) };
      case "vision":
        return { capability: cap, item, text: r.pick(W.VISION_ASKS), image: true };
      case "document":
        return { capability: cap, item, text: document(r) };
    }
  }
}
