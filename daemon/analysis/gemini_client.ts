/**
 * The one `LlmClient` that talks to Gemini, through the official `@google/genai` SDK (the only
 * module that imports it). It sends exactly one HTTP request per `generate()` and turns every
 * outcome into an `LlmReply` or a classified `LlmError`; retrying, rate limits and the circuit
 * breaker belong to `LlmPool`.
 *
 * Request choices, checked against SDK 3.1.0:
 * - The schema goes in `responseJsonSchema`, as the JSON Schema `z.toJSONSchema()` produces.
 *   `responseSchema` takes Gemini's OpenAPI subset (upper-case types, `nullable`, unknown
 *   keywords rejected) and the SDK silently moves any schema carrying `$schema` (which zod adds)
 *   to `responseJsonSchema` anyway; sending it there on purpose keeps zod's output as it is
 *   (`type: ["string", "null"]`, `enum`, `required`, `additionalProperties`). A schema written
 *   with zod's `openapi-3.0` target also works: its `nullable: true` becomes a union with null.
 * - API version `v1beta` is pinned: the SDK now defaults to `v1`, while `responseJsonSchema` is
 *   documented for `v1beta`. Base URL, version and backend are always passed explicitly, so the
 *   SDK's own environment variables (`GOOGLE_GEMINI_BASE_URL`, `GOOGLE_GENAI_API_VERSION`,
 *   `GOOGLE_GENAI_USE_VERTEXAI`, `GOOGLE_API_KEY`) cannot redirect it.
 * - No `retryOptions`: the SDK then makes a single attempt. `automaticContinuation: false`: the
 *   SDK would otherwise send follow-up requests for a `CONTINUATION` finish, which the pool's
 *   per-minute accounting would not see.
 */
import type { ApiError, GenerateContentResponse, GoogleGenAI } from "@google/genai";
import { parseGoogleError } from "./_google_rpc.ts";
import { toResponseJsonSchema } from "./_json_schema.ts";
import { type LlmClient, LlmError, type LlmReply, type LlmRequest, type LlmUsage } from "./llm.ts";

const DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";
const API_VERSION = "v1beta";

/** What `generate()` says when no key is configured. */
export const NOT_CONFIGURED_MESSAGE =
  "GEMINI_API_KEY is not set: get a key at https://aistudio.google.com/apikey and put GEMINI_API_KEY=… in the environment or .env";

