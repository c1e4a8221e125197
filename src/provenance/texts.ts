/**
 * Reading texts to test: a plain text file is one document; a .jsonl file has one document per line
 * (a JSON string, or an object whose text sits at `field` or at one of the usual places: text,
 * response.text, completion, output, answer, content, messages[last].content, choices[0].message.content).
 */

const PATHS = [
  "text",
  "response.text",
  "completion",
  "output",
  "answer",
  "response",
  "content",
  "messages.-1.content",
  "choices.0.message.content",
];

function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (Array.isArray(cur)) cur = cur[part === "-1" ? cur.length - 1 : Number(part)];
    else if (typeof cur === "object" && cur !== null) cur = (cur as Record<string, unknown>)[part];
    else return undefined;
  }
  return cur;
}

/** Text of one JSON record (null when none of the paths holds a string). */
export function recordText(rec: unknown, field?: string): string | null {
  if (typeof rec === "string") return rec;
  for (const p of field ? [field] : PATHS) {
    const v = at(rec, p);
    if (typeof v === "string") return v;
    if (Array.isArray(v)) {
      // Anthropic-style content blocks.
      const t = v
        .map((b) => (typeof b === "object" && b && typeof b.text === "string" ? b.text : ""))
        .join("");
      if (t) return t;
    }
  }
  return null;
}

/** Documents of one file's content. */
export function documentsOf(name: string, content: string, field?: string): string[] {
  if (!/\.jsonl$/i.test(name)) return [content];
  const docs: string[] = [];
  for (const line of content.split("\n")) {
    if (!line.trim()) continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      continue;
    }
    const t = recordText(rec, field);
    if (t !== null) docs.push(t);
  }
  return docs;
}
