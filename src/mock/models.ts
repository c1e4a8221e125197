/**
 * The models the mock serves, per dialect. Each dialect has one "newly released" model (released the
 * day the mock starts, like a launch day) so simulations can exercise traffic moving to a new model.
 */

/** One model as the mock lists it. */
export interface MockModel {
  id: string;
  displayName: string;
  /** Release time (RFC 3339). */
  createdAt: string;
  /** Most output tokens one request may ask for. */
  maxOutputTokens: number;
  /** Reasoning model (OpenAI o-series, GPT-5): reports hidden reasoning tokens by default. */
  reasoning?: boolean;
  /** The "newly released" model of its dialect. */
  newlyReleased?: boolean;
}

/** The day the process started (UTC, midnight): release date of the newly released models. */
const LAUNCH = `${new Date().toISOString().slice(0, 10)}T00:00:00Z`;

/** Anthropic models, newest first (the order GET /v1/models returns them). */
export const ANTHROPIC_MODELS: readonly MockModel[] = [
  {
    id: "claude-sonnet-5",
    displayName: "Claude Sonnet 5",
    createdAt: LAUNCH,
    maxOutputTokens: 64000,
    newlyReleased: true,
  },
  {
    id: "claude-sonnet-4-6",
    displayName: "Claude Sonnet 4.6",
    createdAt: "2026-02-17T00:00:00Z",
    maxOutputTokens: 64000,
  },
  {
    id: "claude-opus-4-6",
    displayName: "Claude Opus 4.6",
    createdAt: "2026-02-05T00:00:00Z",
    maxOutputTokens: 128000,
  },
  {
    id: "claude-opus-4-5",
    displayName: "Claude Opus 4.5",
    createdAt: "2025-11-24T00:00:00Z",
    maxOutputTokens: 64000,
  },
  {
    id: "claude-haiku-4-5",
    displayName: "Claude Haiku 4.5",
    createdAt: "2025-10-15T00:00:00Z",
    maxOutputTokens: 64000,
  },
  {
    id: "claude-sonnet-4-5",
    displayName: "Claude Sonnet 4.5",
    createdAt: "2025-09-29T00:00:00Z",
    maxOutputTokens: 64000,
  },
  {
    id: "claude-opus-4-1",
    displayName: "Claude Opus 4.1",
    createdAt: "2025-08-05T00:00:00Z",
    maxOutputTokens: 32000,
  },
  {
    id: "claude-sonnet-4-0",
    displayName: "Claude Sonnet 4",
    createdAt: "2025-05-22T00:00:00Z",
    maxOutputTokens: 64000,
  },
  {
    id: "claude-3-5-haiku-latest",
    displayName: "Claude Haiku 3.5",
    createdAt: "2024-10-22T00:00:00Z",
    maxOutputTokens: 8192,
  },
];

