/**
 * A local stand-in for the Gemini API (`generativelanguage.googleapis.com`) that speaks its REST
 * protocol: `POST /{v1beta|v1}/models/{model}:generateContent`, the `x-goog-api-key` header (or
 * `?key=`), and real-shaped success and error bodies (`google.rpc.Status` with RetryInfo,
 * QuotaFailure, ErrorInfo details). Point `GeminiClient` at it with `baseUrl: server.url`.
 *
 *   await using gemini = await startGeminiServer({ apiKey: "test-key" });
 *   gemini.script({ kind: "rate_limited", retryDelay: "17s" }, { kind: "ok", text: "{}" });
 *
 * Scripted behaviours are used one per request in order; after that `handle` decides (when
 * given), else every request succeeds. Every request is recorded (without its key), and the
 * server tracks how many were in flight at once.
 */

/** Token counts as Gemini reports them in `usageMetadata`. */
export interface FakeUsage {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  thoughtsTokenCount?: number;
}

/** How the server answers one request. Every behaviour can be delayed by `delayMs`. */
export type GeminiBehaviour =
  & { delayMs?: number }
  & (
    /** 200 with one candidate (`finishReason` STOP unless given). */
    | { kind: "ok"; text?: string; finishReason?: string; usage?: Partial<FakeUsage> }
    /** 429 RESOURCE_EXHAUSTED for a per-minute quota, with RetryInfo unless `retryDelay` is null. */
    | { kind: "rate_limited"; retryDelay?: string | null; quotaId?: string }
    /** 429 RESOURCE_EXHAUSTED for a per-day quota (QuotaFailure quotaId with `PerDay`). */
    | { kind: "daily_quota"; retryDelay?: string }
    /** 500 INTERNAL or 503 UNAVAILABLE (or 502/504). */
    | { kind: "server_error"; status?: 500 | 502 | 503 | 504 }
    /** 400 INVALID_ARGUMENT. */
    | { kind: "invalid_argument"; message?: string }
    /** 403 PERMISSION_DENIED (API not enabled for the key's project). */
    | { kind: "permission_denied" }
    /** 200 without candidates: `promptFeedback.blockReason`. */
    | { kind: "blocked"; blockReason?: string }
    /** 200 with a candidate that finished for SAFETY (or another filter) and has no content. */
    | { kind: "safety_finish"; finishReason?: string }
    /** 200 with partial text and finishReason MAX_TOKENS. */
    | { kind: "max_tokens"; text?: string }
    /** 200 with no candidates at all, or a candidate without parts. */
    | { kind: "empty"; shape?: "no_candidates" | "no_parts" }
    /** 200 whose text is not valid JSON. */
    | { kind: "malformed"; text?: string }
    /** Never answers; ends when the server closes. */
    | { kind: "hang" }
    /** Anything else, verbatim. */
    | { kind: "raw"; status: number; body: unknown; contentType?: string }
  );

/** One request as the server saw it. */
export interface RecordedRequest {
  apiVersion: string;
  model: string;
  /** The parsed JSON body (`contents`, `systemInstruction`, `generationConfig`, …). */
  body: Record<string, unknown>;
  /** Request headers, lower-cased, without `x-goog-api-key`. */
  headers: Record<string, string>;
  /** Where the key came from. */
  key: "header" | "query" | "none";
  /** `Date.now()` when it arrived. */
  receivedAt: number;
}

/** Options of the fake. */
export interface GeminiServerOptions {
  /** The key the server accepts (default "test-key"). */
  apiKey?: string;
  /** Delay of every answer unless its behaviour says otherwise (default 0). */
  delayMs?: number;
  /** Decides when the script is empty; `index` counts requests from 0. */
  handle?: (request: RecordedRequest, index: number) => GeminiBehaviour | Promise<GeminiBehaviour>;
}

/** A running fake; dispose it (or `close()`) to stop it. */
export interface GeminiServer extends AsyncDisposable {
  /** Base URL for `GeminiClient`'s `baseUrl`, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly apiKey: string;
  readonly requests: readonly RecordedRequest[];
  /** Requests being answered right now, and the most at any moment. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Queues behaviours for the next requests, in order. */
  script(...behaviours: GeminiBehaviour[]): void;
  /** Forgets recorded requests and the in-flight maximum. */
  reset(): void;
  close(): Promise<void>;
}

const PATH = /^\/(v1beta|v1)\/models\/([^/:]+):generateContent$/;
const RATE_LIMIT_HELP = "https://ai.google.dev/gemini-api/docs/rate-limits";

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body, null, 2), {
    status,
    headers: { "content-type": "application/json; charset=UTF-8" },
  });
}

function googleError(
  code: number,
  status: string,
  message: string,
  details?: Record<string, unknown>[],
): Response {
  return json(code, { error: { code, message, status, ...(details ? { details } : {}) } });
}

