/**
 * The batch pipeline: each episode's job goes analyse → review (when the batch waits for it) →
 * render, one BullMQ job per stage on the `analyze` and `render` queues. PostgreSQL holds the
 * job's state and history; BullMQ carries `{ jobId, generation }` and gives FIFO-with-priority
 * order, retries with backoff, stalled-job recovery and scale-out across daemons.
 *
 * A stage is chained by the one before it (the render fan-out is known only after analysis, and
 * review may hold an episode for days), so there is no parent job to keep alive meanwhile.
 */
import { DelayedError, type Job as BullJob, UnrecoverableError, WaitingError } from "bullmq";
import type { Kysely } from "kysely";
import {
  type BatchOptions,
  type BatchOptionsInput,
  batchOptionsSchema,
  FINISHED_JOB_STATES,
  type Job,
  type JobState,
  QUEUE_NAMES,
  type QueueStats,
  type Stage,
  STAGE_WEIGHTS,
} from "../../shared/jobs.ts";
import { type AnalysisOptionsInput, analysisOptionsSchema, type AnalysisRun } from "../../shared/analysis.ts";
import { type Render, type RenderOptionsInput, renderOptionsSchema } from "../../shared/render.ts";
import type { DB } from "../db/schema.ts";
import type { Logger } from "../log.ts";
import type { ExportRequestInput, ExportResult } from "../../shared/export.ts";
import type { NewEvent } from "../events/mod.ts";
import { reviewExpressions } from "../analysis/repository.ts";
import { LlmError } from "../analysis/llm.ts";
import { MAX_STALLED, type QueueHub, STALLED_REASON } from "./queue_hub.ts";
import type { CancelChannel } from "./cancel_channel.ts";
import {
  appendJobLog,
  getBatch,
  getJob,
  insertBatch,
  jobContext,
  JobStateError,
  listBatches,
  settleBatch,
  settleFinishedBatches,
} from "./repository.ts";

/** What a stage job carries. */
interface StageData {
  jobId: number;
  generation: number;
}

type QueueName = (typeof QUEUE_NAMES)[number];

/** The work of the stages (the analyzer and renderer; no-op stand-ins in the queue benchmark). */
export interface StageWork {
  analyze(
    episodeId: number,
    options: AnalysisOptionsInput,
    hooks: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<AnalysisRun>;
  renderGroup(
    groupId: number,
    options: RenderOptionsInput,
    hooks: { signal?: AbortSignal; onProgress?: (fraction: number, etaMs: number | null) => void },
  ): Promise<Render[]>;
  /** Puts a video on the publishing calendar (the next free slot); for batches that auto-schedule. */
  schedule?(renderId: number): Promise<{ slotAt: string }>;
  /**
   * When the LLM can be called again, while it cannot (its circuit breaker open after an
   * outage, or the daily quota spent): epoch ms, else undefined.
   */
  llmAvailableAt?(): number | undefined;
  /** Exports expressions (an Anki deck, CSV, TSV or JSON); for batches that ask for it. */
  export?(
    request: ExportRequestInput,
    hooks: { signal?: AbortSignal; onProgress?: (fraction: number) => void },
  ): Promise<ExportResult>;
}

/** Errors of input that can never succeed as it is: failing at once, with no retry. */
const PERMANENT_ERRORS = new Set([
  "SubtitleParseError",
  "TrackNotFoundError",
  "ProbeError",
  "SubtitleExtractError",
  "EpisodeNotFoundError",
  "RenderError",
  "InsufficientSpaceError",
  "GroupNotFoundError",
  "PlanTooLongError",
  "FfmpegMissingError",
  "BudgetExceededError",
  "JobNotFoundError",
  "ZodError",
]);

/** Whether running the stage again later may succeed. */
export function isTransient(error: unknown): boolean {
  if (error instanceof LlmError) return error.retryable;
  return !(error instanceof Error && PERMANENT_ERRORS.has(error.name));
}

/** Minimum time between two progress events of one job. */
export const PROGRESS_INTERVAL_MS = 250;

/**
 * Overall progress at a point of a stage. Without an export the render stage takes the export's
 * share too, so that a job's progress ends at 100 with its last stage.
 */
function overall(stage: Stage, fraction: number, withExport = true): number {
  if (stage === "analyze") return 100 * STAGE_WEIGHTS.analyze * fraction;
  if (stage === "review") return 100 * STAGE_WEIGHTS.analyze;
  if (stage === "render") {
    const render = STAGE_WEIGHTS.render + (withExport ? 0 : STAGE_WEIGHTS.export);
    return 100 * (STAGE_WEIGHTS.analyze + render * fraction);
  }
  if (stage === "export") {
    return 100 * (STAGE_WEIGHTS.analyze + STAGE_WEIGHTS.render + STAGE_WEIGHTS.export * fraction);
  }
  return 100;
}

/** How long a batch's changes are gathered before its counts are settled and published. */
const BATCH_SETTLE_MS = 100;
/** How often a worker daemon looks for batches whose settling was lost (see settleFinishedBatches). */
const BATCH_SWEEP_MS = 15_000;

/** The reason given to running stages when the daemon stops (they go back to waiting). */
export const SHUTDOWN_REASON = "shutdown";

export class Pipeline {
  /** Stage runs of this daemon, by job id, to abort on a cancel from any daemon. */
  readonly #running = new Map<number, AbortController>();
  readonly #progress = new Map<number, { at: number; stage: Stage; percent: number }>();
  readonly #batchFlushes = new Map<
    number,
    { timer?: ReturnType<typeof setTimeout>; run: () => Promise<void> }
  >();
  readonly #log: Logger;
  #sweep?: ReturnType<typeof setInterval>;

