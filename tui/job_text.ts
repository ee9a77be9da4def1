/**
 * What the Jobs screen and the dashboard say about batches, jobs and queues, in words. Pure
 * functions, like `format.ts`, so that they can be tested without rendering.
 * @module
 */
import type { Batch, Job, JobLogLine, JobState, QueueStats } from "../shared/jobs.ts";
import { formatCount, formatDuration } from "./format.ts";

/** The job states in the order a batch's counts list them (the finished ones last). */
const COUNT_ORDER: readonly JobState[] = ["active", "waiting", "waiting-review", "failed", "cancelled"];

/** `3/5 done · 1 active · 1 failed`: how far a batch is, by its jobs' states. */
export function batchCountsText(batch: Batch): string {
  const parts = [`${formatCount(batch.counts.completed)}/${formatCount(batch.total)} done`];
  for (const state of COUNT_ORDER) {
    const n = batch.counts[state];
    if (n > 0) parts.push(`${formatCount(n)} ${state === "waiting-review" ? "to review" : state}`);
  }
  return parts.join(" · ");
}

/** A job's estimated time left in its stage as `1m 05s`; empty when unknown or not running. */
export function etaText(job: Pick<Job, "state" | "etaMs">): string {
  if (job.state !== "active" || job.etaMs === null) return "";
  return formatDuration(Math.ceil(job.etaMs / 1000));
}

/** `3 waiting · 1 active · 2 failed · 2 workers`: one stage queue's counts. */
export function queueCountsText(queue: QueueStats): string {
  const parts = [
    `${formatCount(queue.waiting + queue.delayed)} waiting`,
    `${formatCount(queue.active)} active`,
    `${formatCount(queue.failed)} failed`,
    `${formatCount(queue.completed)} done`,
    `${formatCount(queue.workers)} ${queue.workers === 1 ? "worker" : "workers"}`,
  ];
  return parts.join(" · ");
}

/** `queues running`, `queues paused`, or which ones are paused. */
export function pausedText(stats: readonly QueueStats[]): { text: string; paused: boolean } {
  const paused = stats.filter((queue) => queue.paused).map((queue) => queue.name);
  if (paused.length === 0) return { text: "▶ queues running", paused: false };
  if (paused.length === stats.length) return { text: "‖ queues paused", paused: true };
  return { text: `‖ ${paused.join(", ")} paused`, paused: true };
}

/**
 * `review auto · export anki · short, long · es, fr · intermediate`: what a batch was started
 * with.
 */
export function batchOptionsText(batch: Batch): string {
  const { analysis, render, review } = batch.options;
  const parts = [`review ${review}`];
  if (batch.options.export) parts.push(`export ${batch.options.export.format}`);
  if (render.kinds) parts.push(render.kinds.join(", "));
  if (analysis.targetLanguages) parts.push(analysis.targetLanguages.join(", "));
  if (analysis.level) parts.push(analysis.level.replace("_", " "));
  if (analysis.expressionsPerEpisode) parts.push(`${analysis.expressionsPerEpisode} per episode`);
  return parts.join(" · ");
}

/** A job's log line as one line of text: the message, then its fields as `key=value`. */
export function logLineText(line: Pick<JobLogLine, "message" | "fields">): string {
  const fields = Object.entries(line.fields ?? {}).map(([key, value]) =>
    `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`
  );
  return [line.message, ...fields].join(" ");
}
