import { assertEquals, assertGreater, assertRejects, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import { TRPCError } from "@trpc/server";
import type { LlmExpression } from "../shared/analysis.ts";
import { Analyzer } from "../daemon/analysis/mod.ts";
import { GeminiClient } from "../daemon/analysis/gemini_client.ts";
import { LlmPool } from "../daemon/analysis/llm_pool.ts";
import { SAMPLE_FILE } from "../daemon/analysis/sample_seed.ts";
import { systemClock } from "../daemon/clock.ts";
import { loadCues } from "../daemon/library/mod.ts";
import { SettingsStore } from "../daemon/settings/mod.ts";
import { type GeminiBehaviour, type RecordedRequest, startGeminiServer } from "./fakes/gemini_server.ts";
import { memoryLogger } from "./helpers/services.ts";
import { writeText, writeVideo } from "./helpers/media.ts";
import { startTestDaemon } from "./helpers/test_daemon.ts";

/** Thirty lines, 3 s apart; four hold expressions the fake model "finds". */
const LINES = Array.from({ length: 30 }, (_, i) => `Line number ${i + 1}, nothing special.`);
LINES[4] = "Sorry, I'm running late again.";
LINES[9] = "Let's break the ice with some coffee.";
LINES[10] = "Honestly, it was a piece of cake.";
LINES[19] = "I'm tired, let's call it a day.";
const FOUND = ["running late", "break the ice", "a piece of cake", "call it a day"];

function srt(lines: string[]): string {
  const t = (ms: number) => new Date(ms).toISOString().slice(11, 23).replace(".", ",");
  return lines.map((text, i) => `${i + 1}\n${t(i * 3_000)} --> ${t(i * 3_000 + 2_500)}\n${text}\n`).join(
    "\n",
  );
}

function expression(text: string, cue: number, over: Partial<LlmExpression> = {}): LlmExpression {
  return {
    expression: text,
    expressionCue: cue,
    contextStartCue: cue - 1,
    contextEndCue: cue + 1,
    translations: [{ language: "es", expression: `«${text}»`, line: "…", title: `Aprende «${text}»` }],
    meaning: `what "${text}" means`,
    similar: [],
    example: `An example with ${text}.`,
    difficulty: 5,
    usefulness: 7,
    keywords: [text.split(" ")[0]],
    sceneType: "chat",
    ...over,
  };
}

/** Answers like a model: an expression for every known phrase in the chunk, plus one invented. */
function modelAnswer(request: RecordedRequest): GeminiBehaviour {
  const text = JSON.stringify(request.body);
  const lines = [...text.matchAll(/\[(\d+)\] ([^\\\[]*)/g)].map((m) => ({ n: Number(m[1]), text: m[2] }));
  const expressions = [];
  for (const line of lines) {
    const phrase = FOUND.find((p) => line.text.toLowerCase().includes(p));
    if (phrase) expressions.push(expression(phrase, line.n));
  }
  // a hallucinated one: its text is not in the line it names
  if (lines.length > 2) expressions.push(expression("spill the beans", lines[1].n));
  return {
    kind: "ok",
    text: JSON.stringify({ expressions }),
    usage: { promptTokenCount: 900, candidatesTokenCount: 400 },
  };
}

async function library(root: string, show = "Talk Show") {
  await writeVideo(join(root, `${show}/Season 1/${show}.S01E01.mkv`));
  await writeText(join(root, `${show}/Season 1/${show}.S01E01.en.srt`), srt(LINES));
}

const SMALL_CHUNKS = { chunking: { maxCues: 12, maxTokens: 4_000, overlapCues: 3 } };

Deno.test("analysis through the router: estimate, parallel chunks, per-expression drops, cache, review, partial failure", async () => {
  const root = await Deno.makeTempDir({ prefix: "lingoreel-analysis-" });
  try {
    await library(root);
    await using gemini = await startGeminiServer({ apiKey: "test-key", handle: modelAnswer });
    await using t = await startTestDaemon({
      LINGOREEL_MEDIA_ROOTS: root,
      GEMINI_API_KEY: "test-key",
      GEMINI_BASE_URL: gemini.url,
    });
    const api = t.caller();
    await api.library.scan();
    const [episode] = (await api.library.list({})).items;

    const estimate = await api.analysis.estimate({ episodeIds: [episode.id], options: SMALL_CHUNKS });
    assertEquals(estimate.totals.chunks, 3);
    assertEquals(estimate.totals.calls, 3);
    assertGreater(estimate.totals.costUsd, 0);
    assertEquals(estimate.budget.fits, true);

    const run = await api.analysis.run({ episodeId: episode.id, options: SMALL_CHUNKS });
    assertEquals([run.status, run.chunks, run.calls, run.cachedChunks], ["completed", 3, 3, 0]);
    assertEquals(gemini.requests.length, 3);
    assertEquals(run.promptTokens, 2_700);
    assertGreater(run.costUsd, 0);
    const sent = gemini.requests[0].body as { generationConfig?: { responseMimeType?: string } };
    assertEquals(sent.generationConfig?.responseMimeType, "application/json");

    const kept = await api.expressions.list({ episodeId: episode.id });
    assertEquals(kept.map((e) => e.text), FOUND, "in time order, one of each despite the overlaps");
    assertEquals(kept.every((e) => e.status === "pending" && e.translations[0].language === "es"), true);
    assertEquals(kept[1].contextLines.map((l) => l.index), [9, 10, 11]);
    assertEquals(kept[1].groupId, kept[2].groupId, "overlapping scenes share a group");
    const all = await api.expressions.list({ episodeId: episode.id, includeDropped: true });
    const reasons = all.filter((e) => e.status === "dropped").map((e) => e.dropReason!.split(":")[0]).sort();
    assertEquals(reasons.includes("text_not_in_line"), true, reasons.join(" "));
    assertEquals(reasons.includes("duplicate"), true, "the overlap repeats an expression");

    // unchanged episode and options: zero calls
    const again = await api.analysis.run({ episodeId: episode.id, options: SMALL_CHUNKS });
    assertEquals([again.calls, again.cachedChunks, gemini.requests.length], [0, 3, 3]);
    assertEquals(
      (await api.analysis.estimate({ episodeIds: [episode.id], options: SMALL_CHUNKS })).totals.calls,
      0,
    );

    // review: approve, reject, edit; a re-run keeps what was reviewed
    const [a, b, c] = await api.expressions.list({ episodeId: episode.id });
    await api.expressions.review({ ids: [a.id], decision: "approve" });
    await api.expressions.review({ ids: [b.id], decision: "reject" });
    const [edited] = await api.expressions.review({ ids: [c.id], edits: { meaning: "very easy" } });
    assertEquals(edited.meaning, "very easy");
    const badEdit = await assertRejects(
      () => api.expressions.review({ ids: [a.id, b.id], edits: { meaning: "x" } }),
      TRPCError,
    );
    assertEquals(badEdit.code, "BAD_REQUEST");
    await api.analysis.run({ episodeId: episode.id, options: SMALL_CHUNKS });
    const after = await api.expressions.list({ episodeId: episode.id });
    assertEquals(after.find((e) => e.id === a.id)?.status, "approved");
    assertEquals(
      (await api.expressions.list({ episodeId: episode.id, status: "rejected" })).map((e) => e.id),
      [b.id],
    );
    assertEquals(
      after.filter((e) => e.text === a.text).length,
      1,
      "a reviewed expression is not added again",
    );
    const [summary] = await api.expressions.summary({ episodeIds: [episode.id] });
    assertEquals([summary.approved, summary.rejected, summary.sample], [1, 1, false]);
    assertEquals(summary.pending + summary.approved + summary.rejected, after.length);
    assertEquals(summary.dropped > 0, true);
    const missing = await assertRejects(
      () => api.expressions.review({ ids: [999_999], decision: "approve" }),
      TRPCError,
    );
    assertEquals(missing.code, "NOT_FOUND");

    // new options (another level) → new calls; one chunk fails: the episode completes partially
    gemini.script({ kind: "invalid_argument", message: "Request contains an invalid argument." });
    const partial = await api.analysis.run({
      episodeId: episode.id,
      options: { ...SMALL_CHUNKS, level: "advanced" },
    });
    assertEquals(partial.status, "partial");
    assertEquals(partial.failedChunks.length, 1);
    assertEquals(partial.failedChunks[0].kind, "bad_request");
    assertGreater(partial.kept, 0);

    // truncated, blocked and malformed replies become recorded failures of their chunks
    gemini.script({ kind: "max_tokens", text: '{"expressions": [' }, { kind: "blocked" }, {
      kind: "malformed",
    });
    const broken = await api.analysis.run({
      episodeId: episode.id,
      options: { ...SMALL_CHUNKS, level: "beginner" },
    });
    assertEquals(broken.status, "failed");
    assertEquals(broken.failedChunks.map((f) => f.kind).sort(), ["blocked", "malformed", "truncated"]);

    // the daily budget refuses work before any call
    await api.settings.update({ "analysis.dailyBudgetUsd": 0 });
    const count = gemini.requests.length;
    const refused = await assertRejects(
      () =>
        api.analysis.run({
          episodeId: episode.id,
          options: { ...SMALL_CHUNKS, level: "upper_intermediate" },
        }),
      TRPCError,
    );
    assertEquals(refused.code, "CONFLICT");
    assertStringIncludes(refused.message, "analysis.dailyBudgetUsd");
    assertEquals(gemini.requests.length, count);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a prompt-version bump makes new calls; the same version reuses the cache", async () => {
  const root = await Deno.makeTempDir({ prefix: "lingoreel-analysis-" });
  try {
    await library(root);
    await using gemini = await startGeminiServer({ apiKey: "test-key", handle: modelAnswer });
    await using t = await startTestDaemon({ LINGOREEL_MEDIA_ROOTS: root });
    await t.caller().library.scan();
    const [episode] = (await t.caller().library.list({})).items;
    const db = t.daemon.services.database.db;
    const analyzer = (promptVersion: string) =>
      new Analyzer({
        db,
        llm: new LlmPool({
          client: new GeminiClient({ apiKey: "test-key", baseUrl: gemini.url }),
          log: memoryLogger(),
        }),
        settings: new SettingsStore(db),
        clock: systemClock,
        log: memoryLogger(),
        model: "gemini-2.5-flash",
        promptVersion,
        hasKey: true,
        cues: (episodeId, language) =>
          loadCues(db, { episodeId, language, ffmpeg: () => Promise.resolve("ffmpeg"), cacheDir: t.dataDir }),
      });
    await analyzer("v1").run(episode.id);
    assertEquals(gemini.requests.length, 1);
    await analyzer("v1").run(episode.id);
    assertEquals(gemini.requests.length, 1);
    await analyzer("v2").run(episode.id);
    assertEquals(gemini.requests.length, 2);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("without a key, analysis says GEMINI_API_KEY is not set, unless the episode is sample data", async () => {
  const root = await Deno.makeTempDir({ prefix: "lingoreel-analysis-" });
  try {
    await library(root);
    await library(root, "Sample Show");
    await Deno.writeTextFile(
      join(root, "Sample Show", SAMPLE_FILE),
      JSON.stringify({
        format: "lingoreel-sample-analyses",
        show: "Sample Show",
        episodes: {
          S01E01: { expressions: [expression("break the ice", 10), expression("call it a day", 20)] },
        },
      }),
    );
    await using t = await startTestDaemon({ LINGOREEL_MEDIA_ROOTS: root });
    const api = t.caller();
    await api.library.scan();
    const episodes = (await api.library.list({})).items;
    const talk = episodes.find((e) => e.show === "Talk Show")!;
    const sample = episodes.find((e) => e.show === "Sample Show")!;

    const error = await assertRejects(() => api.analysis.run({ episodeId: talk.id }), TRPCError);
    assertEquals(error.code, "PRECONDITION_FAILED");
    assertStringIncludes(error.message, "GEMINI_API_KEY is not set");
    assertStringIncludes(error.message, ".env");

    assertEquals((await api.analysis.estimate({ episodeIds: [sample.id] })).totals.calls, 0);
    const run = await api.analysis.run({ episodeId: sample.id });
    assertEquals([run.status, run.calls, run.kept, run.costUsd], ["completed", 0, 2, 0]);
    const found = await api.expressions.list({ episodeId: sample.id });
    assertEquals(found.map((e) => [e.text, e.sample]), [["break the ice", true], ["call it a day", true]]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
