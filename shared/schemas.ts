/**
 * The zod schemas of everything that crosses between the daemon and its clients (the TUI and
 * users' scripts). Inputs are validated with these on the daemon; clients get the inferred types.
 * @module
 */
import { z } from "zod";
import { JOB_STATES, STAGES } from "./jobs.ts";

/** Status of the daemon as a whole and of each of its components. */
export const healthStatusSchema = z.enum(["ok", "degraded", "down"]);
/** `ok`, `degraded` or `down`. */
export type HealthStatus = z.infer<typeof healthStatusSchema>;

/** The components `health.check` reports on, in display order. */
export const COMPONENT_NAMES = ["db", "redis", "ffmpeg", "storage", "llm", "youtube"] as const;
/** One of {@link COMPONENT_NAMES}. */
export type ComponentName = (typeof COMPONENT_NAMES)[number];

/** The result of one component check: what was found, and how long the check took. */
export const componentHealthSchema = z.object({
  status: healthStatusSchema,
  /** What a person needs to know: a version, free space, or what is wrong and how to fix it. */
  detail: z.string(),
  latencyMs: z.number().nonnegative(),
});
/** See {@link componentHealthSchema}. */
export type ComponentHealth = z.infer<typeof componentHealthSchema>;

/** The answer of `health.check` and the body of `GET /healthz`. */
export const healthReportSchema = z.object({
  status: healthStatusSchema,
  version: z.string(),
  uptimeS: z.number().nonnegative(),
  /** When the checks ran (ISO 8601, UTC). */
  checkedAt: z.string(),
  components: z.object({
    db: componentHealthSchema,
    redis: componentHealthSchema,
    ffmpeg: componentHealthSchema,
    storage: componentHealthSchema,
    llm: componentHealthSchema,
    youtube: componentHealthSchema,
  }),
});
/** See {@link healthReportSchema}. */
export type HealthReport = z.infer<typeof healthReportSchema>;

/** Severity of a log line. */
export const logLevelSchema = z.enum(["debug", "info", "warn", "error"]);
/** See {@link logLevelSchema}. */
export type LogLevel = z.infer<typeof logLevelSchema>;

const eventBase = {
  /** When the event happened (ISO 8601, UTC). */
  at: z.string(),
  /** The daemon instance that published it (`host:pid`); several daemons share one stream. */
  source: z.string(),
};

