/**
 * What the analysis code needs from a language model: one structured request, one reply. The
 * Gemini SDK lives behind this in `gemini_client.ts`; tests use the same client against a local
 * server that speaks Gemini's REST protocol.
 */

/** One generateContent request with a structured (JSON) answer. */
export interface LlmRequest {
  model: string;
  /** Instructions that stay the same across chunks. */
  system: string;
  /** The chunk-specific prompt. */
  prompt: string;
  /** JSON Schema of the reply, as generated from its zod schema. */
  responseSchema: Record<string, unknown>;
  temperature: number;
  maxOutputTokens: number;
  signal?: AbortSignal;
}

/** Token counts Google reports for a call (`usageMetadata`). */
export interface LlmUsage {
  promptTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/** A reply whose text is the JSON answer. */
export interface LlmReply {
  text: string;
  /** `STOP` for a complete answer. */
  finishReason: string;
  usage: LlmUsage;
  /** The model version that answered, when reported. */
  modelVersion?: string;
}

/**
 * Why a call failed, which decides what the pool does:
 * - `rate_limited` (429, per-minute): wait `retryAfterMs` (RetryInfo.retryDelay) or back off, retry;
 * - `daily_quota` (429 with a PerDay QuotaFailure): pause until the next Pacific midnight;
 * - `server` (5xx) and `network`: back off and retry;
 * - `bad_request` (400), `auth` (401/403, a bad key): never retried;
 * - `blocked` (promptFeedback.blockReason or a SAFETY finish), `truncated` (MAX_TOKENS),
 *   `empty` (no candidates), `malformed` (not JSON of the schema): recorded for that chunk.
 */
export type LlmErrorKind =
  | "rate_limited"
  | "daily_quota"
  | "server"
  | "network"
  | "bad_request"
  | "auth"
  | "blocked"
  | "truncated"
  | "empty"
  | "malformed"
  | "not_configured";

/** A failed LLM call, classified. */
export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; usage?: LlmUsage } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "LlmError";
  }

  /** Whether trying the same request again later may succeed. */
  get retryable(): boolean {
    return this.kind === "rate_limited" || this.kind === "server" || this.kind === "network";
  }
}

/** Sends one request to a model. */
export interface LlmClient {
  generate(request: LlmRequest): Promise<LlmReply>;
}
