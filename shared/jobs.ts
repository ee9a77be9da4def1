/**
 * The contract of the batch queue: what a batch asks for, and batches and jobs as clients see
 * them. A batch is 1–50 episodes; each episode is one job that goes through the stages
 * analyse → review (when the batch waits for it) → render → export (when the batch asks).
 * @module
 */
import { z } from "zod";
import { analysisOptionsSchema } from "./analysis.ts";
import { renderOptionsSchema } from "./render.ts";
import { exportFormatSchema, exportOptionsSchema } from "./export.ts";

/** Where a job is in its life. */
export const JOB_STATES = [
  "waiting",
  "active",
  "waiting-review",
  "completed",
  "failed",
  "cancelled",
] as const;
/** One of {@link JOB_STATES}. */
export type JobState = (typeof JOB_STATES)[number];
/** States a job does not leave by itself. */
export const FINISHED_JOB_STATES: readonly JobState[] = ["completed", "failed", "cancelled"];

/** The stages of an episode's job, in order. */
export const STAGES = ["analyze", "review", "render", "export", "done"] as const;
/** One of {@link STAGES}. */
export type Stage = (typeof STAGES)[number];

/** How much of a job's overall progress each working stage is worth (an export, when asked, the last 10 %). */
export const STAGE_WEIGHTS: Record<"analyze" | "render" | "export", number> = {
  analyze: 0.3,
  render: 0.6,
  export: 0.1,
};

/** What a batch does for each of its episodes. Every field has a default. */
export const batchOptionsSchema = z.object({
  /** Analysis: languages, level, expressions per episode, render mode (combined or separate). */
  analysis: analysisOptionsSchema.partial().default({}),
  /** Rendering: kinds (short, long), replays, background, encoder. */
  render: renderOptionsSchema.partial().default({}),
  /** `auto` approves what the analysis kept; `wait` holds each episode until it is reviewed. */
  review: z.enum(["auto", "wait"]).default("auto"),
  /** Put each finished video on the publishing calendar, in the next free slot. */
  autoSchedule: z.boolean().default(false),
  /** Export each episode's expressions when its videos are done (an Anki deck, CSV, TSV or JSON). */
  export: z.object({ format: exportFormatSchema, options: exportOptionsSchema.prefault({}) }).optional(),
});
/** Options as given. */
export type BatchOptionsInput = z.input<typeof batchOptionsSchema>;
/** Options with defaults filled in. */
export type BatchOptions = z.output<typeof batchOptionsSchema>;

/** Input of `batches.create`. */
export const batchCreateInputSchema = z.strictObject({
  episodeIds: z.array(z.number().int().positive()).min(1).max(50)
    .refine((ids) => new Set(ids).size === ids.length, "an episode appears twice"),
  options: batchOptionsSchema.optional(),
});

/** One episode's job. */
export const jobSchema = z.object({
  id: z.number().int(),
  batchId: z.number().int(),
  episodeId: z.number().int(),
  /** `Show S01E02` or the file name. */
  label: z.string(),
  state: z.enum(JOB_STATES),
  stage: z.enum(STAGES),
  /** Overall progress, 0–100 (stages weighted by {@link STAGE_WEIGHTS}). */
  percent: z.number(),
  /** Progress of the current stage, 0–100. */
  stagePercent: z.number(),
  /** Estimated time left in the current stage, when known. */
  etaMs: z.number().int().nullable(),
  /** How many times the job was started (retries included). */
  attempts: z.number().int(),
  /** What went wrong, and what to do about it. */
  error: z.string().nullable(),
  /** The analysis run whose expressions the job renders. */
  runId: z.number().int().nullable(),
  renderIds: z.array(z.number().int()),
  /** The episode's export, when the batch asked for one. */
  exportPath: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
/** See {@link jobSchema}. */
export type Job = z.infer<typeof jobSchema>;

/** A batch with its jobs' counts by state. */
export const batchSchema = z.object({
  id: z.number().int(),
  /** Derived from the jobs: `active` while any is waiting or running, else the outcome. */
  state: z.enum(["active", "waiting-review", "completed", "failed", "cancelled"]),
  options: batchOptionsSchema,
  /** Queue priority: 1 for a single episode started by hand, 10 for larger batches. */
  priority: z.number().int(),
  counts: z.record(z.enum(JOB_STATES), z.number().int()),
  /** Mean of the jobs' overall progress, 0–100. */
  percent: z.number(),
  total: z.number().int(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
/** See {@link batchSchema}. */
export type Batch = z.infer<typeof batchSchema>;

/** A batch with every job. */
export const batchDetailSchema = batchSchema.extend({ jobs: z.array(jobSchema) });
/** See {@link batchDetailSchema}. */
export type BatchDetail = z.infer<typeof batchDetailSchema>;

/** One line of a job's own log. */
export const jobLogLineSchema = z.object({
  /** Increasing; pass the last one seen as `afterId` to get only newer lines. */
  id: z.number().int(),
  at: z.string(),
  level: z.enum(["debug", "info", "warn", "error"]),
  message: z.string(),
  fields: z.record(z.string(), z.unknown()).nullable(),
});
/** See {@link jobLogLineSchema}. */
export type JobLogLine = z.infer<typeof jobLogLineSchema>;

/** The stage queues. */
export const QUEUE_NAMES = ["analyze", "render", "export"] as const;

/** Counts of one stage queue, and whether it is paused. */
export const queueStatsSchema = z.object({
  name: z.enum(QUEUE_NAMES),
  paused: z.boolean(),
  waiting: z.number().int(),
  active: z.number().int(),
  delayed: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  /** Workers (across every daemon) consuming this queue. */
  workers: z.number().int(),
});
/** See {@link queueStatsSchema}. */
export type QueueStats = z.infer<typeof queueStatsSchema>;
