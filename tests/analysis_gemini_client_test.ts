import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { z } from "zod";
import { GeminiClient, NOT_CONFIGURED_MESSAGE } from "../daemon/analysis/gemini_client.ts";
import { LlmError, type LlmRequest } from "../daemon/analysis/llm.ts";
import { type GeminiBehaviour, startGeminiServer } from "./fakes/gemini_server.ts";

const KEY = "AIzaSyFakeKeyForLingoreelTests-0123456";

function request(over: Partial<LlmRequest> = {}): LlmRequest {
  return {
    model: "gemini-2.5-flash",
    system: "You find useful English expressions in subtitles.",
    prompt: "[1] Break a leg tonight!\n[2] Thanks, I'll need it.",
    responseSchema: { type: "object", properties: { expressions: { type: "array" } } },
    temperature: 0.3,
    maxOutputTokens: 2048,
    ...over,
  };
}

/** The LlmError one scripted answer turns into. */
async function failureFor(behaviour: GeminiBehaviour): Promise<LlmError> {
  await using gemini = await startGeminiServer({ apiKey: KEY });
  gemini.script(behaviour);
  const client = new GeminiClient({ apiKey: KEY, baseUrl: gemini.url });
  return await assertRejects(() => client.generate(request()), LlmError);
}

Deno.test("generate() returns the text, finish reason, usage and model version of a reply", async () => {
  await using gemini = await startGeminiServer({ apiKey: KEY });
  gemini.script({
    kind: "ok",
    text: '{"expressions":[{"expression":"break a leg"}]}',
    usage: {
      promptTokenCount: 1200,
      candidatesTokenCount: 300,
      thoughtsTokenCount: 50,
      totalTokenCount: 1550,
    },
  });
  const client = new GeminiClient({ apiKey: KEY, baseUrl: gemini.url });
  const reply = await client.generate(request());
  assertEquals(reply, {
    text: '{"expressions":[{"expression":"break a leg"}]}',
    finishReason: "STOP",
    usage: { promptTokens: 1200, outputTokens: 350, totalTokens: 1550 },
    modelVersion: "gemini-2.5-flash",
  });
  assertEquals(gemini.requests.length, 1);
  assertEquals(gemini.requests[0].key, "header", "the key travels in x-goog-api-key, not the URL");
});

Deno.test("the system instruction, prompt, JSON schema and settings reach Gemini's v1beta endpoint", async () => {
  await using gemini = await startGeminiServer({ apiKey: KEY });
  const schema = z.object({
    expression: z.string().min(1),
    cue: z.number().int(),
    register: z.enum(["formal", "casual"]),
    note: z.string().nullable(),
  });
  const jsonSchema = z.toJSONSchema(schema) as Record<string, unknown>;
  const client = new GeminiClient({ apiKey: KEY, baseUrl: gemini.url });
  await client.generate(request({ responseSchema: jsonSchema, temperature: 0.7, maxOutputTokens: 999 }));

  const [seen] = gemini.requests;
  assertEquals(seen.apiVersion, "v1beta");
  assertEquals(seen.model, "gemini-2.5-flash");
  assertEquals(seen.body.systemInstruction, {
    parts: [{ text: "You find useful English expressions in subtitles." }],
    role: "user",
  });
  assertEquals(seen.body.contents, [{
    parts: [{ text: "[1] Break a leg tonight!\n[2] Thanks, I'll need it." }],
    role: "user",
  }]);
  assertEquals(seen.body.generationConfig, {
    temperature: 0.7,
    maxOutputTokens: 999,
    responseMimeType: "application/json",
    responseJsonSchema: jsonSchema,
  });
  assertEquals(seen.headers["x-goog-api-key"], undefined, "the fake does not keep the key");
  assertStringIncludes(seen.headers["user-agent"], "google-genai-sdk/");
});

Deno.test("a schema written for OpenAPI 3.0 has its nullable fields sent as JSON Schema unions", async () => {
  await using gemini = await startGeminiServer({ apiKey: KEY });
  const schema = z.object({ note: z.string().nullable(), kind: z.enum(["a", "b"]).nullable() });
  const openapi = z.toJSONSchema(schema, { target: "openapi-3.0" }) as Record<string, unknown>;
  const client = new GeminiClient({ apiKey: KEY, baseUrl: gemini.url });
  await client.generate(request({ responseSchema: openapi }));
  const sent = (gemini.requests[0].body.generationConfig as Record<string, unknown>).responseJsonSchema as {
    properties: Record<string, unknown>;
  };
  assertEquals(sent.properties.note, { type: ["string", "null"] });
  assertEquals(sent.properties.kind, { type: ["string", "null"], enum: ["a", "b", null] });
});

