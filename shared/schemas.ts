/**
 * The zod schemas of everything that crosses between the daemon and its clients (the TUI and
 * users' scripts). Inputs are validated with these on the daemon; clients get the inferred types.
 * @module
 */
import { z } from "zod";

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

/** Every event kind `events.subscribe` delivers. */
export const appEventSchema = z.discriminatedUnion("type", [logEventSchema, healthEventSchema]);
/** See {@link appEventSchema}. */
export type AppEvent = z.infer<typeof appEventSchema>;
/** The `type` of an {@link AppEvent}. */
export type AppEventType = AppEvent["type"];
/** All event types, for filters. */
export const EVENT_TYPES = ["log", "health"] as const satisfies readonly AppEventType[];

/** Input of `events.subscribe`. `lastEventId` is filled in by the client when it reconnects. */
export const eventsSubscribeInputSchema = z.object({
  /** Resume after this event id (a Redis stream id); without it only new events arrive. */
  lastEventId: z.string().regex(/^\d+-\d+$/, "a stream id like 1732147200000-0").nullish(),
  /** Only these event types; all when omitted. */
  types: z.array(z.enum(EVENT_TYPES)).min(1).optional(),
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
