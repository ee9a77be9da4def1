/**
 * Analysing an episode: its subtitles are cut into chunks, each chunk answered from the reply
 * cache or by the LLM pool (in parallel, in chunk order), every expression validated on its own,
 * duplicates removed, the best kept, scenes grouped, and everything stored with its provenance.
 * A chunk that fails does not fail the episode: the run is `partial` and says which and why.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import {
  type AnalysisEstimate,
  type AnalysisOptions,
  type AnalysisOptionsInput,
  analysisOptionsSchema,
  type AnalysisRun,
  type LlmExpression,
  llmReplySchema,
} from "../../shared/analysis.ts";
import type { Cue } from "../../shared/schemas.ts";
import { type Clock, pacificDayStart } from "../clock.ts";
import type { DB } from "../db/mod.ts";
import { EpisodeNotFoundError } from "../library/mod.ts";
import type { Logger } from "../log.ts";
import type { SettingsStore } from "../settings/mod.ts";
import { type Chunk, chunkCues, estimateTokens } from "./chunker.ts";
import { callCost, expectedOutputTokens } from "./cost.ts";
import { groupScenes } from "./groups.ts";
import { LlmError, type LlmReply, type LlmRequest } from "./llm.ts";
import { chunkPrompt, PROMPT_VERSION, systemPrompt } from "./prompt.ts";
import {
  cachedKeys,
  cacheKey,
  findCachedReply,
  type NewExpression,
  recordCall,
  saveRunExpressions,
  spentSince,
} from "./repository.ts";
import { sampleReply } from "./sample_seed.ts";
import { selectExpressions } from "./select.ts";
import { type DroppedExpression, validateExpression, type ValidExpression } from "./validate.ts";
import { normaliseText } from "./_normalise.ts";

/** What the analyzer needs from the LLM pool. */
export interface LlmRunner {
  run(request: LlmRequest, options: { estimatedTokens: number }): Promise<LlmReply & { attempts: number }>;
}

/** The run would cost more than the budget allows. */
export class BudgetExceededError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BudgetExceededError";
  }
}

/** The JSON Schema sent as the reply's `responseSchema`. */
export const REPLY_JSON_SCHEMA = z.toJSONSchema(llmReplySchema, { target: "openapi-3.0" }) as Record<
  string,
  unknown
>;

interface PlannedChunk {
  chunk: Chunk;
  system: string;
  prompt: string;
  key: string;
  promptTokens: number;
  /** The hand-written reply of a sample episode's chunk, if this is one. */
  sample?: string;
}

interface Plan {
  episodeId: number;
  show: string;
  cues: Cue[];
  chunks: PlannedChunk[];
}

