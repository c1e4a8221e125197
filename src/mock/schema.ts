/**
 * Generates a value that satisfies a JSON Schema (the subset tools use: object/properties/required,
 * string/number/integer/boolean/array/null, enum, const, anyOf/oneOf/allOf, local $ref, formats, bounds).
 * BFCL-style `"type": "dict"` is read as object. Values are plausible for the property name where that is
 * cheap to guess (a city for "location", an email for "email"…).
 */
import type { Rng } from "./rng.js";

type Schema = Record<string, unknown>;

/** Context for sampling: the prompt (reused for free-text fields) and the schema root for $ref. */
export interface SampleContext {
  prompt: string;
  root?: unknown;
}

function asSchema(value: unknown): Schema {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Schema) : {};
}

function resolveRef(ref: string, root: unknown): Schema {
  if (!ref.startsWith("#/")) return {};
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    node = asSchema(node)[key];
  }
  return asSchema(node);
}

const CITIES = ["San Francisco, CA", "London, UK", "Tokyo, Japan", "Berlin, Germany", "Toronto, Canada"];
const NAMES = ["Alice Johnson", "Rahul Mehta", "Chen Wei", "Maria Garcia", "Tom Becker"];

function stringFor(name: string, schema: Schema, ctx: SampleContext, rng: Rng): string {
  const format = typeof schema.format === "string" ? schema.format : "";
  const key = name.toLowerCase();
  let value: string;
  if (format === "date-time") value = `2025-${String(rng.int(1, 12)).padStart(2, "0")}-14T10:30:00Z`;
  else if (format === "date" || key.endsWith("date"))
    value = `2025-${String(rng.int(1, 12)).padStart(2, "0")}-14`;
  else if (format === "time") value = `${String(rng.int(8, 18)).padStart(2, "0")}:30:00`;
  else if (format === "email" || key.includes("email")) value = "alex@example.com";
  else if (format === "uri" || format === "url" || key.includes("url"))
    value = "https://example.com/resource";
  else if (format === "uuid" || key.endsWith("uuid")) {
    const h = () =>
      rng
        .alnum(4)
        .toLowerCase()
        .replace(/[^0-9a-f]/g, "a");
    value = `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
  } else if (/(location|city|place|address|destination|origin)/.test(key)) value = rng.pick(CITIES);
  else if (/(^|_)(name|author|user|person|assignee)/.test(key)) value = rng.pick(NAMES);
  else if (/(unit)/.test(key)) value = rng.pick(["celsius", "fahrenheit"]);
  else if (/(lang|language)/.test(key)) value = "en";
  else if (/(currency)/.test(key)) value = "USD";
  else if (/(country)/.test(key)) value = "US";
  else if (/(path|file)/.test(key)) value = "src/index.ts";
  else if (/(^id$|_id$|^id_)/.test(key))
    value = `${key.replace(/_?id$/, "") || "item"}_${rng.int(100, 9999)}`;
  else if (
    /(query|question|text|prompt|message|content|description|search|input|body|command|code)/.test(key)
  ) {
    value = ctx.prompt.replace(/\s+/g, " ").trim().slice(0, 120) || "example";
  } else value = `example ${key.replace(/[_-]+/g, " ")}`.trim();
  const minLength = typeof schema.minLength === "number" ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === "number" ? schema.maxLength : Number.POSITIVE_INFINITY;
  while (value.length < minLength) value += "x";
  if (value.length > maxLength) value = value.slice(0, maxLength);
  return value;
}

function numberFor(schema: Schema, integer: boolean, rng: Rng): number {
  let min = typeof schema.minimum === "number" ? schema.minimum : undefined;
  let max = typeof schema.maximum === "number" ? schema.maximum : undefined;
  if (typeof schema.exclusiveMinimum === "number") min = schema.exclusiveMinimum + (integer ? 1 : 0.5);
  if (typeof schema.exclusiveMaximum === "number") max = schema.exclusiveMaximum - (integer ? 1 : 0.5);
  const lo = min ?? (max !== undefined ? max - 10 : 1);
  const hi = max ?? lo + (integer ? 99 : 100);
  let value = integer
    ? rng.int(Math.ceil(lo), Math.max(Math.ceil(lo), Math.floor(hi)))
    : lo + rng.next() * (hi - lo);
  if (!integer) value = Math.round(value * 100) / 100;
  if (typeof schema.multipleOf === "number" && schema.multipleOf > 0) {
    value = Math.ceil(value / schema.multipleOf) * schema.multipleOf;
  }
  return value;
}

function typeOf(schema: Schema, rng: Rng): string | undefined {
  const t = schema.type;
  if (typeof t === "string") return t === "dict" ? "object" : t === "float" ? "number" : t;
  if (Array.isArray(t)) {
    const options = t.filter((x): x is string => typeof x === "string" && x !== "null");
    return options.length > 0 ? rng.pick(options) : "null";
  }
  if (schema.properties !== undefined) return "object";
  if (schema.items !== undefined) return "array";
  return undefined;
}

/** Returns a value satisfying `schema` (best effort for unsupported keywords such as `pattern`). */
export function sampleFromSchema(
  schema: unknown,
  ctx: SampleContext,
  rng: Rng,
  name = "",
  depth = 0,
): unknown {
  let s = asSchema(schema);
  const root = ctx.root ?? schema;
  const inner: SampleContext = ctx.root === undefined ? { ...ctx, root } : ctx;
  if (typeof s.$ref === "string") s = { ...resolveRef(s.$ref, root), ...s, $ref: undefined };
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return rng.pick(s.enum);
  if ("default" in s && rng.chance(0.5)) return s.default;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  const choices = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : null;
  if (choices && choices.length > 0) {
    const nonNull = choices.filter((c) => asSchema(c).type !== "null");
    return sampleFromSchema(nonNull[0] ?? choices[0], inner, rng, name, depth + 1);
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) {
    const merged: Schema = { ...s, allOf: undefined };
    const properties: Schema = { ...asSchema(s.properties) };
    const required: unknown[] = Array.isArray(s.required) ? [...s.required] : [];
    for (const part of s.allOf) {
      const p = asSchema(part);
      Object.assign(merged, p);
      Object.assign(properties, asSchema(p.properties));
      if (Array.isArray(p.required)) required.push(...p.required);
    }
    merged.properties = properties;
    merged.required = required;
    merged.allOf = undefined;
    return sampleFromSchema(merged, inner, rng, name, depth + 1);
  }
  switch (typeOf(s, rng)) {
    case "object": {
      const out: Record<string, unknown> = {};
      const properties = asSchema(s.properties);
      const required = new Set(
        Array.isArray(s.required) ? s.required.filter((x) => typeof x === "string") : [],
      );
      for (const [key, sub] of Object.entries(properties)) {
        if (required.has(key) || (depth < 3 && rng.chance(0.4))) {
          out[key] = sampleFromSchema(sub, inner, rng, key, depth + 1);
        }
      }
      return out;
    }
    case "array": {
      const minItems = typeof s.minItems === "number" ? s.minItems : 1;
      const maxItems = typeof s.maxItems === "number" ? s.maxItems : Math.max(minItems, 3);
      const count =
        depth > 4 ? minItems : rng.int(minItems, Math.max(minItems, Math.min(maxItems, minItems + 2)));
      const items: unknown[] = [];
      for (let i = 0; i < count; i++) items.push(sampleFromSchema(s.items, inner, rng, name, depth + 1));
      return items;
    }
    case "string":
      return stringFor(name, s, inner, rng);
    case "integer":
      return numberFor(s, true, rng);
    case "number":
      return numberFor(s, false, rng);
    case "boolean":
      return rng.chance(0.5);
    case "null":
      return null;
    default:
      return name ? stringFor(name, s, inner, rng) : {};
  }
}
