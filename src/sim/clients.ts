/**
 * Client software as the edge sees it: a user agent and a TLS fingerprint (JA4-shaped). Legitimate
 * clients send the user agent their SDK really sends over the TLS stack that SDK really uses;
 * adversaries spoof user agents over whatever single stack their relay runs.
 */
import type { Rng } from "./rng.js";

/** A TLS client stack; its fingerprint is fixed per stack. */
export type TlsStack =
  | "python-openssl3"
  | "python-openssl11"
  | "node"
  | "curl"
  | "chrome"
  | "firefox"
  | "go"
  | "java";

/** JA4-shaped fingerprints: protocol/version/SNI, cipher and extension counts, ALPN, two hashes. */
export const TLS_FINGERPRINTS: Readonly<Record<TlsStack, string>> = {
  "python-openssl3": "t13d4907h2_0d8feac7bc37_7395dae3b2f3",
  "python-openssl11": "t13d4807h2_4a7c8b2e9f11_5d4f5b2b8c0e",
  node: "t13d1712h2_5b57614c22b0_3d5424432f57",
  curl: "t13d3112h2_e8f1e7e78f70_6bebaf5329ac",
  chrome: "t13d1516h2_8daaf6152771_02713d6af862",
  firefox: "t13d1715h2_5b57614c22b0_5c2c66f702b0",
  go: "t13d1312h2_f57a46bbacb6_e7c285222651",
  java: "t13d2414h2_a09f3c656075_14788d8d241b",
};

/** One kind of client program: how its user agent is written and which TLS stack it uses. */
export interface ClientKind {
  name: string;
  /** Dialects it speaks. */
  apis: readonly ("anthropic.messages" | "openai.chat.completions")[];
  stacks: readonly TlsStack[];
  /** Builds a user agent from a version index. */
  ua: (rng: Rng) => string;
}

const v = (rng: Rng, major: number, minors: number, patches: number): string =>
  `${major}.${rng.int(minors)}.${rng.int(patches)}`;

export const CLIENT_KINDS: Readonly<Record<string, ClientKind>> = {
  anthropic_python: {
    name: "anthropic_python",
    apis: ["anthropic.messages"],
    stacks: ["python-openssl3", "python-openssl11"],
    ua: (rng) => `Anthropic/Python ${v(rng, 0, 70, 3)}`,
  },
  anthropic_ts: {
    name: "anthropic_ts",
    apis: ["anthropic.messages"],
    stacks: ["node"],
    ua: (rng) => `Anthropic/JS ${v(rng, 0, 60, 4)}`,
  },
  openai_python: {
    name: "openai_python",
    apis: ["openai.chat.completions"],
    stacks: ["python-openssl3", "python-openssl11"],
    ua: (rng) => `OpenAI/Python ${v(rng, 1, 100, 6)}`,
  },
  openai_node: {
    name: "openai_node",
    apis: ["openai.chat.completions"],
    stacks: ["node"],
    ua: (rng) => `OpenAI/JS ${v(rng, 4, 100, 3)}`,
  },
  curl: {
    name: "curl",
    apis: ["anthropic.messages", "openai.chat.completions"],
    stacks: ["curl"],
    ua: (rng) => `curl/8.${rng.int(12)}.${rng.int(2)}`,
  },
  python_requests: {
    name: "python_requests",
    apis: ["anthropic.messages", "openai.chat.completions"],
    stacks: ["python-openssl3"],
    ua: (rng) => `python-requests/2.${28 + rng.int(5)}.${rng.int(4)}`,
  },
  httpx: {
    name: "httpx",
    apis: ["anthropic.messages", "openai.chat.completions"],
    stacks: ["python-openssl3"],
    ua: (rng) => `python-httpx/0.${25 + rng.int(4)}.${rng.int(3)}`,
  },
  go: {
    name: "go",
    apis: ["anthropic.messages", "openai.chat.completions"],
    stacks: ["go"],
    ua: () => "Go-http-client/2.0",
  },
  java: {
    name: "java",
    apis: ["openai.chat.completions", "anthropic.messages"],
    stacks: ["java"],
    ua: (rng) => `okhttp/4.${9 + rng.int(4)}.${rng.int(3)}`,
  },
  chrome: {
    name: "chrome",
    apis: ["anthropic.messages", "openai.chat.completions"],
    stacks: ["chrome"],
    ua: (rng) =>
      `Mozilla/5.0 (${rng.pick(["Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7", "X11; Linux x86_64"])}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${128 + rng.int(8)}.0.0.0 Safari/537.36`,
  },
  firefox: {
    name: "firefox",
    apis: ["anthropic.messages", "openai.chat.completions"],
    stacks: ["firefox"],
    ua: (rng) => {
      const ver = 128 + rng.int(8);
      return `Mozilla/5.0 (${rng.pick(["Windows NT 10.0; Win64; x64", "X11; Linux x86_64"])}; rv:${ver}.0) Gecko/20100101 Firefox/${ver}.0`;
    },
  },
};

/** A concrete client identity: a user agent and the TLS fingerprint it arrives with. */
export interface ClientIdentity {
  kind: string;
  ua: string;
  tls: string;
  api: "anthropic.messages" | "openai.chat.completions";
}

/** Honest identity of one kind: its own user agent over its own TLS stack. */
export function honestIdentity(kindName: string, rng: Rng): ClientIdentity {
  const kind = CLIENT_KINDS[kindName] ?? CLIENT_KINDS.curl!;
  return {
    kind: kind.name,
    ua: kind.ua(rng),
    tls: TLS_FINGERPRINTS[rng.pick(kind.stacks)],
    api: rng.pick(kind.apis),
  };
}

/** How often individual developers use each client kind. */
export const DEV_CLIENT_MIX: Readonly<Record<string, number>> = {
  anthropic_python: 30,
  anthropic_ts: 16,
  openai_python: 18,
  openai_node: 8,
  curl: 6,
  python_requests: 5,
  httpx: 3,
  go: 4,
  java: 3,
  chrome: 5,
  firefox: 2,
};

/** Server-side clients (production apps, batch jobs, harnesses). */
export const SERVER_CLIENT_MIX: Readonly<Record<string, number>> = {
  anthropic_python: 34,
  anthropic_ts: 18,
  openai_python: 20,
  openai_node: 10,
  go: 8,
  java: 6,
  httpx: 4,
};

/**
 * A spoofed identity: a user agent sampled from real clients' pool, sent over the adversary's one
 * TLS stack (so UA and fingerprint disagree for most requests).
 */
export function spoofedIdentity(stack: TlsStack, api: ClientIdentity["api"], rng: Rng): ClientIdentity {
  const kindName = rng.weighted(DEV_CLIENT_MIX);
  const kind = CLIENT_KINDS[kindName]!;
  return { kind: `spoof:${kind.name}`, ua: kind.ua(rng), tls: TLS_FINGERPRINTS[stack], api };
}
