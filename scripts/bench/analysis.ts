/**
 * Analysis figures against the local fake Gemini server (tests/fakes) answering in 800 ms:
 * wall time of a 20-chunk episode at concurrency 5 and at 1, and our own overhead per chunk
 * (prompting, parsing, validating, persisting; measured with a server that answers at once).
 *
 *   deno run -A scripts/bench/analysis.ts [--json]
 */
// deno-lint-ignore-file no-console -- a command-line entry point
import { Analyzer } from "../../daemon/analysis/mod.ts";
import { GeminiClient } from "../../daemon/analysis/gemini_client.ts";
import { LlmPool } from "../../daemon/analysis/llm_pool.ts";
import { systemClock } from "../../daemon/clock.ts";
import { migrateToLatest, openDatabase } from "../../daemon/db/mod.ts";
import { createLogger } from "../../daemon/log.ts";
import { SettingsStore } from "../../daemon/settings/mod.ts";
import type { Cue } from "../../shared/schemas.ts";
import { startGeminiServer } from "../../tests/fakes/gemini_server.ts";

const json = Deno.args.includes("--json");
const CHUNKS = 20;
const PER_CHUNK = 12;
const cues: Cue[] = Array.from({ length: CHUNKS * PER_CHUNK }, (_, i) => ({
  index: i + 1,
  startMs: i * 3_000,
  endMs: i * 3_000 + 2_500,
  text: i % PER_CHUNK === 5 ? `Let's break the ice number ${i + 1}.` : `Plain line ${i + 1} of the bench.`,
}));

/** Three valid expressions for every chunk the server is asked about. */
function answer(body: string): string {
  const numbers = [...body.matchAll(/\[(\d+)\] /g)].map((m) => Number(m[1]));
  const at = numbers.find((n) => (n - 1) % PER_CHUNK === 5) ?? numbers[5];
  const make = (cue: number, text: string) => ({
    expression: text,
    expressionCue: cue,
    contextStartCue: cue - 1,
    contextEndCue: cue + 1,
    translations: [{ language: "es", expression: "x", line: "x", title: "x" }],
    meaning: "m",
    similar: [],
    example: "e",
    difficulty: 5,
    usefulness: 7,
    keywords: [text],
    sceneType: "bench",
  });
  return JSON.stringify({
    expressions: [make(at, "break the ice"), make(at + 2, "Plain line"), make(at + 4, "of the bench")],
  });
}

const log = createLogger({ level: "error" });
const dir = await Deno.makeTempDir({ prefix: "lingoreel-bench-analysis-" });
try {
  await using database = await openDatabase({ dataDir: dir, log });
  await migrateToLatest(database.db, log);
  const { id: episodeId } = await database.db.insertInto("episodes").values({
    root: dir,
    path: `${dir}/Bench.S01E01.mkv`,
    rel_path: "Bench.S01E01.mkv",
    kind: "episode",
    show: "Bench",
    season: 1,
    episode: 1,
    sort_key: "bench",
    size: 1,
    mtime_ms: 1,
  }).returning("id").executeTakeFirstOrThrow();

  const measure = async (delayMs: number, concurrency: number, version: string) => {
    await using gemini = await startGeminiServer({
      apiKey: "bench",
      delayMs,
      handle: (request) => ({ kind: "ok", text: answer(JSON.stringify(request.body)) }),
    });
    const analyzer = new Analyzer({
      db: database.db,
      llm: new LlmPool({
        client: new GeminiClient({ apiKey: "bench", baseUrl: gemini.url }),
        log,
        concurrency,
      }),
      settings: new SettingsStore(database.db),
      clock: systemClock,
      log,
      model: "gemini-2.5-flash",
      promptVersion: version,
      hasKey: true,
      cues: () => Promise.resolve(cues),
    });
    const started = performance.now();
    const run = await analyzer.run(episodeId, {
      chunking: { maxCues: PER_CHUNK, maxTokens: 10_000, overlapCues: 0 },
      expressionsPerEpisode: 100,
    });
    const wallMs = performance.now() - started;
    if (run.chunks !== CHUNKS || run.status !== "completed") {
      throw new Error(`unexpected run ${JSON.stringify(run)}`);
    }
    return { wallMs: Math.round(wallMs), maxInFlight: gemini.maxInFlight, kept: run.kept };
  };

  await measure(0, 5, "warm-up");
  const c5 = await measure(800, 5, "c5");
  const c1 = await measure(800, 1, "c1");
  const instant = await measure(0, 5, "instant");
  const limit = Math.round(1.15 * 4 * 800);
  const result = {
    chunks: CHUNKS,
    replyDelayMs: 800,
    concurrency5: { wallMs: c5.wallMs, maxInFlight: c5.maxInFlight, limitMs: limit, ok: c5.wallMs <= limit },
    concurrency1: { wallMs: c1.wallMs },
    speedup: Math.round((c1.wallMs / c5.wallMs) * 100) / 100,
    overheadPerChunkMs: Math.round((instant.wallMs / CHUNKS) * 10) / 10,
    expressionsKept: c5.kept,
  };
  if (json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(
      `analysis of a ${CHUNKS}-chunk episode, fake Gemini answering in 800 ms (${navigator.hardwareConcurrency} cores)`,
    );
    console.log(
      `  concurrency 5   ${c5.wallMs} ms (limit ${limit} ms: ${
        result.concurrency5.ok ? "ok" : "OVER"
      }; at most ${c5.maxInFlight} in flight)`,
    );
    console.log(`  concurrency 1   ${c1.wallMs} ms`);
    console.log(`  speed-up        ${result.speedup}x   (target ≥ 4.3x)`);
    console.log(
      `  our overhead    ${result.overheadPerChunkMs} ms per chunk (prompt, HTTP to a local server, parse, validate, persist; target < 20 ms)`,
    );
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