Deno.test("a 429 with RetryInfo is rate_limited and carries the retryDelay in milliseconds", async () => {
  for (const [retryDelay, ms] of [["17s", 17_000], ["0.5s", 500], ["25.465784708s", 25_466]] as const) {
    const error = await failureFor({ kind: "rate_limited", retryDelay });
    assertEquals(error.kind, "rate_limited");
    assertEquals(error.details.retryAfterMs, ms, retryDelay);
    assertEquals(error.details.status, 429);
    assert(error.retryable);
  }
  const noDelay = await failureFor({ kind: "rate_limited", retryDelay: null });
  assertEquals(noDelay.kind, "rate_limited");
  assertEquals(noDelay.details.retryAfterMs, undefined);
});

Deno.test("a 429 whose QuotaFailure names a PerDay quota is daily_quota, even with a RetryInfo", async () => {
  const error = await failureFor({ kind: "daily_quota", retryDelay: "43s" });
  assertEquals(error.kind, "daily_quota");
  assertStringIncludes(error.message, "GenerateRequestsPerDayPerProjectPerModel-FreeTier");
  assertStringIncludes(error.message, "midnight Pacific");
  assert(!error.retryable);
});

Deno.test("500, 502, 503 and 504 are server errors with their status", async () => {
  for (const status of [500, 502, 503, 504] as const) {
    const error = await failureFor({ kind: "server_error", status });
    assertEquals(error.kind, "server", `status ${status}`);
    assertEquals(error.details.status, status);
    assert(error.retryable);
  }
  const overloaded = await failureFor({ kind: "server_error", status: 503 });
  assertStringIncludes(overloaded.message, "503 UNAVAILABLE: The model is overloaded");
});

Deno.test("a 400 INVALID_ARGUMENT is bad_request with Google's message", async () => {
  const error = await failureFor({
    kind: "invalid_argument",
    message: "Invalid JSON payload received. Unknown name \"foo\" at 'generation_config': Cannot find field.",
  });
  assertEquals(error.kind, "bad_request");
  assertEquals(error.details.status, 400);
  assertStringIncludes(error.message, 'Unknown name "foo"');
  assert(!error.retryable);
});

Deno.test("a rejected API key is auth, says to check GEMINI_API_KEY and never contains the key", async () => {
  await using gemini = await startGeminiServer({ apiKey: KEY });
  const wrongKey = "AIzaSyWrongKeyThatMustNotLeak-987654321";
  const client = new GeminiClient({ apiKey: wrongKey, baseUrl: gemini.url });
  const error = await assertRejects(() => client.generate(request()), LlmError);
  assertEquals(error.kind, "auth");
  assertEquals(error.details.status, 400);
  assertStringIncludes(error.message, "API key not valid");
  assertStringIncludes(error.message, "check GEMINI_API_KEY");
  const everything = [error.message, String(error.stack), String(error.cause), JSON.stringify(error.details)];
  for (const text of everything) assert(!text.includes(wrongKey), `the key leaked into: ${text}`);

  const denied = await failureFor({ kind: "permission_denied" });
  assertEquals(denied.kind, "auth");
  assertEquals(denied.details.status, 403);
  assertStringIncludes(denied.message, "check GEMINI_API_KEY");
});