/** Runs analyses and estimates them. */
export class Analyzer {
  get #promptVersion(): string {
    return this.deps.promptVersion ?? PROMPT_VERSION;
  }

  constructor(
    private readonly deps: {
      db: Kysely<DB>;
      llm: LlmRunner;
      settings: SettingsStore;
      clock: Clock;
      log: Logger;
      model: string;
      /** The prompt's version (default {@link PROMPT_VERSION}); part of the cache key. */
      promptVersion?: string;
      /** Whether an API key is configured: without one only cached replies can be used. */
      hasKey: boolean;
      /** The cues of an episode in a language (the library's loadCues). */
      cues: (episodeId: number, language: string) => Promise<Cue[]>;
      onChanged?: (change: { episodeIds: number[]; runId: number; count: number }) => void;
    },
  ) {}

  async #plan(episodeId: number, options: AnalysisOptions): Promise<Plan> {
    const episode = await this.deps.db.selectFrom("episodes").select([
      "id",
      "show",
      "path",
      "season",
      "episode",
    ])
      .where("id", "=", episodeId).executeTakeFirst();
    if (!episode) throw new EpisodeNotFoundError(episodeId);
    const cues = await this.deps.cues(episodeId, options.sourceLanguage);
    const system = systemPrompt(options);
    const sample = await sampleReply(episode);
    const chunks = await Promise.all(
      chunkCues(cues, options.chunking).map(async (chunk) => {
        const prompt = chunkPrompt(chunk, options, { name: episode.show });
        const key = await cacheKey({
          model: this.deps.model,
          promptVersion: this.#promptVersion,
          system,
          prompt,
          schema: REPLY_JSON_SCHEMA,
        });
        return {
          chunk,
          system,
          prompt,
          key,
          promptTokens: estimateTokens(system) + estimateTokens(prompt),
          sample: sample?.(chunk.cues[0].index, chunk.cues[chunk.cues.length - 1].index),
        };
      }),
    );
    return { episodeId, show: episode.show, cues, chunks };
  }

  /** What analysing these episodes would take: calls, tokens and cost, and whether it fits the budget. */
  async estimate(episodeIds: number[], input: AnalysisOptionsInput = {}): Promise<AnalysisEstimate> {
    const options = analysisOptionsSchema.parse(input);
    const plans = [];
    for (const episodeId of episodeIds) plans.push(await this.#plan(episodeId, options));
    return await this.#estimate(plans, options);
  }

  async #estimate(plans: Plan[], options: AnalysisOptions): Promise<AnalysisEstimate> {
    const prices = await this.deps.settings.get("analysis.prices");
    const outputPerCall = expectedOutputTokens(
      options.expressionsPerChunk.max,
      options.targetLanguages.length,
    );
    const episodes: AnalysisEstimate["episodes"] = [];
    for (const plan of plans) {
      const episodeId = plan.episodeId;
      const cached = await cachedKeys(this.deps.db, plan.chunks.map((c) => c.key));
      // sample chunks are answered from their hand-written reply: no call, no cost
      const uncached = plan.chunks.filter((c) => !cached.has(c.key) && c.sample === undefined);
      const promptTokens = uncached.reduce((n, c) => n + c.promptTokens, 0);
      const outputTokens = uncached.length * outputPerCall;
      episodes.push({
        episodeId,
        chunks: plan.chunks.length,
        calls: uncached.length,
        cachedChunks: plan.chunks.length - uncached.length,
        promptTokens,
        outputTokens,
        costUsd: callCost(prices, this.deps.model, { promptTokens, outputTokens }),
      });
    }
    const sum = (f: (e: (typeof episodes)[number]) => number) => episodes.reduce((n, e) => n + f(e), 0);
    const totals = {
      chunks: sum((e) => e.chunks),
      calls: sum((e) => e.calls),
      cachedChunks: sum((e) => e.cachedChunks),
      promptTokens: sum((e) => e.promptTokens),
      outputTokens: sum((e) => e.outputTokens),
      costUsd: Math.round(sum((e) => e.costUsd) * 1e6) / 1e6,
    };
    const dailyLimitUsd = await this.deps.settings.get("analysis.dailyBudgetUsd");
    const spentTodayUsd = await spentSince(this.deps.db, pacificDayStart(this.deps.clock.now()));
    const fits = spentTodayUsd + totals.costUsd <= dailyLimitUsd &&
      (options.maxCostUsd === undefined || totals.costUsd <= options.maxCostUsd);
    return { episodes, totals, model: this.deps.model, budget: { dailyLimitUsd, spentTodayUsd, fits } };
  }

  /**
   * Analyses one episode now. Refuses before any call when an uncached chunk needs a key that
   * is not configured, or when the estimate does not fit the budget.
   */
  async run(
    episodeId: number,
    input: AnalysisOptionsInput = {},
    hooks: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<AnalysisRun> {
    const started = this.deps.clock.now();
    const { db, log } = this.deps;
    const options = analysisOptionsSchema.parse(input);
    const plan = await this.#plan(episodeId, options);
    const estimate = await this.#estimate([plan], options);
    if (estimate.totals.calls > 0 && !this.deps.hasKey) {
      throw new LlmError(
        "not_configured",
        `GEMINI_API_KEY is not set and ${estimate.totals.calls} of ${estimate.totals.chunks} chunks of episode ${episodeId} have no cached reply: ` +
          "get a key at https://aistudio.google.com/apikey and put GEMINI_API_KEY=… in the environment or .env, then restart the daemon.",
      );
    }
    if (!estimate.budget.fits) {
      const { dailyLimitUsd, spentTodayUsd } = estimate.budget;
      throw new BudgetExceededError(
        `Analysing episode ${episodeId} would cost about $${estimate.totals.costUsd.toFixed(4)}` +
          (options.maxCostUsd !== undefined && estimate.totals.costUsd > options.maxCostUsd
            ? `, more than this run's limit of $${options.maxCostUsd}`
            : `, and $${spentTodayUsd.toFixed(4)} of today's $${dailyLimitUsd} budget is spent`) +
          ": raise analysis.dailyBudgetUsd in settings, or wait for the next Pacific day.",
      );
    }
    const { id: runId } = await db.insertInto("analysis_runs").values({
      episode_id: episodeId,
      options: JSON.stringify(options),
      model: this.deps.model,
      prompt_version: this.#promptVersion,
      status: "running",
      chunks: plan.chunks.length,
    }).returning("id").executeTakeFirstOrThrow();

    const prices = await this.deps.settings.get("analysis.prices");
    const generation = await this.deps.settings.get("analysis.generation");
    let done = 0;
    hooks.onProgress?.(0, plan.chunks.length);
    const usage = { calls: 0, cached: 0, promptTokens: 0, outputTokens: 0, costUsd: 0 };
    const replies = await Promise.all(plan.chunks.map(async (planned) => {
      try {
        return await this.#answer(planned, options, generation, prices, usage, hooks.signal);
      } finally {
        hooks.onProgress?.(++done, plan.chunks.length);
      }
    }));

    // In chunk order, whatever order the answers came in.
    const byNumber = new Map(plan.cues.map((c, i) => [c.index, i]));
    const failedChunks: AnalysisRun["failedChunks"] = [];
    const valid: { value: ValidExpression; callId: number | null; sample: boolean }[] = [];
    const dropped: { value: DroppedExpression; callId: number | null; sample: boolean }[] = [];
    for (const [i, reply] of replies.entries()) {
      const planned = plan.chunks[i];
      if (!reply.ok) {
        failedChunks.push({
          chunk: planned.chunk.index,
          kind: reply.error.kind,
          message: reply.error.message,
        });
        continue;
      }
      const items = parseReply(reply.text);
      if (!items.ok) {
        failedChunks.push({ chunk: planned.chunk.index, kind: "malformed", message: items.message });
        continue;
      }
      for (const raw of items.expressions) {
        const result = validateExpression(raw, planned.chunk, plan.cues, byNumber, options);
        if (result.ok) valid.push({ value: result.value, callId: reply.callId, sample: reply.sample });
        else dropped.push({ value: result.value, callId: reply.callId, sample: reply.sample });
      }
    }

    const selection = selectExpressions(
      valid.map((v) => v.value),
      options.level,
      options.expressionsPerEpisode,
    );
    const kept = selection.filter((s) => s.kept);
    const groups = groupScenes(kept.map((s) => s.expression));
    const groupOf = new Map<ValidExpression, number>();
    groups.forEach((g, gi) => g.members.forEach((m) => groupOf.set(kept[m].expression, gi)));
    const provenance = new Map([...valid, ...dropped].map((v) => [v.value, v]));
    const rows: NewExpression[] = [
      ...selection.map((s) =>
        toRow(s.expression, plan.cues, {
          status: s.kept ? "pending" : "dropped",
          dropReason: s.kept ? null : `${s.reason}: ${s.detail}`,
          groupIndex: s.kept ? groupOf.get(s.expression) ?? null : null,
          score: s.score,
          callId: provenance.get(s.expression)?.callId ?? null,
          sample: provenance.get(s.expression)?.sample ?? false,
        })
      ),
      ...dropped.map((d) => droppedRow(d.value, plan.cues, byNumber, d.callId, d.sample)),
    ];
    const status: AnalysisRun["status"] = failedChunks.length === plan.chunks.length && plan.chunks.length > 0
      ? "failed"
      : failedChunks.length
      ? "partial"
      : "completed";
    const error = status === "failed" ? failedChunks[0].message : null;
    const result: AnalysisRun = {
      id: runId,
      episodeId,
      status,
      chunks: plan.chunks.length,
      failedChunks,
      calls: usage.calls,
      cachedChunks: usage.cached,
      promptTokens: usage.promptTokens,
      outputTokens: usage.outputTokens,
      costUsd: Math.round(usage.costUsd * 1e6) / 1e6,
      kept: kept.length,
      dropped: rows.length - kept.length,
      groups: groups.length,
      durationMs: this.deps.clock.now() - started,
      error,
    };
    await db.transaction().execute(async (trx) => {
      await saveRunExpressions(
        trx,
        {
          id: runId,
          episodeId,
          model: this.deps.model,
          promptVersion: this.#promptVersion,
          renderMode: options.renderMode,
        },
        groups.map((g) => ({ contextStartMs: g.contextStartMs, contextEndMs: g.contextEndMs })),
        rows,
        normaliseText,
      );
      await trx.updateTable("analysis_runs").set({
        status,
        failed_chunks: JSON.stringify(failedChunks),
        calls: result.calls,
        cached_chunks: result.cachedChunks,
        prompt_tokens: result.promptTokens,
        output_tokens: result.outputTokens,
        cost_usd: result.costUsd,
        kept: result.kept,
        dropped: result.dropped,
        groups: result.groups,
        error,
        finished_at: new Date(this.deps.clock.now()),
      }).where("id", "=", runId).execute();
    });
    log.info("analysis finished", {
      episodeId,
      runId,
      status,
      kept: result.kept,
      failed: failedChunks.length,
    });
    this.deps.onChanged?.({ episodeIds: [episodeId], runId, count: rows.length });
    return result;
  }

  /** One chunk's reply: from the cache, else from the LLM (recorded either way). */
  async #answer(
    planned: PlannedChunk,
    options: AnalysisOptions,
    generation: { temperature: number; maxOutputTokens: number },
    prices: Parameters<typeof callCost>[0],
    usage: { calls: number; cached: number; promptTokens: number; outputTokens: number; costUsd: number },
    signal?: AbortSignal,
  ): Promise<{ ok: true; text: string; callId: number; sample: boolean } | { ok: false; error: LlmError }> {
    const cached = await findCachedReply(this.deps.db, planned.key);
    if (cached) {
      usage.cached++;
      return { ok: true, text: cached.text, callId: cached.id, sample: cached.sample };
    }
    const started = this.deps.clock.now();
    const common = { key: planned.key, model: this.deps.model, promptVersion: this.#promptVersion };
    if (planned.sample !== undefined) {
      usage.cached++;
      const callId = await recordCall(this.deps.db, {
        ...common,
        status: "ok",
        text: planned.sample,
        finishReason: "STOP",
        promptTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        latencyMs: 0,
        attempts: 0,
        sample: true,
      });
      return { ok: true, text: planned.sample, callId, sample: true };
    }
    const outputEstimate = expectedOutputTokens(
      options.expressionsPerChunk.max,
      options.targetLanguages.length,
    );
    try {
      const reply = await this.deps.llm.run({
        model: this.deps.model,
        system: planned.system,
        prompt: planned.prompt,
        responseSchema: REPLY_JSON_SCHEMA,
        temperature: generation.temperature,
        maxOutputTokens: generation.maxOutputTokens,
        signal,
      }, { estimatedTokens: planned.promptTokens + outputEstimate });
      const costUsd = callCost(prices, this.deps.model, reply.usage);
      usage.calls++;
      usage.promptTokens += reply.usage.promptTokens;
      usage.outputTokens += reply.usage.outputTokens;
      usage.costUsd += costUsd;
      const callId = await recordCall(this.deps.db, {
        ...common,
        status: "ok",
        text: reply.text,
        finishReason: reply.finishReason,
        promptTokens: reply.usage.promptTokens,
        outputTokens: reply.usage.outputTokens,
        costUsd,
        latencyMs: this.deps.clock.now() - started,
        attempts: reply.attempts,
      });
      return { ok: true, text: reply.text, callId, sample: false };
    } catch (caught) {
      if (signal?.aborted) throw caught;
      const error = caught instanceof LlmError
        ? caught
        : new LlmError("network", (caught as Error).message ?? String(caught), {}, { cause: caught });
      const spent = error.details.usage ?? { promptTokens: 0, outputTokens: 0 };
      const costUsd = callCost(prices, this.deps.model, spent);
      usage.calls++;
      usage.promptTokens += spent.promptTokens;
      usage.outputTokens += spent.outputTokens;
      usage.costUsd += costUsd;
      await recordCall(this.deps.db, {
        ...common,
        status: "error",
        errorKind: error.kind,
        errorMessage: error.message,
        promptTokens: spent.promptTokens,
        outputTokens: spent.outputTokens,
        costUsd,
        latencyMs: this.deps.clock.now() - started,
        attempts: 1,
      });
      this.deps.log.warn(`chunk ${planned.chunk.index} failed: ${error.message}`, { kind: error.kind });
      return { ok: false, error };
    }
  }
}