function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function promptText(body: Record<string, unknown>): string {
  const contents = Array.isArray(body.contents) ? body.contents : [];
  const parts = contents.flatMap((c) => (Array.isArray(c?.parts) ? c.parts : []));
  return parts.map((p) => (typeof p?.text === "string" ? p.text : "")).join("");
}

function quotaDetails(model: string, quotaId: string, metric: string, retryDelay: string | null) {
  const details: Record<string, unknown>[] = [
    {
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [{
        quotaMetric: `generativelanguage.googleapis.com/${metric}`,
        quotaId,
        quotaDimensions: { location: "global", model },
        quotaValue: quotaId.includes("PerDay") ? "250" : "10",
      }],
    },
    {
      "@type": "type.googleapis.com/google.rpc.Help",
      links: [{ description: "Learn more about Gemini API quotas", url: RATE_LIMIT_HELP }],
    },
  ];
  if (retryDelay !== null) details.push({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay });
  return details;
}

function answer(behaviour: GeminiBehaviour, request: RecordedRequest): Response {
  const { model, body } = request;
  const config = (body.generationConfig ?? {}) as Record<string, unknown>;
  const promptTokenCount = tokens(promptText(body));
  const success = (
    candidates: unknown[] | undefined,
    output: string,
    extra: Record<string, unknown> = {},
  ) => {
    const usage: Record<string, number> = { promptTokenCount };
    if (output) usage.candidatesTokenCount = tokens(output);
    usage.totalTokenCount = promptTokenCount + (usage.candidatesTokenCount ?? 0);
    return json(200, {
      ...(candidates ? { candidates } : {}),
      ...extra,
      usageMetadata: usage,
      modelVersion: model,
      responseId: crypto.randomUUID().replaceAll("-", "").slice(0, 22),
    });
  };
  switch (behaviour.kind) {
    case "ok": {
      const text = behaviour.text ?? '{"expressions":[]}';
      const output = tokens(text);
      const usage = {
        promptTokenCount,
        candidatesTokenCount: output,
        totalTokenCount: promptTokenCount + output,
        ...behaviour.usage,
      };
      return json(200, {
        candidates: [{
          content: { parts: [{ text }], role: "model" },
          finishReason: behaviour.finishReason ?? "STOP",
          index: 0,
        }],
        usageMetadata: usage,
        modelVersion: model,
        responseId: crypto.randomUUID().replaceAll("-", "").slice(0, 22),
      });
    }
    case "malformed":
      return answer(
        { kind: "ok", text: behaviour.text ?? '{"expressions": [{"text": "break a leg",' },
        request,
      );
    case "rate_limited": {
      const retryDelay = behaviour.retryDelay === undefined ? "17s" : behaviour.retryDelay;
      const quotaId = behaviour.quotaId ?? "GenerateRequestsPerMinutePerProjectPerModel-FreeTier";
      const retry = retryDelay === null ? "" : `\nPlease retry in ${retryDelay}.`;
      return googleError(
        429,
        "RESOURCE_EXHAUSTED",
        `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: ${RATE_LIMIT_HELP}.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10, model: ${model}${retry}`,
        quotaDetails(model, quotaId, "generate_content_free_tier_requests", retryDelay),
      );
    }
    case "daily_quota":
      return googleError(
        429,
        "RESOURCE_EXHAUSTED",
        `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: ${RATE_LIMIT_HELP}.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 250, model: ${model}\nPlease retry in ${
          behaviour.retryDelay ?? "43s"
        }.`,
        quotaDetails(
          model,
          "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
          "generate_content_free_tier_requests",
          behaviour.retryDelay ?? "43s",
        ),
      );
    case "server_error": {
      const status = behaviour.status ?? 500;
      if (status === 503) {
        return googleError(503, "UNAVAILABLE", "The model is overloaded. Please try again later.");
      }
      if (status === 504) {
        return googleError(504, "DEADLINE_EXCEEDED", "The request timed out. Please try again.");
      }
      if (status === 502) {
        return new Response("<html><body>502 Bad Gateway</body></html>", {
          status: 502,
          headers: { "content-type": "text/html" },
        });
      }
      return googleError(
        500,
        "INTERNAL",
        "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
      );
    }
    case "invalid_argument":
      return googleError(
        400,
        "INVALID_ARGUMENT",
        behaviour.message ?? "Request contains an invalid argument.",
      );
    case "permission_denied":
      return googleError(
        403,
        "PERMISSION_DENIED",
        "Generative Language API has not been used in project 123456789012 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/generativelanguage.googleapis.com/overview?project=123456789012 then retry.",
        [{
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "SERVICE_DISABLED",
          domain: "googleapis.com",
          metadata: { service: "generativelanguage.googleapis.com", consumer: "projects/123456789012" },
        }],
      );
    case "blocked":
      return success(undefined, "", {
        promptFeedback: {
          blockReason: behaviour.blockReason ?? "SAFETY",
          safetyRatings: [
            { category: "HARM_CATEGORY_SEXUALLY_EXPLICIT", probability: "NEGLIGIBLE" },
            { category: "HARM_CATEGORY_HATE_SPEECH", probability: "NEGLIGIBLE" },
            { category: "HARM_CATEGORY_HARASSMENT", probability: "HIGH" },
            { category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "NEGLIGIBLE" },
          ],
        },
      });
    case "safety_finish":
      return success([{
        finishReason: behaviour.finishReason ?? "SAFETY",
        index: 0,
        safetyRatings: [{ category: "HARM_CATEGORY_HARASSMENT", probability: "HIGH", blocked: true }],
      }], "");
    case "max_tokens": {
      const text = behaviour.text ?? '{"expressions": [{"text": "call it a night", "meaning": "to stop';
      const output = typeof config.maxOutputTokens === "number" ? config.maxOutputTokens : tokens(text);
      return json(200, {
        candidates: [{ content: { parts: [{ text }], role: "model" }, finishReason: "MAX_TOKENS", index: 0 }],
        usageMetadata: {
          promptTokenCount,
          candidatesTokenCount: output,
          totalTokenCount: promptTokenCount + output,
        },
        modelVersion: model,
      });
    }
    case "empty":
      return behaviour.shape === "no_parts"
        ? success([{ content: { role: "model" }, finishReason: "STOP", index: 0 }], "")
        : success(undefined, "");
    case "raw":
      return new Response(
        typeof behaviour.body === "string" ? behaviour.body : JSON.stringify(behaviour.body),
        {
          status: behaviour.status,
          headers: { "content-type": behaviour.contentType ?? "application/json; charset=UTF-8" },
        },
      );
    case "hang":
      throw new Error("unreachable: hang is handled before answering");
  }
}

