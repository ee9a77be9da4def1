/**
 * LLM pool figures against the local Gemini fake (tests/fakes/gemini_server.ts) answering every
 * request in 800 ms, through the real GeminiClient (SDK, HTTP, JSON):
 *
 *   deno run -A scripts/bench/analysis_pool.ts           # table
 *   deno run -A scripts/bench/analysis_pool.ts --json    # JSON
 *
 * 20 requests at concurrency 5 and at concurrency 1. The ideal wall time is
 * ceil(20 / concurrency) × 800 ms; "overhead" is wall − ideal (everything that is not the
 * server's 800 ms: SDK, HTTP, the pool's queueing). Targets: concurrency 5 within 1.15 × 4 ×
 * 800 ms = 3,680 ms, and at least 4.3× faster than concurrency 1. A last line times the pool
 * alone on 10,000 calls to an in-memory client that answers at once. Exits 1 if a target is missed.
 */
// deno-lint-ignore-file no-console -- a command-line entry point
import { GeminiClient } from "../../daemon/analysis/gemini_client.ts";
import type { LlmClient, LlmRequest } from "../../daemon/analysis/llm.ts";
import { LlmPool } from "../../daemon/analysis/llm_pool.ts";
import { createLogger } from "../../daemon/log.ts";
import { startGeminiServer } from "../../tests/fakes/gemini_server.ts";

const json = Deno.args.includes("--json");
const REQUESTS = 20;
const LATENCY_MS = 800;
const KEY = "bench-key-not-a-secret";
const log = createLogger({ level: "warn" });

function request(i: number): LlmRequest {
  return {
    model: "gemini-2.5-flash",
    system: "Find useful expressions in these subtitles.",
    prompt: `[${i}] Break a leg tonight!`,
    responseSchema: { type: "object", properties: { expressions: { type: "array" } } },
    temperature: 0.3,
    maxOutputTokens: 1024,
  };
}

interface Run {
  concurrency: number;
  requests: number;
  wallMs: number;
  idealMs: number;
  overheadMs: number;
  overheadPerRequestMs: number;
  maxInFlight: number;
}

const round = (n: number) => Math.round(n * 10) / 10;

await using gemini = await startGeminiServer({ apiKey: KEY, delayMs: LATENCY_MS });
const client = new GeminiClient({ apiKey: KEY, baseUrl: gemini.url });

async function measure(concurrency: number): Promise<Run> {
  const pool = new LlmPool({ client, concurrency, log });
  gemini.reset();
  const started = performance.now();
  const results = await pool.runAll(
    Array.from({ length: REQUESTS }, (_, i) => i),
    (i) => pool.run(request(i), { estimatedTokens: 100 }),
  );
  const wallMs = performance.now() - started;
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(`${failed.length} requests failed`);
  const idealMs = Math.ceil(REQUESTS / concurrency) * LATENCY_MS;
  return {
    concurrency,
    requests: REQUESTS,
    wallMs: round(wallMs),
    idealMs,
    overheadMs: round(wallMs - idealMs),
    overheadPerRequestMs: round((wallMs - idealMs) / REQUESTS),
    maxInFlight: gemini.maxInFlight,
  };
}

/** The pool alone: µs per call through slots, gate and windows to a client that answers at once. */
async function poolOnly(calls: number): Promise<number> {
  const instant: LlmClient = {
    generate: () =>
      Promise.resolve({
        text: "{}",
        finishReason: "STOP",
        usage: { promptTokens: 1, outputTokens: 1, totalTokens: 2 },
      }),
  };
  const pool = new LlmPool({ client: instant, concurrency: 5, rpm: 1e9, tpm: 1e12, log });
  const started = performance.now();
  await pool.runAll(
    Array.from({ length: calls }, (_, i) => i),
    (i) => pool.run(request(i), { estimatedTokens: 100 }),
  );
  return round(((performance.now() - started) * 1000) / calls);
}

await client.generate({ ...request(-1) }); // warm-up: SDK, connection
gemini.reset();
const five = await measure(5);
const one = await measure(1);
const poolOnlyUs = await poolOnly(10_000);

const speedup = Math.round((one.wallMs / five.wallMs) * 100) / 100;
const budgetMs = Math.round(1.15 * 4 * LATENCY_MS);
const checks = {
  concurrency5WithinBudget: five.wallMs <= budgetMs,
  speedupAtLeast4_3: speedup >= 4.3,
};
const ok = Object.values(checks).every(Boolean);

if (json) {
  console.log(
    JSON.stringify({ latencyMs: LATENCY_MS, runs: [five, one], speedup, budgetMs, poolOnlyUs, checks, ok }),
  );
} else {
  const header = [
    "concurrency",
    "requests",
    "wall ms",
    "ideal ms",
    "overhead ms",
    "overhead/req ms",
    "max in flight",
  ];
  const rows = [five, one].map((r) =>
    [
      r.concurrency,
      r.requests,
      r.wallMs,
      r.idealMs,
      r.overheadMs,
      r.overheadPerRequestMs,
      r.maxInFlight,
    ].map(String)
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join("  ");
  console.log(`LLM pool against the Gemini fake answering in ${LATENCY_MS} ms`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log(
    `concurrency 5: ${five.wallMs} ms (budget ${budgetMs} ms) ${
      checks.concurrency5WithinBudget ? "ok" : "MISSED"
    }`,
  );
  console.log(`speedup 5 vs 1: ${speedup}× (target ≥ 4.3×) ${checks.speedupAtLeast4_3 ? "ok" : "MISSED"}`);
  console.log(`pool alone: ${poolOnlyUs} µs per call (10,000 calls, in-memory client)`);
}
if (!ok) Deno.exit(1);