Deno.test("a blocked prompt and a SAFETY finish are blocked, with the usage Google reported", async () => {
  const prompt = await failureFor({ kind: "blocked", blockReason: "PROHIBITED_CONTENT" });
  assertEquals(prompt.kind, "blocked");
  assertStringIncludes(prompt.message, "PROHIBITED_CONTENT");
  assert(prompt.details.usage && prompt.details.usage.promptTokens > 0);

  for (const finishReason of ["SAFETY", "RECITATION", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII"]) {
    const error = await failureFor({ kind: "safety_finish", finishReason });
    assertEquals(error.kind, "blocked", finishReason);
    assertStringIncludes(error.message, finishReason);
  }
});

Deno.test("a MAX_TOKENS finish is truncated and keeps the usage", async () => {
  const error = await failureFor({ kind: "max_tokens" });
  assertEquals(error.kind, "truncated");
  assertStringIncludes(error.message, "MAX_TOKENS");
  assertEquals(error.details.usage?.outputTokens, 2048, "the output budget was spent");
  assert(!error.retryable);
});

Deno.test("a reply without candidates, or a candidate without text, is empty", async () => {
  assertEquals((await failureFor({ kind: "empty", shape: "no_candidates" })).kind, "empty");
  assertEquals((await failureFor({ kind: "empty", shape: "no_parts" })).kind, "empty");
});

Deno.test("text that is not valid JSON is returned as it is: parsing it is the caller's job", async () => {
  await using gemini = await startGeminiServer({ apiKey: KEY });
  gemini.script({ kind: "malformed", text: '{"expressions": [' });
  const client = new GeminiClient({ apiKey: KEY, baseUrl: gemini.url });
  const reply = await client.generate(request());
  assertEquals(reply.text, '{"expressions": [');
  assertEquals(reply.finishReason, "STOP");
});

Deno.test("without an API key generate() fails with not_configured and sends nothing", async () => {
  await using gemini = await startGeminiServer({ apiKey: KEY });
  for (const apiKey of [undefined, "", "   "]) {
    const client = new GeminiClient({ apiKey, baseUrl: gemini.url });
    assertEquals(client.configured, false);
    const error = await assertRejects(() => client.generate(request()), LlmError);
    assertEquals(error.kind, "not_configured");
    assertEquals(error.message, NOT_CONFIGURED_MESSAGE);
  }
  assertEquals(gemini.requests.length, 0);
  assertStringIncludes(NOT_CONFIGURED_MESSAGE, "https://aistudio.google.com/apikey");
});

Deno.test("the SDK makes one attempt only: a 503 or a 429 reaches the server once", async () => {
  await using gemini = await startGeminiServer({ apiKey: KEY });
  gemini.script({ kind: "server_error", status: 503 }, { kind: "rate_limited", retryDelay: "1s" });
  const client = new GeminiClient({ apiKey: KEY, baseUrl: gemini.url });
  await assertRejects(() => client.generate(request()), LlmError);
  await assertRejects(() => client.generate(request()), LlmError);
  assertEquals(gemini.requests.length, 2);
});

Deno.test("aborting the signal stops the request and rejects with the signal's reason", async () => {
  await using gemini = await startGeminiServer({ apiKey: KEY });
  gemini.script({ kind: "ok", delayMs: 5_000 });
  const client = new GeminiClient({ apiKey: KEY, baseUrl: gemini.url });
  const controller = new AbortController();
  const reason = new Error("the batch was cancelled");
  const timer = setTimeout(() => controller.abort(reason), 50);
  const started = performance.now();
  try {
    const error = await assertRejects(() => client.generate(request({ signal: controller.signal })));
    assertEquals(error, reason);
  } finally {
    clearTimeout(timer);
  }
  assert(performance.now() - started < 2_000, "it did not wait for the answer");

  const before = gemini.requests.length;
  await assertRejects(() => client.generate(request({ signal: AbortSignal.abort(reason) })));
  assertEquals(gemini.requests.length, before, "an aborted signal sends nothing");
});

Deno.test("timeoutMs bounds a request that never gets an answer: it is a network error", async () => {
  await using gemini = await startGeminiServer({ apiKey: KEY });
  gemini.script({ kind: "ok" }, { kind: "hang" });
  const client = new GeminiClient({ apiKey: KEY, baseUrl: gemini.url, timeoutMs: 200 });
  await client.generate(request()); // its timer is cleared (the sanitizer would see a leak)
  const error = await assertRejects(() => client.generate(request()), LlmError);
  assertEquals(error.kind, "network");
  assertStringIncludes(error.message, "did not answer within 200 ms");
});

Deno.test("a server that cannot be reached is a network error", async () => {
  const gemini = await startGeminiServer({ apiKey: KEY });
  const url = gemini.url;
  await gemini.close();
  const client = new GeminiClient({ apiKey: KEY, baseUrl: url });
  const error = await assertRejects(() => client.generate(request()), LlmError);
  assertEquals(error.kind, "network");
  assertStringIncludes(error.message, `Cannot reach Gemini at ${url}`);
  assert(error.retryable);
});