  constructor(
    private readonly deps: {
      db: Kysely<DB>;
      queues: QueueHub;
      cancels: CancelChannel;
      work: StageWork;
      publish: (event: NewEvent) => Promise<unknown>;
      log: Logger;
      /** This daemon, as recorded in each attempt (`host:pid`). */
      worker: string;
      retries: { attempts: number; backoffMs: number };
    },
  ) {
    this.#log = deps.log.child({ component: "pipeline" });
    deps.cancels.onCancel((id) => this.#running.get(Number(id))?.abort(new Error("cancelled")));
  }

  /** Starts this daemon's stage workers (none on an API-only daemon). */
  startWorkers(concurrency: Record<QueueName, number>): void {
    for (const name of QUEUE_NAMES) {
      const worker = this.deps.queues.registerWorker<StageData, unknown>(
        name,
        (job, token, signal) => this.#runStage(name, job, token, signal),
        { concurrency: concurrency[name] },
      );
      // BullMQ fails a job that lost its worker too often without running it again: the
      // processor never hears of it, so the job's record is settled here
      worker?.on("failed", (bull, error) => {
        if (!bull || error.message !== STALLED_REASON) return;
        this.#stalledOut(name, bull.data).catch((e) =>
          this.#log.warn("cannot record a stalled job's failure", { jobId: bull.data.jobId, error: e })
        );
      });
    }
    // at start (a predecessor may have died before settling its batch) and now and then after
    const sweep = () =>
      this.#sweepBatches().catch((error) => this.#log.warn("cannot settle finished batches", { error }));
    sweep();
    this.#sweep = setInterval(sweep, BATCH_SWEEP_MS);
    Deno.unrefTimer(this.#sweep); // housekeeping: it does not keep a process alive
  }

  async #sweepBatches(): Promise<void> {
    for (const batchId of await settleFinishedBatches(this.deps.db)) {
      this.#log.info("settled a batch whose jobs had all ended", { batchId });
      await this.#publishBatch(batchId);
    }
  }

  async #stalledOut(stage: QueueName, { jobId, generation }: StageData): Promise<void> {
    const { db } = this.deps;
    const message = `The daemon running its ${stage} stopped ${
      MAX_STALLED + 1
    } times in a row (killed, or out of memory on this episode?), so it is not run again by itself: see the daemons' logs, then run it again with jobs.retry.`;
    await db.updateTable("job_attempts").set({ outcome: "interrupted", finished_at: new Date() })
      .where("job_id", "=", jobId).where("stage", "=", stage).where("outcome", "is", null).execute();
    const row = await db.updateTable("jobs")
      .set({ state: "failed", error: message, eta_ms: null, finished_at: new Date() })
      .where("id", "=", jobId).where("generation", "=", generation).where("stage", "=", stage)
      .where("state", "not in", FINISHED_JOB_STATES as JobState[]).returning("batch_id").executeTakeFirst();
    if (!row) return;
    await this.#jobLog(jobId, "error", `${stage} failed: ${message}`);
    await this.#settled(row.batch_id, jobId);
  }