/** The reply's expressions as raw items (each validated on its own), or why it is unusable. */
export function parseReply(
  text: string,
): { ok: true; expressions: unknown[] } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      message: `the reply is not JSON (${(error as Error).message}): "${text.slice(0, 80)}"`,
    };
  }
  const list = (json as { expressions?: unknown })?.expressions;
  if (!Array.isArray(list)) return { ok: false, message: "the reply has no expressions list" };
  return { ok: true, expressions: list };
}

function contextLines(cues: readonly Cue[], from: number, to: number) {
  return cues.slice(from, to + 1).map((c) => ({ index: c.index, startMs: c.startMs, text: c.text }));
}

function details(e: LlmExpression): NewExpression["details"] {
  return {
    translations: e.translations,
    meaning: e.meaning,
    similar: e.similar,
    example: e.example,
    keywords: e.keywords,
    sceneType: e.sceneType,
  };
}

function toRow(
  v: ValidExpression,
  cues: readonly Cue[],
  extra: {
    status: "pending" | "dropped";
    dropReason: string | null;
    groupIndex: number | null;
    score: number;
    callId: number | null;
    sample: boolean;
  },
): NewExpression {
  return {
    status: extra.status,
    dropReason: extra.dropReason,
    groupIndex: extra.groupIndex,
    text: v.reply.expression,
    line: v.cue.text,
    cueIndex: v.cue.index,
    startMs: v.cue.startMs,
    endMs: v.cue.endMs,
    contextStartMs: v.contextStartMs,
    contextEndMs: v.contextEndMs,
    contextLines: contextLines(cues, v.contextStart, v.contextEnd),
    details: details(v.reply),
    difficulty: v.reply.difficulty,
    usefulness: v.reply.usefulness,
    score: extra.score,
    chunkIndex: v.chunkIndex,
    llmCallId: extra.callId,
    sample: extra.sample,
  };
}

