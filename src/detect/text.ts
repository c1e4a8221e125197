/**
 * Reads the parts of a request body that detection looks at, for both API dialects, without copying
 * large strings: the system prompt, the last user message, and counts of turns, images and tool blocks.
 */

/** What the feature extractor needs from one request body. */
export interface RequestParts {
  /** System (or developer) prompt text, "" when absent. */
  system: string;
  /** Text of the last user turn, "" when absent. */
  user: string;
  /** Number of messages in the conversation (turns so far). */
  turns: number;
  /** Image blocks anywhere in the messages. */
  images: number;
  /** tool_use / tool_result / tool-role blocks anywhere in the messages. */
  toolBlocks: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Joins the text blocks of a content value (string or array of blocks); counts images and tool blocks. */
function contentText(content: unknown, counts: { images: number; toolBlocks: number }): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let out = "";
  for (const block of content) {
    if (typeof block === "string") {
      out = out ? `${out}\n${block}` : block;
      continue;
    }
    if (!isRecord(block)) continue;
    const type = block.type;
    if (type === "text" || type === "input_text") {
      if (typeof block.text === "string") out = out ? `${out}\n${block.text}` : block.text;
    } else if (type === "image" || type === "image_url" || type === "input_image") {
      counts.images++;
    } else if (type === "tool_use" || type === "tool_result" || type === "function_call") {
      counts.toolBlocks++;
      if (type === "tool_result" && typeof block.content === "string") {
        out = out ? `${out}\n${block.content}` : block.content;
      }
    }
  }
  return out;
}

/** Extracts the detection-relevant parts of an Anthropic Messages or OpenAI Chat Completions body. */
export function requestParts(request: Record<string, unknown>): RequestParts {
  const counts = { images: 0, toolBlocks: 0 };
  let system = "";
  if (request.system !== undefined) system = contentText(request.system, counts);
  let user = "";
  let turns = 0;
  const messages = request.messages;
  if (Array.isArray(messages)) {
    turns = messages.length;
    for (const m of messages) {
      if (!isRecord(m)) continue;
      const role = m.role;
      if (role === "system" || role === "developer") {
        const t = contentText(m.content, counts);
        system = system ? `${system}\n${t}` : t;
      } else if (role === "user") {
        user = contentText(m.content, counts);
      } else {
        if (role === "tool" || role === "function") counts.toolBlocks++;
        if (Array.isArray(m.tool_calls)) counts.toolBlocks += m.tool_calls.length;
        if (Array.isArray(m.content)) contentText(m.content, counts);
      }
    }
  }
  return { system, user, turns, images: counts.images, toolBlocks: counts.toolBlocks };
}