  /** Creates a batch: one waiting job per episode, queued for analysis. */
  async createBatch(episodeIds: number[], input: BatchOptionsInput = {}): Promise<{
    batchId: number;
    jobIds: number[];
  }> {
    // kept with every default filled in: the batch records exactly what its jobs ran with
    const given = batchOptionsSchema.parse(input);
    const options = {
      ...given,
      analysis: analysisOptionsSchema.parse(given.analysis),
      render: renderOptionsSchema.parse(given.render),
    };
    // a single episode started by hand goes before the episodes of a long batch
    const priority = episodeIds.length === 1 ? 1 : 10;
    const created = await insertBatch(this.deps.db, episodeIds, options, priority);
    await this.deps.queues.queue<StageData>("analyze").addBulk(created.jobIds.map((jobId) => ({
      name: "analyze",
      data: { jobId, generation: 1 },
      opts: this.#jobOptions(jobId, 1, "analyze", priority),
    })));
    this.#log.info("batch created", { batchId: created.batchId, episodes: episodeIds.length });
    for (const jobId of created.jobIds) await this.#publishState(jobId);
    await this.#publishBatch(created.batchId);
    return created;
  }

  /** Stops a job: its queued stage is removed and a running one aborted on whichever daemon. */
  async cancel(jobId: number, reason = "cancelled by user"): Promise<Job> {
    const { db } = this.deps;
    const row = await db.updateTable("jobs")
      .set({ state: "cancelled", error: reason, eta_ms: null, finished_at: new Date() })
      .where("id", "=", jobId).where("state", "not in", FINISHED_JOB_STATES as JobState[])
      .returningAll().executeTakeFirst();
    if (!row) {
      const job = await getJob(db, jobId);
      throw new JobStateError(
        `Job ${jobId} is already ${job.state}; only waiting or running jobs can be cancelled.`,
      );
    }
    await this.deps.cancels.cancel(jobId);
    for (const name of QUEUE_NAMES) {
      const queued = await this.deps.queues.queue(name).getJob(this.#bullId(jobId, row.generation, name));
      // a job a worker holds cannot be removed: the cancel above aborts it, and it is not retried
      if (queued && !(await queued.isActive())) await queued.remove().catch(() => {});
    }
    await this.#jobLog(jobId, "warn", reason);
    await this.#settled(row.batch_id, jobId);
    return await getJob(db, jobId);
  }

  /** Cancels every unfinished job of a batch. */
  async cancelBatch(batchId: number): Promise<void> {
    await getBatch(this.deps.db, batchId);
    const rows = await this.deps.db.selectFrom("jobs").select("id").where("batch_id", "=", batchId)
      .where("state", "not in", FINISHED_JOB_STATES as JobState[]).execute();
    for (const { id } of rows) await this.cancel(id, "batch cancelled by user").catch(() => {});
  }

  /**
   * Runs a failed or cancelled job again from the stage it stopped in (an analysed episode is
   * not analysed again).
   */
  async retry(jobId: number): Promise<Job> {
    const { db } = this.deps;
    const job = await jobContext(db, jobId);
    if (!FINISHED_JOB_STATES.includes(job.state) || job.state === "completed") {
      throw new JobStateError(`Job ${jobId} is ${job.state}; only failed or cancelled jobs can be retried.`);
    }
    const generation = job.generation + 1;
    const analysed = job.run_id !== null && job.stage !== "analyze";
    const stage: Stage = analysed ? "render" : "analyze";
    await db.updateTable("jobs").set({
      generation,
      state: "waiting",
      stage,
      error: null,
      finished_at: null,
      eta_ms: null,
      stage_percent: 0,
      percent: overall(stage, 0),
    }).where("id", "=", jobId).execute();
    // the batch is not finished any more (at once, not with the next settling)
    await db.updateTable("batches").set({ finished_at: null }).where("id", "=", job.batch_id).execute();
    await this.#jobLog(jobId, "info", `retry ${generation - 1} queued for ${stage}`);
    if (analysed) await this.#afterAnalysis(jobId);
    else await this.#enqueue(jobId, generation, "analyze", job.priority);
    await this.#settled(job.batch_id, jobId);
    return await getJob(db, jobId);
  }

  /** Retries every failed job of a batch. */
  async retryFailed(batchId: number): Promise<void> {
    await getBatch(this.deps.db, batchId);
    const rows = await this.deps.db.selectFrom("jobs").select("id").where("batch_id", "=", batchId)
      .where("state", "=", "failed").execute();
    for (const { id } of rows) await this.retry(id);
  }

  /** After a review: jobs waiting for it whose expressions are all decided go on to render. */
  async reviewed(episodeIds: number[]): Promise<void> {
    if (!episodeIds.length) return;
    const waiting = await this.deps.db.selectFrom("jobs").select("id").where("state", "=", "waiting-review")
      .where("episode_id", "in", episodeIds).execute();
    for (const { id } of waiting) await this.#afterAnalysis(id);
  }

  /** Pauses (or resumes) the stage queues for every daemon; running jobs finish. */
  async setPaused(paused: boolean, names: readonly QueueName[] = QUEUE_NAMES): Promise<QueueStats[]> {
    for (const name of names) {
      const queue = this.deps.queues.queue(name);
      await (paused ? queue.pause() : queue.resume());
    }
    this.#log.info(paused ? "queues paused" : "queues resumed", { queues: names });
    return await this.stats();
  }

  /** Counts of the stage queues. */
  async stats(): Promise<QueueStats[]> {
    return await Promise.all(QUEUE_NAMES.map(async (name) => {
      const queue = this.deps.queues.queue(name);
      const [c, paused, workers] = await Promise.all([
        queue.getJobCounts("waiting", "prioritized", "active", "delayed", "completed", "failed"),
        queue.isPaused(),
        queue.getWorkersCount(),
      ]);
      return {
        name,
        paused,
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        completed: c.completed ?? 0,
        failed: c.failed ?? 0,
        workers,
      };
    }));
  }

  #bullId(jobId: number, generation: number, stage: QueueName): string {
    return `job-${jobId}-${generation}-${stage}`;
  }

