/**
 * Health checks of every component, the monitor that runs them, and `/metrics`.
 * @module
 */
export {
  databaseCheck,
  ffmpegCheck,
  freeBytes,
  llmCheck,
  LOW_DISK_BYTES,
  redisCheck,
  storageCheck,
  youtubeCheck,
} from "./checks.ts";
export { type CheckResult, type HealthCheck, HealthMonitor, overallStatus } from "./health_monitor.ts";
export { type MetricsInput, renderMetrics } from "./metrics.ts";
export { collectPipelineMetrics, type PipelineMetrics } from "./pipeline_metrics.ts";
