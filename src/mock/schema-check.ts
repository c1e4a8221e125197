/**
 * A small, independent JSON Schema checker for the subset tools use (type incl. BFCL "dict", properties,
 * required, enum, const, items, minItems/maxItems, minimum/maximum, minLength/maxLength, anyOf/oneOf,
 * local $ref). Tests use it to prove generated tool inputs satisfy their schema.
 */

type Schema = Record<string, unknown>;

function asSchema(value: unknown): Schema {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Schema) : {};
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case "object":
    case "dict":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
    case "float":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    default:
      return true;
  }
}

/** Lists the ways `value` breaks `schema` (empty when it conforms). */
export function checkSchema(value: unknown, schema: unknown, path = "$", root: unknown = schema): string[] {
  let s = asSchema(schema);
  if (typeof s.$ref === "string" && s.$ref.startsWith("#/")) {
    let node: unknown = root;
    for (const key of s.$ref.slice(2).split("/")) node = asSchema(node)[key];
    s = { ...asSchema(node), ...s, $ref: undefined };
  }
  const errors: string[] = [];
  if ("const" in s && JSON.stringify(s.const) !== JSON.stringify(value))
    errors.push(`${path}: not the const`);
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errors.push(`${path}: not in enum`);
  }
  const choices = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : null;
  if (choices && !choices.some((c) => checkSchema(value, c, path, root).length === 0)) {
    errors.push(`${path}: matches no anyOf/oneOf branch`);
  }
  const types = typeof s.type === "string" ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : [];
  if (types.length > 0 && !types.some((t) => typeMatches(t, value))) {
    errors.push(`${path}: expected ${types.join("|")}`);
    return errors;
  }
  if (typeof value === "string") {
    if (typeof s.minLength === "number" && value.length < s.minLength) errors.push(`${path}: too short`);
    if (typeof s.maxLength === "number" && value.length > s.maxLength) errors.push(`${path}: too long`);
  }
  if (typeof value === "number") {
    if (typeof s.minimum === "number" && value < s.minimum) errors.push(`${path}: below minimum`);
    if (typeof s.maximum === "number" && value > s.maximum) errors.push(`${path}: above maximum`);
    if (typeof s.exclusiveMinimum === "number" && value <= s.exclusiveMinimum)
      errors.push(`${path}: not above exclusiveMinimum`);
    if (typeof s.exclusiveMaximum === "number" && value >= s.exclusiveMaximum)
      errors.push(`${path}: not below exclusiveMaximum`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === "number" && value.length < s.minItems) errors.push(`${path}: too few items`);
    if (typeof s.maxItems === "number" && value.length > s.maxItems) errors.push(`${path}: too many items`);
    if (s.items !== undefined) {
      for (let i = 0; i < value.length; i++)
        errors.push(...checkSchema(value[i], s.items, `${path}[${i}]`, root));
    }
  } else if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const properties = asSchema(s.properties);
    if (Array.isArray(s.required)) {
      for (const key of s.required)
        if (typeof key === "string" && !(key in obj)) errors.push(`${path}.${key}: required`);
    }
    for (const [key, sub] of Object.entries(properties)) {
      if (key in obj) errors.push(...checkSchema(obj[key], sub, `${path}.${key}`, root));
    }
    if (s.additionalProperties === false) {
      for (const key of Object.keys(obj))
        if (!(key in properties)) errors.push(`${path}.${key}: not allowed`);
    }
  }
  return errors;
}