  #jobOptions(jobId: number, generation: number, stage: QueueName, priority: number) {
    return {
      jobId: this.#bullId(jobId, generation, stage),
      priority,
      attempts: this.deps.retries.attempts,
      backoff: { type: "exponential", delay: this.deps.retries.backoffMs },
      removeOnComplete: { age: 7 * 24 * 3600, count: 5_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    };
  }

  async #enqueue(jobId: number, generation: number, stage: QueueName, priority: number): Promise<void> {
    await this.deps.queues.queue<StageData>(stage).add(
      stage,
      { jobId, generation },
      this.#jobOptions(jobId, generation, stage, priority),
    );
  }

  /**
   * What follows an analysis: approval by the batch (auto), or waiting for the user's review
   * until no expression of the run is pending; then the render stage.
   */
  async #afterAnalysis(jobId: number): Promise<void> {
    const { db } = this.deps;
    const job = await jobContext(db, jobId);
    if (job.run_id === null) throw new Error(`Job ${jobId} has no analysis to render`);
    const pending = await db.selectFrom("expressions").select("id").where("run_id", "=", job.run_id)
      .where("status", "=", "pending").execute();
    if (pending.length && job.options.review === "auto") {
      await reviewExpressions(db, {
        ids: pending.map((p) => p.id),
        decision: "approve",
        by: `batch ${job.batch_id} (auto-approve)`,
      });
    } else if (pending.length) {
      if (job.state !== "waiting-review") {
        await db.updateTable("jobs").set({
          state: "waiting-review",
          stage: "review",
          stage_percent: 0,
          percent: overall("review", 0),
          eta_ms: null,
        }).where("id", "=", jobId).where("state", "not in", FINISHED_JOB_STATES as JobState[]).execute();
        await this.#jobLog(jobId, "info", `waiting for review of ${pending.length} expressions`);
        await this.#settled(job.batch_id, jobId);
      }
      return;
    }
    // a job cancelled meanwhile stays cancelled
    const { numUpdatedRows } = await db.updateTable("jobs").set({
      state: "waiting",
      stage: "render",
      stage_percent: 0,
      percent: overall("render", 0, Boolean(job.options.export)),
      eta_ms: null,
    }).where("id", "=", jobId).where("state", "not in", FINISHED_JOB_STATES as JobState[])
      .executeTakeFirst();
    if (!numUpdatedRows) return;
    await this.#enqueue(jobId, job.generation, "render", job.priority);
    if (job.state === "waiting-review") await this.#settled(job.batch_id, jobId);
  }

  async #runStage(
    stage: QueueName,
    bull: BullJob<StageData>,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const { db } = this.deps;
    const { jobId, generation } = bull.data;
    const job = await jobContext(db, jobId).catch(() => undefined);
    if (!job || job.generation !== generation || FINISHED_JOB_STATES.includes(job.state)) {
      return { skipped: true }; // cancelled, retried or deleted since it was queued
    }
    if (job.stage !== stage || (stage === "analyze" && job.run_id !== null)) {
      // This stage already finished: its daemon died after recording that here, before BullMQ
      // heard of it, and the stalled job came back. Running it again would analyse or render
      // twice; the next stage is queued instead (a no-op when it already is: same BullMQ id).
      await this.#resume(job, stage);
      return { skipped: true, resumed: job.stage };
    }
    // an attempt a killed daemon left open
    await db.updateTable("job_attempts").set({ outcome: "interrupted", finished_at: new Date() })
      .where("job_id", "=", jobId).where("outcome", "is", null).execute();
    const { id: attemptId } = await db.insertInto("job_attempts")
      .values({ job_id: jobId, stage, worker: this.deps.worker }).returning("id").executeTakeFirstOrThrow();
    await db.updateTable("jobs").set((eb) => ({
      state: "active",
      stage,
      attempts: eb("attempts", "+", 1),
      started_at: eb.fn.coalesce("started_at", eb.val(new Date())),
    })).where("id", "=", jobId).execute();
    await this.#jobLog(jobId, "info", `${stage} started`, {
      run: job.attempts + 1,
      stageAttempt: bull.attemptsMade + 1,
      worker: this.deps.worker,
    });
    await this.#settled(job.batch_id, jobId);

    const cancel = new AbortController();
    this.#running.set(jobId, cancel);
    const stop = signal ? AbortSignal.any([cancel.signal, signal]) : cancel.signal;
    const finishAttempt = (
      outcome: "completed" | "failed" | "retrying" | "cancelled" | "interrupted",
      error?: string,
    ) =>
      db.updateTable("job_attempts").set({ outcome, error: error ?? null, finished_at: new Date() })
        .where("id", "=", attemptId).execute();
    try {
      if (stage === "analyze") await this.#analyze(job, stop);
      else if (stage === "render") await this.#render(job, stop);
      else await this.#export(job, stop);
      await finishAttempt("completed");
      return { ok: true };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (cancel.signal.aborted) {
        await finishAttempt("cancelled");
        throw new UnrecoverableError("cancelled");
      }
      if (signal?.aborted && String(signal.reason) === SHUTDOWN_REASON && token) {
        // the daemon is stopping: the job goes back to waiting for the next worker
        await finishAttempt("interrupted", "the daemon stopped");
        await db.updateTable("jobs").set({ state: "waiting" }).where("id", "=", jobId).execute();
        await this.#jobLog(jobId, "warn", `${stage} interrupted by shutdown; back to waiting`);
        await this.#settled(job.batch_id, jobId);
        await bull.moveToWait(token);
        throw new WaitingError();
      }
      const llmBackAt = stage === "analyze" && isTransient(error)
        ? this.deps.work.llmAvailableAt?.()
        : undefined;
      if (llmBackAt !== undefined && llmBackAt > Date.now() && token) {
        // Gemini is out (a storm of errors opened the breaker, or the day's quota is spent):
        // retrying on the queue's short backoff would only use up the job's runs, so it waits
        // until the LLM takes calls again, without counting a run
        const until = new Date(llmBackAt).toISOString();
        await finishAttempt("retrying", message);
        await db.updateTable("jobs").set({ state: "waiting", error: message, eta_ms: null })
          .where("id", "=", jobId).where("state", "=", "active").execute();
        await this.#jobLog(
          jobId,
          "warn",
          `${stage} waits until ${until} for Gemini to take calls again: ${message}`,
        );
        await this.#settled(job.batch_id, jobId);
        await bull.moveToDelayed(llmBackAt + 1_000, token);
        throw new DelayedError();
      }
      const permanent = !isTransient(error);
      const last = permanent || bull.attemptsMade + 1 >= (bull.opts.attempts ?? 1);
      await finishAttempt(last ? "failed" : "retrying", message);
      await db.updateTable("jobs").set({
        state: last ? "failed" : "waiting",
        error: message,
        eta_ms: null,
        finished_at: last ? new Date() : null,
      }).where("id", "=", jobId).where("state", "=", "active").execute();
      await this.#jobLog(
        jobId,
        "error",
        last ? `${stage} failed: ${message}` : `${stage} failed, will retry: ${message}`,
      );
      await this.#settled(job.batch_id, jobId);
      throw permanent ? new UnrecoverableError(message) : error;
    } finally {
      this.#running.delete(jobId);
      this.#progress.delete(jobId);
    }
  }

  /** Picks a job up after a stage that finished but came back from BullMQ (see #runStage). */
  async #resume(job: Awaited<ReturnType<typeof jobContext>>, finished: QueueName): Promise<void> {
    // the dead daemon's attempt of that stage (not another worker's of the next one)
    await this.deps.db.updateTable("job_attempts").set({ outcome: "interrupted", finished_at: new Date() })
      .where("job_id", "=", job.id).where("stage", "=", finished).where("outcome", "is", null).execute();
    await this.#jobLog(job.id, "warn", `${finished} came back after it had finished; not run again`, {
      stage: job.stage,
      worker: this.deps.worker,
    });
    if (job.stage === "analyze" || job.stage === "review") {
      await this.#afterAnalysis(job.id); // review held or render queued, as after the analysis
    } else if ((job.stage === "render" || job.stage === "export") && job.state !== "active") {
      // "active" means another worker runs that stage right now
      await this.#enqueue(job.id, job.generation, job.stage, job.priority);
    }
  }

  async #analyze(job: Awaited<ReturnType<typeof jobContext>>, signal: AbortSignal): Promise<void> {
    const run = await this.deps.work.analyze(job.episode_id, job.options.analysis, {
      signal,
      onProgress: (done, total) => this.#reportProgress(job, "analyze", total ? done / total : 1, null),
    });
    if (run.status === "failed") {
      throw new Error(run.error ?? `every chunk of episode ${job.episode_id} failed to analyse`);
    }
    await this.deps.db.updateTable("jobs").set({ run_id: run.id }).where("id", "=", job.id).execute();
    await this.#jobLog(job.id, run.status === "partial" ? "warn" : "info", "analysis finished", {
      runId: run.id,
      kept: run.kept,
      groups: run.groups,
      calls: run.calls,
      cachedChunks: run.cachedChunks,
      failedChunks: run.failedChunks.length,
      costUsd: run.costUsd,
    });
    await this.#afterAnalysis(job.id);
  }

  async #render(job: Awaited<ReturnType<typeof jobContext>>, signal: AbortSignal): Promise<void> {
    const { db } = this.deps;
    const options = job.options.render;
    const kinds = options.kinds ?? ["short"];
    const groups = await db.selectFrom("expression_groups").select("id").where("run_id", "=", job.run_id!)
      .where((eb) =>
        eb.exists(
          eb.selectFrom("expressions").select("id").whereRef(
            "expressions.group_id",
            "=",
            "expression_groups.id",
          )
            .where("expressions.status", "=", "approved"),
        )
      ).orderBy("id").execute();
    // a group rendered before a crash or a retry keeps its videos
    const existing = groups.length
      ? await db.selectFrom("renders").select(["id", "group_id", "kind"])
        .where("group_id", "in", groups.map((g) => g.id)).execute()
      : [];
    const todo = groups.filter((g) =>
      !kinds.every((k) => existing.some((r) => r.group_id === g.id && r.kind === k))
    );
    const kept = existing.filter((r) => !todo.some((g) => g.id === r.group_id) && kinds.includes(r.kind));
    if (!groups.length) await this.#jobLog(job.id, "warn", "no approved expression: nothing to render");
    else if (kept.length) {
      await this.#jobLog(job.id, "info", `${groups.length - todo.length} groups already rendered`);
    }
    const fractions = new Map<number, number>();
    const started = performance.now();
    // the first group that fails stops the others: the job has failed, their videos are not
    // wanted; the job fails once every one has stopped (and removed its files)
    const siblings = new AbortController();
    const stop = AbortSignal.any([signal, siblings.signal]);
    const results = await Promise.allSettled(todo.map((g) =>
      this.deps.work.renderGroup(g.id, options, {
        signal: stop,
        onProgress: (fraction) => {
          fractions.set(g.id, fraction);
          const done = [...fractions.values()].reduce((a, b) => a + b, 0) / todo.length;
          const elapsed = performance.now() - started;
          this.#reportProgress(
            job,
            "render",
            done,
            done > 0.02 ? Math.round((elapsed / done) * (1 - done)) : null,
          );
        },
      }).catch((error) => {
        if (!siblings.signal.aborted) siblings.abort(error);
        throw error;
      })
    ));
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw siblings.signal.aborted && !signal.aborted ? siblings.signal.reason : failed.reason;
    const rendered = results.map((r) => (r as PromiseFulfilledResult<Render[]>).value);
    const renderIds = [...kept.map((r) => r.id), ...rendered.flat().map((r) => r.id)];
    await db.updateTable("jobs").set({ render_ids: renderIds }).where("id", "=", job.id).execute();
    await this.#jobLog(job.id, "info", `rendered ${renderIds.length} videos`, { renderIds });
    if (job.options.autoSchedule) await this.#schedule(job.id, renderIds);
    if (job.options.export) {
      // the export is a stage of its own: its own queue, progress, cancel and retry
      const { numUpdatedRows } = await db.updateTable("jobs").set({
        state: "waiting",
        stage: "export",
        stage_percent: 0,
        percent: overall("export", 0),
        eta_ms: null,
      }).where("id", "=", job.id).where("state", "=", "active").executeTakeFirst();
      if (numUpdatedRows) await this.#enqueue(job.id, job.generation, "export", job.priority);
      await this.#settled(job.batch_id, job.id);
      return;
    }
    await this.#complete(job);
  }

  /** The episode's expressions exported as the batch asked; the job is then complete. */
  async #export(job: Awaited<ReturnType<typeof jobContext>>, signal: AbortSignal): Promise<void> {
    const { export: wanted } = job.options;
    if (!wanted || !this.deps.work.export) throw new Error("this daemon cannot export");
    const result = await this.deps.work.export(
      { episodeIds: [job.episode_id], format: wanted.format, options: wanted.options },
      { signal, onProgress: (fraction) => this.#reportProgress(job, "export", fraction, null) },
    );
    await this.deps.db.updateTable("jobs").set({ export_path: result.path }).where("id", "=", job.id)
      .execute();
    await this.#jobLog(job.id, "info", `exported ${result.notes} notes to ${result.path}`, {
      format: result.format,
      cards: result.cards,
      mediaFiles: result.mediaFiles,
    });
    await this.#complete(job);
  }

  async #complete(job: { id: number; batch_id: number }): Promise<void> {
    await this.deps.db.updateTable("jobs").set({
      state: "completed",
      stage: "done",
      stage_percent: 100,
      percent: 100,
      eta_ms: null,
      error: null,
      finished_at: new Date(),
    }).where("id", "=", job.id).where("state", "=", "active").execute();
    await this.#jobLog(job.id, "info", "completed");
    await this.#settled(job.batch_id, job.id);
  }

  /** Puts a finished job's videos on the calendar; a full calendar is said in the job's log. */
  async #schedule(jobId: number, renderIds: number[]): Promise<void> {
    const schedule = this.deps.work.schedule;
    if (!schedule) return;
    for (const renderId of renderIds) {
      try {
        const { slotAt } = await schedule(renderId);
        await this.#jobLog(jobId, "info", `video ${renderId} scheduled for ${slotAt}`);
      } catch (error) {
        await this.#jobLog(jobId, "warn", `video ${renderId} not scheduled: ${(error as Error).message}`);
      }
    }
  }

  /** Publishes progress at most every {@link PROGRESS_INTERVAL_MS} per job, never backwards in a stage. */
  #reportProgress(
    job: { id: number; batch_id: number; episode_id: number; options: BatchOptions },
    stage: Stage,
    fraction: number,
    etaMs: number | null,
  ): void {
    const now = performance.now();
    const last = this.#progress.get(job.id);
    const stagePercent = Math.max(
      last?.stage === stage ? last.percent : 0,
      Math.round(Math.min(1, fraction) * 1000) / 10,
    );
    if (
      last && last.stage === stage && (now - last.at < PROGRESS_INTERVAL_MS || stagePercent === last.percent)
    ) {
      return;
    }
    this.#progress.set(job.id, { at: now, stage, percent: stagePercent });
    const percent = Math.round(overall(stage, stagePercent / 100, Boolean(job.options.export)) * 10) / 10;
    this.deps.db.updateTable("jobs").set({ stage_percent: stagePercent, percent, eta_ms: etaMs })
      .where("id", "=", job.id).where("state", "=", "active").execute()
      .catch((error) => this.#log.warn("cannot save job progress", { jobId: job.id, error }));
    this.deps.publish({
      type: "job.progress",
      data: {
        jobId: job.id,
        batchId: job.batch_id,
        episodeId: job.episode_id,
        stage,
        stagePercent,
        percent,
        etaMs,
      },
    }).catch(() => {});
  }

  async #jobLog(
    jobId: number,
    level: "info" | "warn" | "error",
    message: string,
    fields?: Record<string, unknown>,
  ): Promise<void> {
    // in the job's own log; the daemon's log (and its `log` events) get warnings and errors
    this.#log[level === "info" ? "debug" : level](message, { jobId, ...fields });
    await appendJobLog(this.deps.db, jobId, { level, message, fields });
  }

  /**
   * After a job's state changed: its event now; its batch's end time and event a moment later,
   * once for all the changes of that moment (a batch's counts take a GROUP BY over its jobs).
   */
  async #settled(batchId: number, jobId: number): Promise<void> {
    await this.#publishState(jobId);
    if (this.#batchFlushes.has(batchId)) return;
    const flush: { timer?: ReturnType<typeof setTimeout>; run: () => Promise<void> } = {
      run: () => Promise.resolve(),
    };
    flush.run = async () => {
      clearTimeout(flush.timer);
      if (this.#batchFlushes.get(batchId) !== flush) return;
      this.#batchFlushes.delete(batchId);
      await settleBatch(this.deps.db, batchId);
      await this.#publishBatch(batchId);
    };
    flush.timer = setTimeout(() => {
      flush.run().catch((error) => this.#log.warn("cannot update a batch", { batchId, error }));
    }, BATCH_SETTLE_MS);
    this.#batchFlushes.set(batchId, flush);
  }

  /** Settles the batches with changes not yet settled (at shutdown). */
  async close(): Promise<void> {
    clearInterval(this.#sweep);
    await Promise.allSettled([...this.#batchFlushes.values()].map((f) => f.run()));
  }

  async #publishState(jobId: number): Promise<void> {
    const job = await getJob(this.deps.db, jobId);
    await this.deps.publish({
      type: "job.state",
      data: {
        jobId,
        batchId: job.batchId,
        episodeId: job.episodeId,
        state: job.state,
        stage: job.stage,
        error: job.error,
      },
    }).catch(() => {});
  }

  async #publishBatch(batchId: number): Promise<void> {
    const [batch] = await listBatches(this.deps.db, { ids: [batchId] });
    if (!batch) return;
    await this.deps.publish({
      type: "batch.state",
      data: { batchId, state: batch.state, percent: batch.percent, counts: batch.counts },
    }).catch(() => {});
  }
}
