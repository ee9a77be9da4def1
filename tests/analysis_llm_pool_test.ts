import { assert, assertEquals, assertGreaterOrEqual, assertRejects, assertStringIncludes } from "@std/assert";
import { nextPacificMidnight } from "../daemon/clock.ts";
import { GeminiClient } from "../daemon/analysis/gemini_client.ts";
import {
  type LlmClient,
  LlmError,
  type LlmErrorKind,
  type LlmReply,
  type LlmRequest,
} from "../daemon/analysis/llm.ts";
import { LlmPool, type LlmPoolOptions, type LlmPoolState } from "../daemon/analysis/llm_pool.ts";
import { createLogger } from "../daemon/log.ts";
import { FakeClock } from "./fakes/fake_clock.ts";
import { startGeminiServer } from "./fakes/gemini_server.ts";

const KEY = "AIzaSyFakeKeyForLingoreelTests-0123456";
const log = createLogger({ level: "debug", write: () => {} });

function request(prompt: string, signal?: AbortSignal): LlmRequest {
  return {
    model: "gemini-2.5-flash",
    system: "Find expressions.",
    prompt,
    responseSchema: { type: "object" },
    temperature: 0.3,
    maxOutputTokens: 1024,
    signal,
  };
}

/** What the scripted client does for one call. */
type Outcome = { error?: LlmError; delayMs?: number; promptTokens?: number };

/** An in-memory LlmClient on the fake clock: records when each call started. */
class ScriptedClient implements LlmClient {
  readonly calls: { at: number; prompt: string }[] = [];
  readonly finished: string[] = [];

  constructor(
    private readonly clock: FakeClock,
    private readonly script: (call: number, request: LlmRequest) => Outcome = () => ({}),
  ) {}

  async generate(request: LlmRequest): Promise<LlmReply> {
    const call = this.calls.length;
    this.calls.push({ at: this.clock.now(), prompt: request.prompt });
    const outcome = this.script(call, request);
    if (outcome.delayMs) await this.clock.sleep(outcome.delayMs, request.signal);
    this.finished.push(request.prompt);
    if (outcome.error) throw outcome.error;
    const promptTokens = outcome.promptTokens ?? 100;
    return {
      text: JSON.stringify({ answer: request.prompt }),
      finishReason: "STOP",
      usage: { promptTokens, outputTokens: 20, totalTokens: promptTokens + 20 },
    };
  }

  get times(): number[] {
    return this.calls.map((c) => c.at);
  }
}

function pool(client: LlmClient, clock: FakeClock, over: Partial<LlmPoolOptions> = {}) {
  const states: { state: LlmPoolState; at: number }[] = [];
  const llm = new LlmPool({
    client,
    clock,
    log,
    random: () => 0.5,
    onState: (state) => states.push({ state, at: clock.now() }),
    ...over,
  });
  return Object.assign(llm, { states });
}

