/**
 * The batch pipeline: BullMQ queues and workers per stage, batches and jobs in PostgreSQL, and
 * cancels that reach whichever daemon runs a job.
 * @module
 */
export { type QueueCounts, QueueHub } from "./queue_hub.ts";
export { CancelChannel } from "./cancel_channel.ts";
export { ExportJobs } from "./exports.ts";
export { isTransient, Pipeline, PROGRESS_INTERVAL_MS, SHUTDOWN_REASON, type StageWork } from "./pipeline.ts";
export {
  getBatch,
  getJob,
  jobLogs,
  JobNotFoundError,
  JobStateError,
  listBatches,
  listJobs,
} from "./repository.ts";