/** OpenAI models (GET /v1/models lists them in this order). */
export const OPENAI_MODELS: readonly MockModel[] = [
  {
    id: "gpt-5.5",
    displayName: "GPT-5.5",
    createdAt: LAUNCH,
    maxOutputTokens: 128000,
    reasoning: true,
    newlyReleased: true,
  },
  {
    id: "gpt-5.4",
    displayName: "GPT-5.4",
    createdAt: "2026-03-05T00:00:00Z",
    maxOutputTokens: 128000,
    reasoning: true,
  },
  {
    id: "gpt-5.2",
    displayName: "GPT-5.2",
    createdAt: "2025-12-11T00:00:00Z",
    maxOutputTokens: 128000,
    reasoning: true,
  },
  {
    id: "gpt-5.1",
    displayName: "GPT-5.1",
    createdAt: "2025-11-13T00:00:00Z",
    maxOutputTokens: 128000,
    reasoning: true,
  },
  {
    id: "gpt-5",
    displayName: "GPT-5",
    createdAt: "2025-08-07T00:00:00Z",
    maxOutputTokens: 128000,
    reasoning: true,
  },
  {
    id: "gpt-5-mini",
    displayName: "GPT-5 mini",
    createdAt: "2025-08-07T00:00:00Z",
    maxOutputTokens: 128000,
    reasoning: true,
  },
  {
    id: "gpt-5-nano",
    displayName: "GPT-5 nano",
    createdAt: "2025-08-07T00:00:00Z",
    maxOutputTokens: 128000,
    reasoning: true,
  },
  { id: "gpt-4.1", displayName: "GPT-4.1", createdAt: "2025-04-14T00:00:00Z", maxOutputTokens: 32768 },
  {
    id: "gpt-4.1-mini",
    displayName: "GPT-4.1 mini",
    createdAt: "2025-04-14T00:00:00Z",
    maxOutputTokens: 32768,
  },
  {
    id: "o4-mini",
    displayName: "o4-mini",
    createdAt: "2025-04-16T00:00:00Z",
    maxOutputTokens: 100000,
    reasoning: true,
  },
  {
    id: "o3",
    displayName: "o3",
    createdAt: "2025-04-16T00:00:00Z",
    maxOutputTokens: 100000,
    reasoning: true,
  },
  { id: "gpt-4o", displayName: "GPT-4o", createdAt: "2024-05-13T00:00:00Z", maxOutputTokens: 16384 },
  {
    id: "gpt-4o-mini",
    displayName: "GPT-4o mini",
    createdAt: "2024-07-18T00:00:00Z",
    maxOutputTokens: 16384,
  },
];

const anthropicById = new Map(ANTHROPIC_MODELS.map((m) => [m.id, m]));
const openaiById = new Map(OPENAI_MODELS.map((m) => [m.id, m]));

/**
 * Looks a model up by id in a dialect's table (undefined when unknown). A dated snapshot id of a known
 * model ("claude-sonnet-4-5-20250929", "gpt-4o-2024-08-06") resolves to that model.
 */
export function findModel(dialect: "anthropic" | "openai", id: string): MockModel | undefined {
  const table = dialect === "anthropic" ? anthropicById : openaiById;
  return table.get(id) ?? table.get(id.replace(/-(\d{8}|\d{4}-\d{2}-\d{2})$/, ""));
}

/** Unix seconds of a model's release time (OpenAI's `created`). */
export function createdSeconds(model: MockModel): number {
  return Math.floor(Date.parse(model.createdAt) / 1000);
}

/** A model in a dialect's GET /v1/models/{id} shape. */
export function modelBody(dialect: "anthropic" | "openai", model: MockModel): Record<string, unknown> {
  return dialect === "anthropic"
    ? { type: "model", id: model.id, display_name: model.displayName, created_at: model.createdAt }
    : { id: model.id, object: "model", created: createdSeconds(model), owned_by: "system" };
}

/** OpenAI's GET /v1/models body (no pagination). */
export function openaiModelList(): Record<string, unknown> {
  return { object: "list", data: OPENAI_MODELS.map((m) => modelBody("openai", m)) };
}

/** One page of Anthropic's GET /v1/models (`limit` 1–1000, default 20; `after_id` / `before_id` cursors). */
export function anthropicModelPage(query: URLSearchParams): Record<string, unknown> {
  const table = ANTHROPIC_MODELS;
  const limit = Math.min(1000, Math.max(1, Number(query.get("limit") ?? 20) || 20));
  const after = query.get("after_id");
  const before = query.get("before_id");
  const start = after ? table.findIndex((m) => m.id === after) + 1 : 0;
  const end = before
    ? Math.max(
        0,
        table.findIndex((m) => m.id === before),
      )
    : table.length;
  const window = table.slice(start, end);
  const page = before && !after ? window.slice(-limit) : window.slice(0, limit);
  return {
    data: page.map((m) => modelBody("anthropic", m)),
    has_more: window.length > limit,
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
  };
}