/** The most call starts found in any 60 s window [t, t + 60 s). */
function busiestWindow(times: number[], weights: number[] = times.map(() => 1)): number {
  let most = 0;
  for (const start of times) {
    let sum = 0;
    times.forEach((t, i) => {
      if (t >= start && t < start + 60_000) sum += weights[i];
    });
    most = Math.max(most, sum);
  }
  return most;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const serverError = () =>
  new LlmError("server", "503 UNAVAILABLE: The model is overloaded.", { status: 503 });

Deno.test("the pool never has more than `concurrency` calls in flight at the Gemini server", async () => {
  await using gemini = await startGeminiServer({ apiKey: KEY, delayMs: 40 });
  const client = new GeminiClient({ apiKey: KEY, baseUrl: gemini.url });
  for (const concurrency of [3, 1]) {
    gemini.reset();
    const llm = new LlmPool({ client, concurrency, log });
    const results = await llm.runAll(
      range(10),
      (i) => llm.run(request(`chunk ${i}`), { estimatedTokens: 50 }),
    );
    assert(results.every((r) => r.ok));
    assertEquals(gemini.requests.length, 10);
    assertEquals(gemini.maxInFlight, concurrency, "the limit is reached and never passed");
  }
});

Deno.test("no 60 s window ever holds more than rpm calls, retries included", async () => {
  using clock = new FakeClock(Date.parse("2026-05-04T10:00:00Z"), { auto: true });
  // every 7th call fails once with a 503, so retries compete for the same budget
  const client = new ScriptedClient(
    clock,
    (call) => ({ delayMs: 1_500, error: call % 7 === 3 ? serverError() : undefined }),
  );
  const llm = pool(client, clock, { concurrency: 5, rpm: 10, breaker: { failureThreshold: 100 } });
  const results = await llm.runAll(
    range(50),
    (i) => llm.run(request(`chunk ${i}`), { estimatedTokens: 100 }),
  );

  assert(results.every((r) => r.ok), "every request succeeds in the end");
  assert(client.calls.length > 50, "some calls were retries");
  assertEquals(busiestWindow(client.times), 10);
  const first = client.times[0];
  assertEquals(client.times.filter((t) => t < first + 60_000).length, 10, "the budget is used, not wasted");
  assertEquals(client.times[10], first + 60_000, "the 11th call starts the moment the 1st leaves the window");
});

Deno.test("no 60 s window ever holds more than tpm prompt tokens", async () => {
  using clock = new FakeClock(0, { auto: true });
  const client = new ScriptedClient(clock, () => ({ delayMs: 500, promptTokens: 300 }));
  const llm = pool(client, clock, { concurrency: 4, tpm: 1_000 });
  const results = await llm.runAll(
    range(12),
    (i) => llm.run(request(`chunk ${i}`), { estimatedTokens: 300 }),
  );
  assert(results.every((r) => r.ok));
  assertEquals(busiestWindow(client.times, client.times.map(() => 300)), 900);

  const tooBig = await assertRejects(() => llm.run(request("huge"), { estimatedTokens: 1_001 }), LlmError);
  assertEquals(tooBig.kind, "bad_request");
  assertStringIncludes(tooBig.message, "send smaller chunks");
  assertEquals(client.calls.length, 12, "nothing was sent for it");
});

Deno.test("a 429's retryDelay is honoured: no call, that one or another, starts before it", async () => {
  using clock = new FakeClock(0, { auto: true });
  const client = new ScriptedClient(clock, (call) => ({
    error: call === 0
      ? new LlmError("rate_limited", "429 RESOURCE_EXHAUSTED", { status: 429, retryAfterMs: 17_000 })
      : undefined,
  }));
  const llm = pool(client, clock, { concurrency: 1 });
  const [first, second] = await Promise.all([
    llm.run(request("first"), { estimatedTokens: 10 }),
    llm.run(request("second"), { estimatedTokens: 10 }),
  ]);
  assertEquals(client.calls.map((c) => c.prompt), ["first", "second", "first"]);
  assertGreaterOrEqual(client.times[1], 17_000, "the other request waited too");
  assertGreaterOrEqual(client.times[2], 17_000, "the retry waited at least retryDelay");
  assertEquals(first.attempts, 2);
  assertGreaterOrEqual(first.waitedMs, 17_000);
  assertEquals(second.attempts, 1);
});

Deno.test("a spent daily quota pauses the pool until the next Pacific midnight, then work resumes", async () => {
  const start = Date.parse("2026-03-10T20:00:00Z"); // 13:00 PDT
  const midnight = Date.parse("2026-03-11T07:00:00Z"); // 00:00 PDT
  assertEquals(nextPacificMidnight(start), midnight);
  using clock = new FakeClock(start);
  const client = new ScriptedClient(clock, (call) => ({
    error: call === 0 ? new LlmError("daily_quota", "PerDay quota spent", { status: 429 }) : undefined,
  }));
  const llm = pool(client, clock, { concurrency: 2 });
  const running = llm.runAll(range(4), (i) => llm.run(request(`chunk ${i}`), { estimatedTokens: 10 }));

  await clock.advance(0);
  assertEquals(llm.state, {
    kind: "paused",
    until: midnight,
    reason: "PerDay quota spent",
  });
  const sentBefore = client.calls.length;
  assert(sentBefore <= 2, "only calls already in flight went out");

  await clock.advanceTo(midnight - 1);
  assertEquals(client.calls.length, sentBefore, "nothing is sent while paused");
  assertEquals(llm.state.kind, "paused");

  await clock.advanceTo(midnight);
  const results = await running;
  assert(results.every((r) => r.ok), "everything succeeds after the reset");
  assertEquals(client.calls.length, 5);
  assert(client.times.slice(sentBefore).every((t) => t >= midnight));
  assertEquals(llm.state, { kind: "running" });
  assertEquals(llm.states.map((s) => s.state.kind), ["paused", "running"]);
});

Deno.test("a daily-quota answer to a call sent before midnight does not pause the pool for another day", async () => {
  const midnight = Date.parse("2026-11-21T08:00:00Z"); // 00:00 PST
  using clock = new FakeClock(midnight - 1_000, { auto: true });
  const client = new ScriptedClient(
    clock,
    (call) => call === 0 ? { delayMs: 2_000, error: new LlmError("daily_quota", "PerDay quota spent") } : {},
  );
  const llm = pool(client, clock);
  const reply = await llm.run(request("late answer"), { estimatedTokens: 10 });
  assertEquals(reply.attempts, 2);
  assertEquals(client.times, [midnight - 1_000, midnight + 1_000], "retried at once: the quota has reset");
  assertEquals(llm.states, []);
});

Deno.test("the breaker opens after N consecutive failures, fails fast, half-opens after the cool-down and closes on success", async () => {
  using clock = new FakeClock(0);
  let failing = true;
  const client = new ScriptedClient(clock, () => ({ error: failing ? serverError() : undefined }));
  const llm = pool(client, clock, { maxAttempts: 1, breaker: { failureThreshold: 3, cooldownMs: 30_000 } });
  const call = () => llm.run(request("chunk"), { estimatedTokens: 10 });

  for (let i = 0; i < 3; i++) assertEquals((await assertRejects(call, LlmError)).kind, "server");
  assertEquals(llm.state.kind, "open");
  assertEquals(llm.state.until, 30_000);

  const fast = await assertRejects(call, LlmError);
  assertEquals(fast.kind, "server");
  assertStringIncludes(fast.message, "circuit open until 1970-01-01T00:00:30Z");
  assertEquals(client.calls.length, 3, "an open breaker sends nothing");

  await clock.advance(29_999);
  await assertRejects(call, LlmError);
  assertEquals(client.calls.length, 3);

  await clock.advance(1);
  assertEquals(llm.state.kind, "half_open");
  failing = false;
  const reply = await call();
  assertEquals(reply.attempts, 1);
  assertEquals(llm.state, { kind: "running" });
  assertEquals(llm.states.map((s) => s.state.kind), ["open", "half_open", "running"]);
});

Deno.test("half-open lets exactly one trial through, and a failed trial opens the breaker again", async () => {
  using clock = new FakeClock(0);
  const client = new ScriptedClient(clock, () => ({ delayMs: 1_000, error: serverError() }));
  const llm = pool(client, clock, { maxAttempts: 1, breaker: { failureThreshold: 2, cooldownMs: 10_000 } });
  const call = () => llm.run(request("chunk"), { estimatedTokens: 10 });

  const first = Promise.allSettled([call(), call()]);
  await clock.advance(1_000);
  await first;
  assertEquals(llm.state.kind, "open");

  await clock.advance(10_000);
  const trial = assertRejects(call, LlmError);
  const other = await assertRejects(call, LlmError);
  assertStringIncludes(other.message, "half-open");
  await clock.advance(1_000);
  assertEquals((await trial).kind, "server");
  assertEquals(client.calls.length, 3, "one trial only");
  assertEquals(llm.state.kind, "open");
  assertEquals(llm.state.until, 22_000);
});

Deno.test("errors that cannot succeed later are not retried and do not open the breaker", async () => {
  using clock = new FakeClock(0, { auto: true });
  const kinds: LlmErrorKind[] = [
    "bad_request",
    "auth",
    "not_configured",
    "blocked",
    "truncated",
    "empty",
    "malformed",
  ];
  const client = new ScriptedClient(
    clock,
    (call) => ({ error: new LlmError(kinds[call], `${kinds[call]} failure`) }),
  );
  const llm = pool(client, clock, { breaker: { failureThreshold: 2 } });
  for (const kind of kinds) {
    const error = await assertRejects(() => llm.run(request(kind), { estimatedTokens: 10 }), LlmError);
    assertEquals(error.kind, kind);
  }
  assertEquals(client.calls.length, kinds.length, "one call each");
  assertEquals(llm.state.kind, "running");
});

Deno.test("retryable errors back off exponentially with full jitter, capped, and give up after maxAttempts", async () => {
  using clock = new FakeClock(0, { auto: true });
  const client = new ScriptedClient(clock, () => ({ error: serverError() }));
  const llm = pool(client, clock, {
    maxAttempts: 5,
    baseBackoffMs: 1_000,
    maxBackoffMs: 3_000,
    random: () => 0.5,
    breaker: { failureThreshold: 100 },
  });
  const error = await assertRejects(() => llm.run(request("chunk"), { estimatedTokens: 10 }), LlmError);
  assertEquals(error.kind, "server");
  assertStringIncludes(error.message, "gave up after 5 attempts");
  const gaps = client.times.slice(1).map((t, i) => t - client.times[i]);
  assertEquals(gaps, [500, 1_000, 1_500, 1_500], "half of 1 s, 2 s, then the 3 s cap");

  using clock2 = new FakeClock(0, { auto: true });
  const spread = new ScriptedClient(clock2, (call) => ({ error: call === 0 ? serverError() : undefined }));
  const jittery = pool(spread, clock2, { baseBackoffMs: 1_000, random: () => 0.1 });
  await jittery.run(request("chunk"), { estimatedTokens: 10 });
  assertEquals(spread.times, [0, 100], "the jitter picks anywhere in [0, cap)");
});

Deno.test("runAll keeps input order whatever the completion order, and one failure does not sink the rest", async () => {
  using clock = new FakeClock(0, { auto: true });
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const client = new ScriptedClient(clock, (_call, req) => {
    const index = Number(req.prompt.split(" ")[1]);
    return {
      delayMs: 100 + Math.floor(random() * 5_000),
      error: index % 5 === 3 ? new LlmError("blocked", `chunk ${index} was blocked`) : undefined,
    };
  });
  const llm = pool(client, clock, { concurrency: 6 });
  const results = await llm.runAll(range(20), async (i) => {
    const reply = await llm.run(request(`chunk ${i}`), { estimatedTokens: 10 });
    return JSON.parse(reply.text).answer as string;
  });

  const sorted = [...client.finished].sort((a, b) => Number(a.split(" ")[1]) - Number(b.split(" ")[1]));
  assert(client.finished.join() !== sorted.join(), "calls really finished out of order");
  results.forEach((result, i) => {
    if (i % 5 === 3) {
      assertEquals(result.ok ? undefined : result.error.message, `chunk ${i} was blocked`);
    } else {
      assertEquals(result, { ok: true, value: `chunk ${i}` });
    }
  });
});

Deno.test("aborting the signal stops a call waiting for the budget, for a pause, or in flight", async () => {
  using clock = new FakeClock(0);
  const client = new ScriptedClient(clock, (call) => ({ delayMs: call === 1 ? 60_000 : 0 }));
  const llm = pool(client, clock, { rpm: 1 });

  await llm.run(request("first"), { estimatedTokens: 10 });
  const waiting = new AbortController();
  const queued = assertRejects(() => llm.run(request("queued", waiting.signal), { estimatedTokens: 10 }));
  await clock.advance(1_000);
  waiting.abort(new Error("cancelled while waiting"));
  assertEquals((await queued as Error).message, "cancelled while waiting");
  assertEquals(client.calls.length, 1, "it never went out");

  await clock.advance(60_000);
  const inFlight = new AbortController();
  const running = assertRejects(() => llm.run(request("slow", inFlight.signal), { estimatedTokens: 10 }));
  await clock.advance(1_000);
  assertEquals(llm.inFlight, 1);
  inFlight.abort(new Error("cancelled in flight"));
  assertEquals((await running as Error).message, "cancelled in flight");
  assertEquals(llm.inFlight, 0);
  assertEquals(clock.sleeping, 0, "nothing is left asleep");

  using quotaClock = new FakeClock(Date.parse("2026-07-01T12:00:00Z"));
  const spent = new ScriptedClient(quotaClock, () => ({ error: new LlmError("daily_quota", "PerDay") }));
  const paused = pool(spent, quotaClock);
  const cancel = new AbortController();
  const stuck = assertRejects(() => paused.run(request("paused", cancel.signal), { estimatedTokens: 10 }));
  await quotaClock.advance(3_600_000);
  assertEquals(paused.state.kind, "paused");
  cancel.abort(new Error("cancelled while paused"));
  assertEquals((await stuck as Error).message, "cancelled while paused");
  assertEquals(spent.calls.length, 1);
});
