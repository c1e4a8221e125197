import { createHmac } from "node:crypto";

/** How much prompt and answer text the event log keeps. */
export type Retention = "none" | "full";

/**
 * Replaces one text with a marker that keeps its length and a keyed digest: equal texts give equal
 * digests within one deployment (so exact reuse across accounts stays visible), but the text
 * cannot be recovered and digests cannot be compared across deployments.
 */
export function redactText(text: string, key: Buffer): string {
  const h = createHmac("sha256", key).update(text).digest("hex").slice(0, 16);
  return `[redacted chars=${text.length} h=${h}]`;
}

function redactDataUrl(url: string, key: Buffer): string {
  return url.startsWith("data:") ? redactText(url, key) : url;
}

/** Redacts a content value in either dialect: a string or an array of typed blocks / parts. */
function redactContent(content: unknown, key: Buffer): unknown {
  if (typeof content === "string") return redactText(content, key);
  if (!Array.isArray(content)) return content;
  return content.map((part) => {
    if (typeof part !== "object" || part === null) return part;
    const p = { ...(part as Record<string, unknown>) };
    if (typeof p.text === "string") p.text = redactText(p.text, key);
    if (typeof p.thinking === "string") p.thinking = redactText(p.thinking, key);
    if (p.content !== undefined) p.content = redactContent(p.content, key);
    if (typeof p.source === "object" && p.source !== null) {
      const src = { ...(p.source as Record<string, unknown>) };
      if (typeof src.data === "string") src.data = redactText(src.data, key);
      p.source = src;
    }
    if (typeof p.image_url === "object" && p.image_url !== null) {
      const iu = { ...(p.image_url as Record<string, unknown>) };
      if (typeof iu.url === "string") iu.url = redactDataUrl(iu.url, key);
      p.image_url = iu;
    }
    if (typeof p.input_audio === "object" && p.input_audio !== null) p.input_audio = "[redacted audio]";
    return p;
  });
}

/**
 * The request as it will be stored under a retention mode. "none" keeps the request's shape (model,
 * parameters, roles, block types, tool definitions, lengths) and replaces every prompt text, tool
 * result, tool-call argument and inline image with a redaction marker. Never mutates its input.
 */
export function retainRequest(
  body: Record<string, unknown>,
  mode: Retention,
  key: Buffer,
): Record<string, unknown> {
  if (mode === "full") return body;
  const out: Record<string, unknown> = { ...body };
  if (out.system !== undefined) out.system = redactContent(out.system, key);
  if (Array.isArray(out.messages)) {
    out.messages = out.messages.map((m) => {
      if (typeof m !== "object" || m === null) return m;
      const msg = { ...(m as Record<string, unknown>) };
      if (msg.content !== undefined && msg.content !== null) msg.content = redactContent(msg.content, key);
      if (Array.isArray(msg.tool_calls)) {
        msg.tool_calls = msg.tool_calls.map((tc) => {
          const call = { ...(tc as Record<string, unknown>) };
          const fn = call.function as Record<string, unknown> | undefined;
          if (fn && typeof fn.arguments === "string")
            call.function = { ...fn, arguments: redactText(fn.arguments, key) };
          return call;
        });
      }
      return msg;
    });
  }
  if (typeof out.prompt === "string") out.prompt = redactText(out.prompt, key);
  return out;
}