/** Finish reasons that mean the answer was withheld by a filter. */
const BLOCKED_FINISHES = new Set([
  "SAFETY",
  "RECITATION",
  "LANGUAGE",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);
/** Finish reasons that mean the answer stopped before it was complete. */
const TRUNCATED_FINISHES = new Set(["MAX_TOKENS", "CONTINUATION"]);
/** Finish reasons that mean the model produced something unusable. */
const MALFORMED_FINISHES = new Set(["MALFORMED_RESPONSE", "MALFORMED_FUNCTION_CALL"]);

/** How to reach Gemini. Without `apiKey` every call fails with `not_configured`. */
export interface GeminiClientOptions {
  apiKey?: string;
  /** e.g. a local fake server; defaults to https://generativelanguage.googleapis.com. */
  baseUrl?: string;
  /** Bound on one request; none by default (Google bounds unary calls at 10 minutes). */
  timeoutMs?: number;
}

function toUsage(metadata: GenerateContentResponse["usageMetadata"]): LlmUsage | undefined {
  if (!metadata) return undefined;
  const promptTokens = metadata.promptTokenCount ?? 0;
  // thinking tokens are billed and rate-limited as output, so they count here
  const outputTokens = (metadata.candidatesTokenCount ?? 0) + (metadata.thoughtsTokenCount ?? 0);
  return { promptTokens, outputTokens, totalTokens: metadata.totalTokenCount ?? promptTokens + outputTokens };
}

const NO_USAGE: LlmUsage = { promptTokens: 0, outputTokens: 0, totalTokens: 0 };

function clip(text: string, max = 400): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Sends one structured request to Gemini per call; see the module comment for the choices. */
export class GeminiClient implements LlmClient {
  /** The SDK is loaded on the first call: it is large, and an idle daemon need not carry it. */
  #sdk?: Promise<{ ai: GoogleGenAI; ApiError: typeof ApiError }>;
  readonly #apiKey?: string;
  readonly #baseUrl: string;
  readonly #timeoutMs?: number;

  constructor(options: GeminiClientOptions = {}) {
    this.#apiKey = options.apiKey?.trim() || undefined;
    this.#baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
    this.#timeoutMs = options.timeoutMs;
  }

  #load(apiKey: string): Promise<{ ai: GoogleGenAI; ApiError: typeof ApiError }> {
    this.#sdk ??= import("@google/genai").then((sdk) => ({
      ai: new sdk.GoogleGenAI({
        apiKey,
        vertexai: false,
        apiVersion: API_VERSION,
        httpOptions: { baseUrl: this.#baseUrl },
      }),
      ApiError: sdk.ApiError,
    }));
    return this.#sdk;
  }

  /** Whether a key is set (calls can be made at all). */
  get configured(): boolean {
    return this.#apiKey !== undefined;
  }

  async generate(request: LlmRequest): Promise<LlmReply> {
    if (!this.#apiKey) throw new LlmError("not_configured", NOT_CONFIGURED_MESSAGE);
    request.signal?.throwIfAborted();
    const sdk = await this.#load(this.#apiKey);
    // Our own timer rather than the SDK's `httpOptions.timeout`, which stays armed after a
    // successful call and cannot be told apart from the caller's abort.
    const timeout = this.#timeoutMs ? new AbortController() : undefined;
    const timer = timeout ? setTimeout(() => timeout.abort(), this.#timeoutMs) : undefined;
    const signals = [request.signal, timeout?.signal].filter((s): s is AbortSignal => s !== undefined);
    let response: GenerateContentResponse;
    try {
      response = await sdk.ai.models.generateContent({
        model: request.model,
        contents: [{ role: "user", parts: [{ text: request.prompt }] }],
        config: {
          systemInstruction: request.system,
          responseMimeType: "application/json",
          responseJsonSchema: toResponseJsonSchema(request.responseSchema),
          temperature: request.temperature,
          maxOutputTokens: request.maxOutputTokens,
          automaticContinuation: false,
          abortSignal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
        },
      });
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      if (timeout?.signal.aborted) {
        throw new LlmError(
          "network",
          `Gemini ${request.model} did not answer within ${this.#timeoutMs} ms`,
          {},
          {
            cause: error,
          },
        );
      }
      throw this.#classifyFailure(error, request.model, sdk);
    } finally {
      clearTimeout(timer);
    }
    return this.#toReply(response, request.model);
  }

  #redact(text: string): string {
    // a key too short to be a real one would only mangle words
    return this.#apiKey && this.#apiKey.length >= 8 ? text.replaceAll(this.#apiKey, "[redacted]") : text;
  }

  #toReply(response: GenerateContentResponse, model: string): LlmReply {
    const usage = toUsage(response.usageMetadata);
    const details = usage ? { usage } : {};
    const feedback = response.promptFeedback;
    if (feedback?.blockReason) {
      const why = feedback.blockReasonMessage ? `: ${clip(feedback.blockReasonMessage)}` : "";
      throw new LlmError(
        "blocked",
        `Gemini ${model} blocked the prompt (${feedback.blockReason}${why})`,
        details,
      );
    }
    const candidate = response.candidates?.[0];
    if (!candidate) throw new LlmError("empty", `Gemini ${model} returned no candidates`, details);
    const finishReason = candidate.finishReason ?? "FINISH_REASON_UNSPECIFIED";
    if (BLOCKED_FINISHES.has(finishReason)) {
      throw new LlmError(
        "blocked",
        `Gemini ${model} withheld the answer (finish reason ${finishReason})`,
        details,
      );
    }
    if (TRUNCATED_FINISHES.has(finishReason)) {
      throw new LlmError(
        "truncated",
        `Gemini ${model} stopped before the answer was complete (finish reason ${finishReason}): ` +
          `raise maxOutputTokens or send a smaller chunk`,
        details,
      );
    }
    if (MALFORMED_FINISHES.has(finishReason)) {
      throw new LlmError(
        "malformed",
        `Gemini ${model} produced a malformed answer (${finishReason})`,
        details,
      );
    }
    const text = (candidate.content?.parts ?? [])
      .filter((part) => typeof part.text === "string" && !part.thought)
      .map((part) => part.text)
      .join("");
    if (text.trim() === "") {
      throw new LlmError(
        "empty",
        `Gemini ${model} answered without text (finish reason ${finishReason})`,
        details,
      );
    }
    const reply: LlmReply = { text, finishReason, usage: usage ?? NO_USAGE };
    if (response.modelVersion) reply.modelVersion = response.modelVersion;
    return reply;
  }

  #classifyFailure(error: unknown, model: string, sdk: { ApiError: typeof ApiError }): LlmError {
    if (error instanceof sdk.ApiError) return this.#classifyApiError(error, model);
    const name = error instanceof Error ? error.name : "";
    const message = this.#redact(error instanceof Error ? error.message : String(error));
    if (name === "AbortError" || name === "TimeoutError") {
      return new LlmError("network", `Gemini ${model}: the request was cut off (${clip(message)})`, {}, {
        cause: error,
      });
    }
    if (error instanceof SyntaxError) {
      return new LlmError(
        "server",
        `Gemini ${model} answered with a body that is not JSON: ${clip(message)}`,
        {},
        {
          cause: error,
        },
      );
    }
    if (error instanceof TypeError) {
      return new LlmError("network", `Cannot reach Gemini at ${this.#baseUrl}: ${clip(message)}`, {}, {
        cause: error,
      });
    }
    return new LlmError(
      "bad_request",
      `The Gemini SDK refused the request for ${model}: ${clip(message)}`,
      {},
      {
        cause: error,
      },
    );
  }

  #classifyApiError(error: ApiError, model: string): LlmError {
    const status = error.status;
    const body = parseGoogleError(error.message);
    const said = this.#redact(
      clip(`${status}${body.status ? ` ${body.status}` : ""}${body.message ? `: ${body.message}` : ""}`),
    );
    const cause = { cause: new Error(said) }; // not `error`: its message is the raw body
    const keyProblem = body.reasons.some((reason) => reason.startsWith("API_KEY")) ||
      /api key/i.test(body.message ?? "");
    if (status === 401 || status === 403 || keyProblem) {
      return new LlmError("auth", `Gemini refused the credentials (${said}): check GEMINI_API_KEY`, {
        status,
      }, cause);
    }
    if (status === 429) {
      const daily = body.quotaIds.filter((id) => id.includes("PerDay"));
      if (daily.length > 0) {
        return new LlmError(
          "daily_quota",
          `Gemini ${model} has used up a daily quota (${
            daily.join(", ")
          }); it resets at midnight Pacific time`,
          { status },
          cause,
        );
      }
      const retry = body.retryDelayMs === undefined
        ? ""
        : `; Google asks to retry in ${body.retryDelayMs} ms`;
      return new LlmError(
        "rate_limited",
        `Gemini ${model} is rate limited (${said})${retry}`,
        body.retryDelayMs === undefined ? { status } : { status, retryAfterMs: body.retryDelayMs },
        cause,
      );
    }
    if (status === 408 || status >= 500) {
      return new LlmError("server", `Gemini ${model} failed on Google's side (${said})`, { status }, cause);
    }
    const hint = status === 404 ? ": check GEMINI_MODEL" : "";
    return new LlmError(
      "bad_request",
      `Gemini ${model} rejected the request (${said})${hint}`,
      { status },
      cause,
    );
  }
}
