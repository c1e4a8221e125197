/** Built-in tool definitions (JSON schema inputs) used by tool-calling and agentic prompts. */
import type { ToolDef } from "./types.js";

const obj = (properties: Record<string, unknown>, required: string[]): Record<string, unknown> => ({
  type: "object",
  properties,
  required,
});
const str = (description: string): Record<string, unknown> => ({ type: "string", description });
const num = (description: string): Record<string, unknown> => ({ type: "number", description });

/** Everyday tools an app or a tool-calling benchmark exposes. */
export const APP_TOOLS: readonly ToolDef[] = [
  {
    name: "get_weather",
    description: "Get the current weather and forecast for a city.",
    schema: obj({ city: str("City name"), unit: { type: "string", enum: ["celsius", "fahrenheit"] } }, [
      "city",
    ]),
  },
  {
    name: "search_web",
    description: "Search the web and return the top results.",
    schema: obj({ query: str("Search query"), max_results: num("How many results") }, ["query"]),
  },
  {
    name: "create_calendar_event",
    description: "Create an event in the user's calendar.",
    schema: obj({ title: str("Title"), start: str("ISO 8601 start"), duration_minutes: num("Length") }, [
      "title",
      "start",
    ]),
  },
  {
    name: "query_orders",
    description: "Look up a customer's orders by e-mail or order number.",
    schema: obj({ email: str("Customer e-mail"), order_id: str("Order number") }, []),
  },
  {
    name: "convert_currency",
    description: "Convert an amount between currencies at today's rate.",
    schema: obj({ amount: num("Amount"), from: str("ISO 4217 code"), to: str("ISO 4217 code") }, [
      "amount",
      "from",
      "to",
    ]),
  },
  {
    name: "send_email",
    description: "Send an e-mail on the user's behalf.",
    schema: obj({ to: str("Recipient"), subject: str("Subject"), body: str("Body") }, [
      "to",
      "subject",
      "body",
    ]),
  },
  {
    name: "get_stock_price",
    description: "Get the latest price of a stock ticker.",
    schema: obj({ ticker: str("Ticker symbol") }, ["ticker"]),
  },
  {
    name: "book_restaurant",
    description: "Reserve a table at a restaurant.",
    schema: obj({ restaurant: str("Name"), party_size: num("People"), time: str("ISO 8601 time") }, [
      "restaurant",
      "party_size",
      "time",
    ]),
  },
];

/** Tools a coding agent exposes to the model. */
export const AGENT_TOOLS: readonly ToolDef[] = [
  {
    name: "read_file",
    description: "Read a file from the workspace.",
    schema: obj({ path: str("Path relative to the repository root") }, ["path"]),
  },
  {
    name: "edit_file",
    description: "Replace an exact string in a file with another string.",
    schema: obj({ path: str("Path"), old_str: str("Text to replace"), new_str: str("Replacement") }, [
      "path",
      "old_str",
      "new_str",
    ]),
  },
  {
    name: "run_command",
    description: "Run a shell command in the workspace and return its output.",
    schema: obj({ command: str("Shell command"), timeout_s: num("Timeout") }, ["command"]),
  },
  {
    name: "search_code",
    description: "Search the repository for a regular expression.",
    schema: obj({ pattern: str("Regular expression"), glob: str("File glob") }, ["pattern"]),
  },
];

/** System prompts of a few coding-agent harnesses (shared by every user of one harness). */
export const AGENT_SYSTEMS: readonly string[] = [
  "You are an autonomous software engineering agent working inside the user's repository. Use the tools to read files, make minimal edits and run the test suite. Explain each change briefly. Never invent file contents; read before you edit. Stop when the tests pass.",
  "You are a coding assistant integrated in the user's terminal. You can inspect and modify files and run commands. Prefer small, reviewable diffs. Ask before destructive operations. Keep answers concise and show the commands you ran.",
  "You are DevPilot, an AI pair programmer. Think about the task, plan the steps, then call tools one at a time. After every edit, run the relevant tests. Report what you changed and why in a short summary.",
];