/** A log line worth showing to clients (warnings and errors, and notable info). */
export const logEventSchema = z.object({
  type: z.literal("log"),
  ...eventBase,
  data: z.object({
    level: logLevelSchema,
    message: z.string(),
    fields: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** Published when the overall or a component status changes. */
export const healthEventSchema = z.object({
  type: z.literal("health"),
  ...eventBase,
  data: z.object({
    status: healthStatusSchema,
    components: z.record(z.enum(COMPONENT_NAMES), healthStatusSchema),
  }),
});

/** Published after a library scan changed something. */
export const libraryChangedEventSchema = z.object({
  type: z.literal("library.changed"),
  ...eventBase,
  data: z.object({
    roots: z.array(z.string()),
    added: z.number().int(),
    updated: z.number().int(),
    removed: z.number().int(),
  }),
});

/** Progress of a running library scan (at most a few per second). */
export const libraryProgressEventSchema = z.object({
  type: z.literal("library.progress"),
  ...eventBase,
  data: z.object({
    phase: z.enum(["walking", "probing", "saving", "done"]),
    /** Files handled so far, and the total once known (0 while walking). */
    done: z.number().int(),
    total: z.number().int(),
  }),
});

/** Published when an episode's expressions change (an analysis, a review). */
export const expressionsChangedEventSchema = z.object({
  type: z.literal("expressions.changed"),
  ...eventBase,
  data: z.object({
    episodeIds: z.array(z.number().int()),
    /** The analysis run that produced them, when it was one. */
    runId: z.number().int().nullable(),
    /** `analysis`, or the review decision. */
    cause: z.enum(["analysis", "approve", "reject", "edit"]),
    count: z.number().int(),
  }),
});

/** Published when a video has been rendered. */
export const renderDoneEventSchema = z.object({
  type: z.literal("render.done"),
  ...eventBase,
  data: z.object({
    renderId: z.number().int(),
    groupId: z.number().int(),
    kind: z.enum(["short", "long"]),
    path: z.string(),
    durationMs: z.number().int(),
  }),
});

/** Progress of a job (at most four a second per job; never backwards within a stage). */
export const jobProgressEventSchema = z.object({
  type: z.literal("job.progress"),
  ...eventBase,
  data: z.object({
    jobId: z.number().int(),
    batchId: z.number().int(),
    episodeId: z.number().int(),
    stage: z.enum(STAGES),
    /** Of the current stage, 0–100. */
    stagePercent: z.number(),
    /** Overall, 0–100. */
    percent: z.number(),
    etaMs: z.number().int().nullable(),
  }),
});

/** A job changed state or stage. */
export const jobStateEventSchema = z.object({
  type: z.literal("job.state"),
  ...eventBase,
  data: z.object({
    jobId: z.number().int(),
    batchId: z.number().int(),
    episodeId: z.number().int(),
    state: z.enum(JOB_STATES),
    stage: z.enum(STAGES),
    error: z.string().nullable(),
  }),
});

/** A batch's counts or state changed. */
export const batchStateEventSchema = z.object({
  type: z.literal("batch.state"),
  ...eventBase,
  data: z.object({
    batchId: z.number().int(),
    state: z.enum(["active", "waiting-review", "completed", "failed", "cancelled"]),
    percent: z.number(),
    counts: z.record(z.enum(JOB_STATES), z.number().int()),
  }),
});

/** Videos were put on, moved on or taken off the calendar, or their upload state changed. */
export const scheduleChangedEventSchema = z.object({
  type: z.literal("schedule.changed"),
  ...eventBase,
  data: z.object({ scheduleIds: z.array(z.number().int()) }),
});

/** The quota ledger of some Pacific days changed (a reservation, an upload, a spent bucket). */
export const quotaChangedEventSchema = z.object({
  type: z.literal("quota.changed"),
  ...eventBase,
  data: z.object({ days: z.array(z.string()) }),
});

/** Run-time settings were changed. */
export const settingsChangedEventSchema = z.object({
  type: z.literal("settings.changed"),
  ...eventBase,
  data: z.object({ keys: z.array(z.string()), by: z.string() }),
});

/** Progress of an export asked for by hand (at most four a second). */
export const exportProgressEventSchema = z.object({
  type: z.literal("export.progress"),
  ...eventBase,
  data: z.object({ exportId: z.string(), percent: z.number() }),
});

/** Every event kind `events.subscribe` delivers. */
export const appEventSchema = z.discriminatedUnion("type", [
  logEventSchema,
  healthEventSchema,
  libraryChangedEventSchema,
  libraryProgressEventSchema,
  expressionsChangedEventSchema,
  renderDoneEventSchema,
  jobProgressEventSchema,
  jobStateEventSchema,
  batchStateEventSchema,
  scheduleChangedEventSchema,
  quotaChangedEventSchema,
  settingsChangedEventSchema,
  exportProgressEventSchema,
]);
/** See {@link appEventSchema}. */
export type AppEvent = z.infer<typeof appEventSchema>;
/** The `type` of an {@link AppEvent}. */
export type AppEventType = AppEvent["type"];
/** All event types, for filters. */
export const EVENT_TYPES = [
  "log",
  "health",
  "library.changed",
  "library.progress",
  "expressions.changed",
  "render.done",
  "job.progress",
  "job.state",
  "batch.state",
  "schedule.changed",
  "quota.changed",
  "settings.changed",
  "export.progress",
] as const satisfies readonly AppEventType[];

/** Input of `events.subscribe`. `lastEventId` is filled in by the client when it reconnects. */
export const eventsSubscribeInputSchema = z.strictObject({
  /** Resume after this event id (a Redis stream id); without it only new events arrive. */
  lastEventId: z.string().max(60).regex(/^\d+-\d+$/, "a stream id like 1732147200000-0").nullish(),
  /** Only these event types; all when omitted. */
  types: z.array(z.enum(EVENT_TYPES)).min(1).max(EVENT_TYPES.length).optional(),
});
/** See {@link eventsSubscribeInputSchema}. */
export type EventsSubscribeInput = z.infer<typeof eventsSubscribeInputSchema>;

/** Contents of `<data dir>/daemon.json`, written by a running daemon. */
export const daemonFileSchema = z.object({
  url: z.string().url(),
  pid: z.number().int().positive(),
  version: z.string(),
});
/** See {@link daemonFileSchema}. */
export type DaemonFile = z.infer<typeof daemonFileSchema>;

/** One subtitle cue. Times are milliseconds from the start of the video. */
export const cueSchema = z.object({
  /** 1-based position in the track after sorting by start time. */
  index: z.number().int().positive(),
  startMs: z.number().int().nonnegative(),
  endMs: z.number().int().nonnegative(),
  /** Cleaned text; lines separated by `\n`. */
  text: z.string(),
});
/** See {@link cueSchema}. */
export type Cue = z.infer<typeof cueSchema>;

/** An audio stream of a video file. */
export const audioTrackSchema = z.object({
  index: z.number().int(),
  codec: z.string().nullable(),
  language: z.string().nullable(),
  channels: z.number().int().nullable(),
  title: z.string().nullable(),
  default: z.boolean(),
});
/** See {@link audioTrackSchema}. */
export type AudioTrack = z.infer<typeof audioTrackSchema>;

/** A subtitle track: a sidecar file next to the video, or a stream inside it. */
export const subtitleTrackSchema = z.object({
  id: z.number().int(),
  source: z.enum(["sidecar", "embedded"]),
  /** The sidecar file (absolute path); null for embedded streams. */
  path: z.string().nullable(),
  /** The ffprobe stream index of an embedded track. */
  streamIndex: z.number().int().nullable(),
  /** ISO 639-1 code where known (`en`), else the code found (`tlh`), else null. */
  language: z.string().nullable(),
  title: z.string().nullable(),
  forced: z.boolean(),
  /** For the deaf and hard of hearing (SDH / CC / HI). */
  sdh: z.boolean(),
  /** `srt`, `vtt`, `ass`, `ssa`, or the codec of an embedded stream (`subrip`, `hdmv_pgs_subtitle` …). */
  format: z.string(),
  supported: z.boolean(),
  /** Why a track cannot be used (bitmap subtitles) and what to do. */
  unsupportedReason: z.string().nullable(),
});
/** See {@link subtitleTrackSchema}. */
export type SubtitleTrack = z.infer<typeof subtitleTrackSchema>;

/** A video file in the library: an episode of a show, or a film. */
export const episodeSchema = z.object({
  id: z.number().int(),
  kind: z.enum(["episode", "film"]),
  show: z.string(),
  season: z.number().int().nullable(),
  episode: z.number().int().nullable(),
  /** Last episode of a multi-episode file (`S01E01E02`), else null. */
  episodeEnd: z.number().int().nullable(),
  title: z.string().nullable(),
  year: z.number().int().nullable(),
  /** Absolute path of the video file. */
  path: z.string(),
  /** The media root it was found under, and its path relative to that root. */
  root: z.string(),
  relPath: z.string(),
  sizeBytes: z.number(),
  durationMs: z.number().int().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  fps: z.number().nullable(),
  videoCodec: z.string().nullable(),
  audioTracks: z.array(audioTrackSchema),
  /** Languages of the usable subtitle tracks, sorted. */
  subtitleLanguages: z.array(z.string()),
  /** Why ffprobe could not read the file (corrupt or not a video), else null. */
  probeError: z.string().nullable(),
  addedAt: z.string(),
  updatedAt: z.string(),
});
/** See {@link episodeSchema}. */
export type Episode = z.infer<typeof episodeSchema>;

/** An episode with its subtitle tracks (`library.get`). */
export const episodeDetailSchema = episodeSchema.extend({ subtitleTracks: z.array(subtitleTrackSchema) });
/** See {@link episodeDetailSchema}. */
export type EpisodeDetail = z.infer<typeof episodeDetailSchema>;

/** The longest path an input may name (Linux's PATH_MAX). */
export const MAX_PATH_LENGTH = 4096;

/**
 * An absolute or relative path given by a client, before the daemon checks where it leads: at
 * most {@link MAX_PATH_LENGTH} characters and no control characters (a NUL byte would cut the
 * path short in system calls; a newline would forge log lines).
 */
export const pathInputSchema = z.string().min(1).max(MAX_PATH_LENGTH).regex(
  /^[^\p{Cc}]+$/u,
  "a path without control characters (NUL, newline, tab …)",
);

/** Input of `library.scan`: every root, or the one named (a configured root, not a folder inside one). */
export const libraryScanInputSchema = z.strictObject({ root: pathInputSchema.optional() }).optional();
/** See {@link libraryScanInputSchema}. */
export type LibraryScanInput = z.input<typeof libraryScanInputSchema>;

/** Input of `library.list`. */
export const libraryListInputSchema = z.strictObject({
  /** Words that must all appear in the show, title or file path (case-insensitive). */
  query: z.string().trim().max(200).optional(),
  show: z.string().trim().min(1).max(300).optional(),
  /** Only episodes with (true) or without (false) a usable subtitle track. */
  hasSubtitles: z.boolean().optional(),
  /** Only episodes with a usable subtitle track in this language (ISO 639-1, e.g. `en`). */
  language: z.string().trim().min(2).max(8).optional(),
  cursor: z.string().max(500).nullish(),
  limit: z.number().int().min(1).max(1000).default(100),
});
/** See {@link libraryListInputSchema}. */
export type LibraryListInput = z.input<typeof libraryListInputSchema>;

/** Answer of `library.scan`. */
export const scanResultSchema = z.object({
  added: z.number().int(),
  updated: z.number().int(),
  removed: z.number().int(),
  unchanged: z.number().int(),
  /** Files ffprobe could not read this scan (listed with their reason in `library.get`). */
  failed: z.number().int(),
  probes: z.number().int(),
  durationMs: z.number(),
});
/** See {@link scanResultSchema}. */
export type ScanResult = z.infer<typeof scanResultSchema>;

/** A media root with the room left on its file system. */
export const mediaRootSchema = z.object({
  path: z.string(),
  exists: z.boolean(),
  readable: z.boolean(),
  freeBytes: z.number().nullable(),
  episodes: z.number().int(),
});
/** See {@link mediaRootSchema}. */
export type MediaRoot = z.infer<typeof mediaRootSchema>;