/** A row for an expression that failed validation: as much of it as could be read. */
function droppedRow(
  d: DroppedExpression,
  cues: readonly Cue[],
  byNumber: ReadonlyMap<number, number>,
  callId: number | null,
  sample: boolean,
): NewExpression {
  const raw = (d.reply ?? {}) as Partial<LlmExpression>;
  const at = byNumber.get(Number(raw.expressionCue)) ?? 0;
  const cue = cues[at] ?? { index: 0, startMs: 0, endMs: 0, text: "" };
  return {
    status: "dropped",
    dropReason: `${d.reason}: ${d.detail}`,
    groupIndex: null,
    text: typeof raw.expression === "string" ? raw.expression : "(unreadable)",
    line: cue.text,
    cueIndex: cue.index,
    startMs: cue.startMs,
    endMs: cue.endMs,
    contextStartMs: cue.startMs,
    contextEndMs: cue.endMs,
    contextLines: contextLines(cues, at, at),
    details: {
      translations: Array.isArray(raw.translations) ? raw.translations : [],
      meaning: typeof raw.meaning === "string" ? raw.meaning : "",
      similar: Array.isArray(raw.similar) ? raw.similar : [],
      example: typeof raw.example === "string" ? raw.example : "",
      keywords: Array.isArray(raw.keywords) ? raw.keywords : [],
      sceneType: typeof raw.sceneType === "string" ? raw.sceneType : "",
    },
    difficulty: Number.isInteger(raw.difficulty) ? raw.difficulty! : 0,
    usefulness: Number.isInteger(raw.usefulness) ? raw.usefulness! : 0,
    score: 0,
    chunkIndex: d.chunkIndex,
    llmCallId: callId,
    sample,
  };
}
