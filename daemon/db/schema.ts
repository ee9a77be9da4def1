import type { ColumnType, Generated } from "kysely";

/** Run-time settings, seeded from the environment and edited through `settings.update`. */
export interface SettingsTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_by: string;
}

/** Who changed which setting, when, from what to what. */
export interface SettingsAuditTable {
  id: Generated<number>;
  key: string;
  old_value: ColumnType<unknown, string | null, never>;
  new_value: ColumnType<unknown, string, never>;
  changed_at: ColumnType<Date, Date | string | undefined, never>;
  changed_by: string;
}

/** ffprobe results cached by (path, size, mtime). */
export interface MediaProbesTable {
  path: string;
  size: number;
  mtime_ms: number;
  probe: ColumnType<unknown, string | null, string | null>;
  error: string | null;
  probed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A video file in a media root: an episode of a show, or a film. */
export interface EpisodesTable {
  id: Generated<number>;
  root: string;
  path: string;
  rel_path: string;
  kind: "episode" | "film";
  show: string;
  season: number | null;
  episode: number | null;
  episode_end: number | null;
  title: string | null;
  year: number | null;
  sort_key: string;
  size: number;
  mtime_ms: number;
  duration_ms: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  video_codec: string | null;
  audio_tracks: ColumnType<unknown, string | undefined, string>;
  probe_error: string | null;
  subtitle_languages: ColumnType<string[], string[] | undefined, string[]>;
  added_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A subtitle track of an episode: a sidecar file or a stream inside the video. */
export interface SubtitleTracksTable {
  id: Generated<number>;
  episode_id: number;
  key: string;
  source: "sidecar" | "embedded";
  path: string | null;
  stream_index: number | null;
  language: string | null;
  title: string | null;
  forced: boolean;
  sdh: boolean;
  format: string;
  supported: boolean;
  unsupported_reason: string | null;
}

/** Every LLM call: the reply cache and the record of tokens and cost. */
export interface LlmCallsTable {
  id: Generated<number>;
  cache_key: string;
  model: string;
  prompt_version: string;
  status: "ok" | "error";
  reply_text: string | null;
  finish_reason: string | null;
  error_kind: string | null;
  error_message: string | null;
  prompt_tokens: number;
  output_tokens: number;
  /** numeric: read as a string, written as a number. */
  cost_usd: ColumnType<string, number, number>;
  latency_ms: number;
  attempts: number;
  sample: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

/** One analysis of one episode. */
export interface AnalysisRunsTable {
  id: Generated<number>;
  episode_id: number;
  options: ColumnType<unknown, string, string>;
  model: string;
  prompt_version: string;
  status: "running" | "completed" | "partial" | "failed";
  chunks: ColumnType<number, number | undefined, number>;
  failed_chunks: ColumnType<unknown, string | undefined, string>;
  calls: ColumnType<number, number | undefined, number>;
  cached_chunks: ColumnType<number, number | undefined, number>;
  prompt_tokens: ColumnType<number, number | undefined, number>;
  output_tokens: ColumnType<number, number | undefined, number>;
  cost_usd: ColumnType<string, number | undefined, number>;
  kept: ColumnType<number, number | undefined, number>;
  dropped: ColumnType<number, number | undefined, number>;
  groups: ColumnType<number, number | undefined, number>;
  error: string | null;
  started_at: ColumnType<Date, Date | string | undefined, Date | string>;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** Expressions that share a scene. */
export interface ExpressionGroupsTable {
  id: Generated<number>;
  episode_id: number;
  run_id: number;
  context_start_ms: number;
  context_end_ms: number;
  render_mode: "combined" | "separate";
}

/** An expression found by analysis, with its review state and provenance. */
export interface ExpressionsTable {
  id: Generated<number>;
  episode_id: number;
  run_id: number;
  group_id: number | null;
  status: "pending" | "approved" | "rejected" | "dropped";
  drop_reason: string | null;
  text: string;
  normalized: string;
  line: string;
  cue_index: number;
  start_ms: number;
  end_ms: number;
  context_start_ms: number;
  context_end_ms: number;
  context_lines: ColumnType<unknown, string, string>;
  details: ColumnType<unknown, string, string>;
  difficulty: number;
  usefulness: number;
  score: number;
  chunk_index: number;
  llm_call_id: number | null;
  model: string;
  prompt_version: string;
  sample: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Every review decision and edit of an expression. */
export interface ExpressionEditsTable {
  id: Generated<number>;
  expression_id: number;
  decision: string | null;
  before: ColumnType<unknown, string, never>;
  after: ColumnType<unknown, string, never>;
  changed_by: string;
  changed_at: ColumnType<Date, Date | string | undefined, never>;
}

/** A rendered video and its publishing sidecar. */
export interface RendersTable {
  id: Generated<number>;
  group_id: number;
  episode_id: number;
  expression_ids: ColumnType<number[], number[], number[]>;
  kind: "short" | "long";
  path: string;
  sidecar_path: string;
  sidecar: ColumnType<unknown, string, string>;
  duration_ms: number;
  size_bytes: number;
  width: number;
  height: number;
  render_ms: number;
  marked: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A batch of episodes (its state is derived from its jobs). */
export interface BatchesTable {
  id: Generated<number>;
  options: ColumnType<unknown, string, string>;
  priority: number;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  finished_at: Date | null;
}

/** One episode's way through the stages. */
export interface JobsTable {
  id: Generated<number>;
  batch_id: number;
  episode_id: number;
  state: "waiting" | "active" | "waiting-review" | "completed" | "failed" | "cancelled";
  stage: "analyze" | "review" | "render" | "export" | "done";
  stage_percent: ColumnType<number, number | undefined, number>;
  percent: ColumnType<number, number | undefined, number>;
  eta_ms: number | null;
  attempts: ColumnType<number, number | undefined, number>;
  generation: ColumnType<number, number | undefined, number>;
  error: string | null;
  run_id: number | null;
  render_ids: ColumnType<number[], number[] | undefined, number[]>;
  export_path: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  started_at: Date | null;
  finished_at: Date | null;
}

/** One run of one stage of a job. */
export interface JobAttemptsTable {
  id: Generated<number>;
  job_id: number;
  stage: string;
  worker: string;
  started_at: ColumnType<Date, Date | string | undefined, never>;
  finished_at: Date | null;
  outcome: "completed" | "failed" | "retrying" | "cancelled" | "interrupted" | null;
  error: string | null;
}

/** A job's own log line. */
export interface JobLogsTable {
  id: Generated<string>;
  job_id: number;
  at: ColumnType<Date, Date | string | undefined, never>;
  level: "debug" | "info" | "warn" | "error";
  message: string;
  fields: ColumnType<unknown, string | null, never>;
}

/** Quota reserved and used per project, Pacific day and bucket. */
export interface QuotaLedgerTable {
  project: string;
  day: string;
  bucket: string;
  limit: number;
  used: ColumnType<number, number | undefined, number>;
  reserved: ColumnType<number, number | undefined, number>;
  exhausted_at: Date | null;
}

/** Videos scheduled per channel and local day, by kind. */
export interface ScheduleDaysTable {
  channel: string;
  day: string;
  shorts: ColumnType<number, number | undefined, number>;
  longs: ColumnType<number, number | undefined, number>;
}

/** Videos per channel and slot. */
export interface ScheduleSlotsTable {
  channel: string;
  starts_at: ColumnType<Date, Date | string, Date | string>;
  taken: ColumnType<number, number | undefined, number>;
}

/** A channel's upload cooldown. */
export interface YoutubeChannelsTable {
  channel: string;
  cooldown_until: Date | null;
  cooldown_reason: string | null;
}

/** A video on the publishing calendar. */
export interface SchedulesTable {
  id: Generated<number>;
  render_id: number;
  channel: string;
  kind: "short" | "long";
  slot_at: ColumnType<Date, Date | string, Date | string>;
  local_day: string;
  project: string;
  quota_day: string;
  reservation: ColumnType<Record<string, number>, string, string>;
  state: "scheduled" | "uploading" | "uploaded" | "failed" | "cancelled";
  privacy: string;
  video_id: string | null;
  session_uri: string | null;
  uploaded_bytes: ColumnType<string, number | string | undefined, number | string>;
  error: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The database as Kysely sees it. */
export interface DB {
  settings: SettingsTable;
  settings_audit: SettingsAuditTable;
  media_probes: MediaProbesTable;
  episodes: EpisodesTable;
  subtitle_tracks: SubtitleTracksTable;
  llm_calls: LlmCallsTable;
  analysis_runs: AnalysisRunsTable;
  expression_groups: ExpressionGroupsTable;
  expressions: ExpressionsTable;
  expression_edits: ExpressionEditsTable;
  renders: RendersTable;
  batches: BatchesTable;
  jobs: JobsTable;
  job_attempts: JobAttemptsTable;
  job_logs: JobLogsTable;
  quota_ledger: QuotaLedgerTable;
  schedule_days: ScheduleDaysTable;
  schedule_slots: ScheduleSlotsTable;
  schedules: SchedulesTable;
  youtube_channels: YoutubeChannelsTable;
}