/** Resolves after `ms` (never when `ms` is Infinity), or as soon as `signal` aborts. */
function waitFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Starts the fake on a free port of 127.0.0.1. */
export function startGeminiServer(options: GeminiServerOptions = {}): Promise<GeminiServer> {
  const apiKey = options.apiKey ?? "test-key";
  const queue: GeminiBehaviour[] = [];
  let requests: RecordedRequest[] = [];
  let count = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const closing = new AbortController();

  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const match = PATH.exec(url.pathname);
    if (req.method !== "POST" || !match) {
      return googleError(404, "NOT_FOUND", `Method not found: ${req.method} ${url.pathname}`);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of req.headers) if (name !== "x-goog-api-key") headers[name] = value;
    const headerKey = req.headers.get("x-goog-api-key");
    const queryKey = url.searchParams.get("key");
    const given = headerKey ?? queryKey;
    let body: Record<string, unknown>;
    try {
      body = await req.json();
    } catch {
      return googleError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    }
    const recorded: RecordedRequest = {
      apiVersion: match[1],
      model: decodeURIComponent(match[2]),
      body,
      headers,
      key: headerKey ? "header" : queryKey ? "query" : "none",
      receivedAt: Date.now(),
    };
    requests.push(recorded);
    const index = count++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (!given) {
        return googleError(
          403,
          "PERMISSION_DENIED",
          "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        );
      }
      if (given !== apiKey) {
        return googleError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
          {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            reason: "API_KEY_INVALID",
            domain: "googleapis.com",
            metadata: { service: "generativelanguage.googleapis.com" },
          },
          {
            "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
            locale: "en-US",
            message: "API key not valid. Please pass a valid API key.",
          },
          // the real API has been seen echoing the key here; the client must not pass it on
          { "@type": "type.googleapis.com/google.rpc.DebugInfo", detail: `Invalid API key: ${given}` },
        ]);
      }
      if (!Array.isArray(body.contents) || body.contents.length === 0) {
        return googleError(
          400,
          "INVALID_ARGUMENT",
          "* GenerateContentRequest.contents: contents is not specified",
        );
      }
      const behaviour = queue.shift() ?? (await options.handle?.(recorded, index)) ?? { kind: "ok" };
      // Delays end early only when the server closes. `req.signal` would also tell that the
      // client went away, but touching it makes Deno print a warning about its legacy abort
      // behaviour; so a request the client abandoned stays in `inFlight` until its delay ends.
      await waitFor(behaviour.delayMs ?? options.delayMs ?? 0, closing.signal);
      if (behaviour.kind === "hang") {
        await waitFor(Infinity, closing.signal);
        return googleError(503, "UNAVAILABLE", "The service is shutting down.");
      }
      return answer(behaviour, recorded);
    } finally {
      inFlight--;
    }
  };

  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) => {
        let closed: Promise<void> | undefined;
        const close = () => {
          closed ??= (async () => {
            closing.abort();
            await server.shutdown();
          })();
          return closed;
        };
        resolve({
          url: `http://127.0.0.1:${port}`,
          apiKey,
          get requests() {
            return requests;
          },
          get inFlight() {
            return inFlight;
          },
          get maxInFlight() {
            return maxInFlight;
          },
          script: (...behaviours) => void queue.push(...behaviours),
          reset: () => {
            requests = [];
            maxInFlight = inFlight;
          },
          close,
          [Symbol.asyncDispose]: close,
        });
      },
    }, handler);
  });
}
