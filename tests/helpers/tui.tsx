/**
 * What the TUI's component tests share: a fake client that speaks the part of the daemon's API
 * the TUI uses, sample data, and thin helpers around ink-testing-library's `render` (scoping
 * with `using`, waiting for a frame, resizing, stripping escapes).
 */
import { setImmediate } from "node:timers";
import chalk from "chalk";
import { render } from "ink-testing-library";
import type { ReactElement } from "react";
import type { AnalysisEstimate, AnalysisRun, Expression, ExpressionSummary } from "../../shared/analysis.ts";
import type { ConnectionState } from "../../shared/client.ts";
import type { ExportResult } from "../../shared/export.ts";
import {
  type Batch,
  type BatchOptions,
  FINISHED_JOB_STATES,
  type Job,
  JOB_STATES,
  type JobLogLine,
  type JobState,
  QUEUE_NAMES,
  type QueueStats,
} from "../../shared/jobs.ts";
import type { Render } from "../../shared/render.ts";
import type { CalendarDay, QuotaStatus, Schedule } from "../../shared/schedule.ts";
import type {
  AppEvent,
  Cue,
  Episode,
  EpisodeDetail,
  HealthReport,
  HealthStatus,
  LibraryListInput,
  MediaRoot,
  ScanResult,
  SubtitleTrack,
} from "../../shared/schemas.ts";
import { SETTINGS, settingsUpdateSchema } from "../../daemon/settings/mod.ts";
import { App } from "../../tui/App.tsx";
import { createConnectionStore } from "../../tui/connection_store.ts";
import type {
  BatchCreateInput,
  CuesInput,
  EstimateInput,
  EventObserver,
  ExportInput,
  ExpressionsListInput,
  JobLogsInput,
  PublishingSettings,
  PublishingSettingsUpdate,
  RendersCreateInput,
  RendersListInput,
  ReviewInput,
  ScheduleListInput,
  SlotsInput,
  TuiClient,
  YouTubeAuthCompleteInput,
  YouTubeAuthStart,
  YouTubeStatus,
} from "../../tui/context/ClientContext.tsx";
import type { ScreenDefinition } from "../../tui/screens/screen.ts";
import type { Theme } from "../../tui/theme.ts";

// ---------------------------------------------------------------------------------------------
// ink-testing-library, scoped and awaited

/** What ink-testing-library's `render` returns, disposable with `using`. */
export type Rendered = ReturnType<typeof render> & Disposable;

/** Renders `tree` with ink-testing-library; `using` unmounts it at the end of the test. */
export function mount(tree: ReactElement): Rendered {
  const instance = render(tree);
  return Object.assign(instance, { [Symbol.dispose]: () => instance.unmount() });
}

/**
 * Resizes the in-memory terminal as a real one would (ink-testing-library's stdout has 100
 * columns and no rows, which the TUI reads as 24).
 */
export function resize(app: Rendered, columns: number, rows: number): void {
  Object.defineProperty(app.stdout, "columns", { value: columns, configurable: true });
  Object.defineProperty(app.stdout, "rows", { value: rows, configurable: true });
  app.stdout.emit("resize");
}

/** Lets React render what the keys written so far changed (one turn of the event loop). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Keys as a terminal sends them. */
export const KEYS = {
  ESC: "\x1b",
  ENTER: "\r",
  TAB: "\t",
  SHIFT_TAB: "\x1b[Z",
  BACKSPACE: "\x7f",
  UP: "\x1b[A",
  DOWN: "\x1b[B",
  RIGHT: "\x1b[C",
  LEFT: "\x1b[D",
  CTRL_U: "\x15",
} as const;

/** Writes keys one at a time, as a person types them, letting React render after each. */
export async function press(app: Rendered, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    app.stdin.write(key);
    // A lone Esc is only taken as one after a short wait (it could start a sequence).
    if (key === KEYS.ESC) await new Promise((resolve) => setTimeout(resolve, 50));
    await settle();
  }
}

/** Waits until `predicate` holds; fails saying what was awaited, and what `describe` shows. */
export async function until(
  predicate: () => boolean,
  what: string,
  options: { timeoutMs?: number; describe?: () => string } = {},
): Promise<void> {
  // Generous: a benchmark may keep the machine's CPUs busy while the tests run.
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.\n${options.describe?.() ?? ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the last frame satisfies `predicate` and returns it; fails with the frame. */
export async function waitForFrame(
  app: Rendered,
  predicate: (frame: string) => boolean,
  what: string,
  timeoutMs?: number,
): Promise<string> {
  const last = () => app.lastFrame() ?? "";
  await until(() => predicate(last()), what, { timeoutMs, describe: () => `Last frame:\n${last()}` });
  return last();
}

/** Text without ANSI escapes. */
// deno-lint-ignore no-control-regex -- escape sequences are what this removes
export const plain = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, "");

/** The text inside a frame's panels as one line, spaces collapsed: what wraps over lines reads whole. */
export const joined = (frame: string): string =>
  plain(frame).split("\n").map((line) => line.replace(/^[│╭╰]\s?/, "").replace(/\s*[│╮╯]$/, "")).join(" ")
    .replace(/\s+/g, " ");

/** The SGR parameters in `text` that set a foreground or background colour. */
export function colourCodes(text: string): string[] {
  const found: string[] = [];
  // deno-lint-ignore no-control-regex -- escape sequences are what this looks for
  for (const [, params] of text.matchAll(/\x1b\[([0-9;]*)m/g)) {
    for (const param of params.split(";")) {
      const n = Number(param);
      if ((n >= 30 && n <= 49) || (n >= 90 && n <= 107)) found.push(param);
    }
  }
  return found;
}

/** Makes chalk (through which Ink colours text) emit colours although stdout is not a terminal. */
export function forceColours(): Disposable {
  const previous = chalk.level;
  chalk.level = 3;
  return { [Symbol.dispose]: () => void (chalk.level = previous) };
}

// ---------------------------------------------------------------------------------------------
// Sample data

/** A health report with every component ok, but for `overrides`. */
export function healthReport(
  overrides: Partial<Record<string, { status: HealthStatus; detail?: string }>> = {},
): HealthReport {
  const component = (name: string, status: HealthStatus, latencyMs: number, detail: string) => ({
    status: overrides[name]?.status ?? status,
    detail: overrides[name]?.detail ?? detail,
    latencyMs,
  });
  const components = {
    db: component("db", "ok", 1.24, "PostgreSQL 17.5 (embedded PGlite)"),
    redis: component("redis", "ok", 2, "managed redis-server"),
    ffmpeg: component("ffmpeg", "ok", 37.6, "ffmpeg version 5.1"),
    storage: component("storage", "ok", 3, "data 79 GiB free"),
    llm: component("llm", "ok", 0, "gemini-2.5-flash"),
    youtube: component("youtube", "ok", 0, "channel connected"),
  };
  const statuses = Object.values(components).map((c) => c.status);
  const status: HealthStatus = statuses.includes("down")
    ? "down"
    : statuses.includes("degraded")
    ? "degraded"
    : "ok";
  return { status, version: "0.1.0", uptimeS: 7_380, checkedAt: new Date().toISOString(), components };
}

/** An episode of `show` (or a film), with media information and English and Spanish subtitles. */
export function episode(fields: Partial<Episode> & { id: number; show: string }): Episode {
  const base: Episode = {
    id: fields.id,
    kind: "episode",
    show: fields.show,
    season: 1,
    episode: 1,
    episodeEnd: null,
    title: "Pilot",
    year: null,
    path: "",
    root: "/media",
    relPath: "",
    sizeBytes: 1_300_000,
    durationMs: 160_000,
    width: 1280,
    height: 720,
    fps: 25,
    videoCodec: "h264",
    audioTracks: [{ index: 1, codec: "aac", language: "eng", channels: 2, title: null, default: true }],
    subtitleLanguages: ["en", "es"],
    probeError: null,
    addedAt: "2026-11-20T10:00:00.000Z",
    updatedAt: "2026-11-20T10:00:00.000Z",
  };
  const merged = { ...base, ...fields };
  const relPath = fields.relPath ??
    (merged.kind === "film"
      ? `${merged.show} (${merged.year}).mkv`
      : `${merged.show}/Season ${merged.season}/${merged.show} - S${merged.season}E${merged.episode}.mkv`);
  return { ...merged, relPath, path: fields.path ?? `/media/${relPath}` };
}

/** `count` episodes over shows of four seasons of 25 episodes each, in library order. */
export function manyEpisodes(count: number): Episode[] {
  return Array.from({ length: count }, (_, i) => {
    const show = `Show ${String(Math.floor(i / 100) + 1).padStart(3, "0")}`;
    return episode({
      id: i + 1,
      show,
      season: Math.floor((i % 100) / 25) + 1,
      episode: (i % 25) + 1,
      title: `Episode number ${i + 1}`,
    });
  });
}

/** A sidecar subtitle track. */
export function subtitleTrack(fields: Partial<SubtitleTrack> & { id: number }): SubtitleTrack {
  return {
    source: "sidecar",
    path: null,
    streamIndex: null,
    language: "en",
    title: null,
    forced: false,
    sdh: false,
    format: "srt",
    supported: true,
    unsupportedReason: null,
    ...fields,
  };
}

/**
 * An expression of episode `episodeId` found in its line `text` is in, with a context of three
 * lines, a Spanish translation, and the analysis' other fields filled in.
 */
export function expression(
  fields: Partial<Expression> & { id: number; episodeId: number; text: string },
): Expression {
  const startMs = fields.startMs ?? fields.id * 10_000;
  const line = fields.line ?? `Well, ${fields.text}, I guess.`;
  return {
    runId: 1,
    groupId: null,
    status: "pending",
    dropReason: null,
    line,
    startMs,
    endMs: startMs + 2_000,
    contextStartMs: startMs - 3_000,
    contextEndMs: startMs + 5_000,
    contextLines: [
      { index: 1, startMs: startMs - 3_000, text: "What do we do now?" },
      { index: 2, startMs, text: line },
      { index: 3, startMs: startMs + 3_000, text: "Fine by me." },
    ],
    translations: [{
      language: "es",
      expression: `«${fields.text}» en español`,
      line: `Bueno, «${fields.text}», supongo.`,
      title: `Aprende «${fields.text}»`,
    }],
    meaning: `What "${fields.text}" means.`,
    similar: ["a similar one", "another"],
    example: `An example with ${fields.text}.`,
    difficulty: 5,
    usefulness: 7,
    keywords: [],
    sceneType: "chat",
    score: 0.5,
    chunkIndex: 0,
    model: "gemini-2.5-flash",
    promptVersion: "v1",
    sample: false,
    updatedAt: "2026-11-20T10:00:00.000Z",
    ...fields,
  };
}

/** A finished analysis run of `episodeId`. */
export function analysisRun(fields: Partial<AnalysisRun> & { episodeId: number }): AnalysisRun {
  return {
    id: 1,
    status: "completed",
    chunks: 3,
    failedChunks: [],
    calls: 1,
    cachedChunks: 2,
    promptTokens: 2_700,
    outputTokens: 1_200,
    costUsd: 0.0012,
    kept: 4,
    dropped: 2,
    groups: 1,
    durationMs: 2_340,
    error: null,
    ...fields,
  };
}

/**
 * A rendered Short of expression `text` (id `expressionIds[0]`, default `id * 10`) from Sample
 * Show S01E01, with a sidecar in English and Spanish.
 */
export function renderOf(fields: Partial<Render> & { id: number; text?: string }): Render {
  const { text = "break the ice", ...rest } = fields;
  const kind = rest.kind ?? "short";
  const expressionId = rest.expressionIds?.[0] ?? fields.id * 10;
  const slug = text.replaceAll(" ", "-");
  const path = rest.path ?? `/data/outputs/sample-show/S01E01/${slug}-e${expressionId}-${kind}.mp4`;
  const durationMs = rest.durationMs ?? 58_000;
  return {
    groupId: 1,
    episodeId: 1,
    expressionIds: [expressionId],
    kind,
    path,
    sidecarPath: path.replace(/\.mp4$/, ".json"),
    sidecar: {
      titles: { es: `Aprende «${text}» | Sample Show`, en: `"${text}" — learn it from Sample Show` },
      description: `“${text}” — what "${text}" means\nes: «${text}» en español\n\n` +
        "Clip from Sample Show S01E01 (00:01:47–00:02:10), used for language teaching.\nMade with lingoreel.",
      tags: [text, "Sample Show", "learn english"],
      language: "en",
      madeForKids: false,
      source: { show: "Sample Show", episode: "S01E01", startMs: 107_000, endMs: 130_000 },
      expressions: [{ id: expressionId, text }],
      kind,
      durationMs,
    },
    durationMs,
    sizeBytes: 4_200_000,
    width: kind === "short" ? 1080 : 1920,
    height: kind === "short" ? 1920 : 1080,
    renderMs: 23_400,
    marked: false,
    createdAt: "2026-11-21T10:00:00.000Z",
    ...rest,
  };
}

/** What `analysis.estimate` answers for `episodes` episodes: 3 chunks each, one of them cached. */
export function analysisEstimate(
  episodes = 2,
  budget: Partial<AnalysisEstimate["budget"]> = {},
): AnalysisEstimate {
  const each = {
    chunks: 3,
    calls: 2,
    cachedChunks: 1,
    promptTokens: 5_200,
    outputTokens: 1_100,
    costUsd: 0.0021,
  };
  return {
    episodes: Array.from({ length: episodes }, (_, i) => ({ episodeId: i + 1, ...each })),
    totals: {
      chunks: each.chunks * episodes,
      calls: each.calls * episodes,
      cachedChunks: each.cachedChunks * episodes,
      promptTokens: each.promptTokens * episodes,
      outputTokens: each.outputTokens * episodes,
      costUsd: each.costUsd * episodes,
    },
    model: "gemini-2.5-flash",
    budget: { dailyLimitUsd: 5, spentTodayUsd: 0.25, fits: true, ...budget },
  };
}

/** The job of episode `episodeId` in batch `batchId`, waiting to be analysed but for `fields`. */
export function jobOf(fields: Partial<Job> & { id: number; batchId: number; episodeId: number }): Job {
  return {
    label: `Sample Show S01E0${fields.episodeId}`,
    state: "waiting",
    stage: "analyze",
    percent: 0,
    stagePercent: 0,
    etaMs: null,
    attempts: 0,
    error: null,
    runId: null,
    renderIds: [],
    exportPath: null,
    createdAt: "2026-11-21T10:00:00.000Z",
    startedAt: null,
    finishedAt: null,
    ...fields,
  };
}

/** The batch `id` over `jobs` (its own), with counts, progress and state as the daemon derives them. */
export function batchOf(
  fields: { id: number; options?: Partial<BatchOptions>; createdAt?: string },
  jobs: readonly Job[],
): Batch {
  const own = jobs.filter((job) => job.batchId === fields.id);
  const counts = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
  let percent = 0;
  for (const job of own) {
    counts[job.state]++;
    percent += FINISHED_JOB_STATES.includes(job.state) ? 100 : job.percent;
  }
  const state: Batch["state"] = counts.waiting + counts.active > 0
    ? "active"
    : counts["waiting-review"] > 0
    ? "waiting-review"
    : counts.failed > 0
    ? "failed"
    : counts.completed > 0
    ? "completed"
    : "cancelled";
  return {
    id: fields.id,
    state,
    options: { analysis: {}, render: {}, review: "auto", autoSchedule: false, ...fields.options },
    priority: own.length === 1 ? 1 : 10,
    counts,
    percent: own.length ? Math.round((percent / own.length) * 10) / 10 : 0,
    total: own.length,
    createdAt: fields.createdAt ?? "2026-11-21T10:00:00.000Z",
    finishedAt: null,
  };
}

/**
 * What `export.anki` answers for an Anki package of 12 notes from Sample Show, but for `fields`;
 * CSV, TSV and JSON get a media folder beside the file.
 */
export function exportResultOf(fields: Partial<ExportResult> = {}): ExportResult {
  const format = fields.format ?? "anki";
  const extension = format === "anki" ? "apkg" : format;
  return {
    path: `/data/outputs/decks/sample-show-s01e01.${extension}`,
    format,
    mediaDir: format === "anki" ? null : "/data/outputs/decks/sample-show-s01e01.media",
    deckName: "lingoreel::Sample Show",
    notes: 12,
    cards: 24,
    mediaFiles: 24,
    ffmpegRuns: 2,
    durationMs: 3_400,
    warnings: [],
    ...fields,
  };
}

/** An `export.progress` event, as the daemon publishes it. */
export function exportProgressEvent(exportId: string, percent: number): AppEvent {
  return {
    type: "export.progress",
    at: new Date().toISOString(),
    source: "test:1",
    data: { exportId, percent },
  };
}

/** The stats of both stage queues, idle and running, but for `fields` (applied to each). */
export function queueStatsOf(fields: Partial<Omit<QueueStats, "name">> = {}): QueueStats[] {
  return QUEUE_NAMES.map((name) => ({
    name,
    paused: false,
    waiting: 0,
    active: 0,
    delayed: 0,
    completed: 0,
    failed: 0,
    workers: 1,
    ...fields,
  }));
}

/** An error as the tRPC client throws it for a daemon's `TRPCError`. */
export function rpcError(code: string, message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

/** The day (`YYYY-MM-DD`, UTC) `offset` days from today. */
export function dayFromToday(offset: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}

/**
 * A day of the calendar (in UTC) with a slot at each of `times`, `capacity` videos each, with
 * `taken[time]` of them taken; the day's counts and caps as given (3 Shorts, 1 long, 3 in all).
 */
export function calendarDay(
  day: string,
  times: readonly string[],
  fields: {
    capacity?: number;
    taken?: Record<string, number>;
    shorts?: number;
    longs?: number;
    caps?: CalendarDay["caps"];
  } = {},
): CalendarDay {
  const capacity = fields.capacity ?? 1;
  return {
    day,
    shorts: fields.shorts ?? 0,
    longs: fields.longs ?? 0,
    caps: fields.caps ?? { short: 3, long: 1, total: 3 },
    slots: times.map((time) => {
      const taken = fields.taken?.[time] ?? 0;
      return {
        startsAt: new Date(`${day}T${time}:00.000Z`).toISOString(),
        time,
        capacity,
        taken,
        left: Math.max(0, capacity - taken),
      };
    }),
  };
}

/** A video on the calendar at `slotAt` (UTC), scheduled, as `schedule.list` answers it. */
export function scheduleOf(
  fields: Partial<Schedule> & { id: number; renderId: number; slotAt: string },
): Schedule {
  return {
    kind: "short",
    title: `Video of render ${fields.renderId}`,
    channel: "default",
    localDay: fields.slotAt.slice(0, 10),
    quotaDay: fields.slotAt.slice(0, 10),
    reservation: { "videos.insert": 1 },
    state: "scheduled",
    privacy: "scheduled",
    videoId: null,
    uploadedBytes: 0,
    sizeBytes: 4_200_000,
    error: null,
    createdAt: "2026-11-21T10:00:00.000Z",
    updatedAt: "2026-11-21T10:00:00.000Z",
    ...fields,
  };
}

/** `quota.status` over `buckets` (used and reserved as given), with percent and warning as the daemon derives them. */
export function quotaStatusOf(
  buckets: readonly { name: string; limit: number; used?: number; reserved?: number; until?: string }[] = [
    { name: "pool", limit: 10_000, used: 1_200 },
    { name: "videos.insert", limit: 100, used: 10, reserved: 2 },
  ],
  fields: { warningPercent?: number; cooldownUntil?: string | null; day?: string } = {},
): QuotaStatus {
  const warningPercent = fields.warningPercent ?? 80;
  return {
    project: "default",
    day: fields.day ?? dayFromToday(0),
    warningPercent,
    cooldownUntil: fields.cooldownUntil ?? null,
    buckets: buckets.map((bucket) => {
      const used = bucket.used ?? 0;
      const reserved = bucket.reserved ?? 0;
      const percent = bucket.limit ? Math.round(((used + reserved) / bucket.limit) * 1000) / 10 : 100;
      const exhausted = bucket.until !== undefined;
      return {
        name: bucket.name,
        limit: bucket.limit,
        used,
        reserved,
        free: Math.max(0, bucket.limit - used - reserved),
        percent,
        warning: exhausted || percent >= warningPercent,
        exhausted,
        until: bucket.until ?? null,
      };
    }),
  };
}

/** `youtube.status` of a configured client connected to "Learn With Clips", but for `fields`. */
export function youtubeStatusOf(fields: Partial<YouTubeStatus> = {}): YouTubeStatus {
  return {
    configured: true,
    connected: true,
    channel: { id: "UCclips123", title: "Learn With Clips" },
    scopes: ["https://www.googleapis.com/auth/youtube.upload"],
    accessExpiresAt: "2026-11-21T11:00:00.000Z",
    refreshExpiresAt: null,
    pending: null,
    warnings: [],
    ...fields,
  };
}

/** The publishing settings' defaults, as the daemon has them before anyone changed them. */
export function defaultPublishingSettings(): PublishingSettings {
  return {
    "schedule.calendar": SETTINGS["schedule.calendar"].parse(undefined),
    "quota.buckets": SETTINGS["quota.buckets"].parse(undefined),
    "quota.warningPercent": SETTINGS["quota.warningPercent"].parse(undefined),
  };
}

// ---------------------------------------------------------------------------------------------
// A fake client

/** A scan the test finishes by hand. */
interface PendingScan {
  resolve(result: ScanResult): void;
  reject(error: Error): void;
}

/** A `renders.create` call the test finishes by hand. */
interface PendingRender {
  readonly input: RendersCreateInput;
  resolve(renders: Render[]): void;
  reject(error: Error): void;
}

/** An `export.anki` call the test finishes by hand (or `export.cancel` does). */
interface PendingExport {
  readonly input: ExportInput;
  resolve(result: ExportResult): void;
  reject(error: Error): void;
}

/** An analysis run the test finishes by hand. */
interface PendingRun {
  readonly episodeId: number;
  resolve(run: AnalysisRun): void;
  reject(error: Error): void;
}

/**
 * The part of the daemon the TUI talks to, in memory: health, events (emitted by the test),
 * the library procedures over {@link episodes}, expressions (reviewed as the daemon does),
 * batches and jobs, renders, the calendar, settings, and exports (answered by the test).
 */
export class FakeClient {
  readonly connection = createConnectionStore({ kind: "connected", url: "ws://127.0.0.1:7470" });
  readonly observers = new Set<EventObserver>();
  health: HealthReport | Error = healthReport();
  checks = 0;
  closes = 0;

  episodes: Episode[] = [];
  roots: MediaRoot[] = [{ path: "/media", exists: true, readable: true, freeBytes: 1e11, episodes: 0 }];
  /** Subtitle tracks by episode id (none when missing). */
  tracks = new Map<number, SubtitleTrack[]>();
  /** Cues by episode id, or the error `library.cues` fails with. */
  cues = new Map<number, Cue[] | Error>();
  /** Every `library.list` input, in order. */
  readonly listCalls: LibraryListInput[] = [];
  /** Awaited before each `library.list` page is answered (to watch a load in progress). */
  beforePage: ((input: LibraryListInput) => Promise<void> | undefined) | undefined;
  readonly scans: PendingScan[] = [];
  /** Every expression, of every episode, in time order. */
  expressions: Expression[] = [];
  /** Every `expressions.list` input, in order. */
  readonly expressionListCalls: ExpressionsListInput[] = [];
  /** Inputs of `expressions.summary`, in order. */
  readonly summaryCalls: ({ episodeIds?: number[] } | undefined)[] = [];
  /** Every `expressions.review` input, in order. */
  readonly reviewCalls: ReviewInput[] = [];
  /** The error `expressions.review` fails with, if set. */
  reviewError: Error | undefined;
  /** Runs asked for with `analysis.run`, answered by the test. */
  readonly runs: PendingRun[] = [];
  /** Every rendered video, newest first. */
  renders: Render[] = [];
  /** Every `renders.list` input, in order. */
  readonly renderListCalls: (RendersListInput | undefined)[] = [];
  /** Every `renders.mark` input, in order. */
  readonly markCalls: { ids: number[]; marked: boolean }[] = [];
  /** The error `renders.mark` fails with, if set. */
  markError: Error | undefined;
  /** Renders asked for with `renders.create`, answered by the test. */
  readonly renderCalls: PendingRender[] = [];
  /** What `analysis.estimate` answers (or fails with); else {@link analysisEstimate} of the episodes asked for. */
  estimate: AnalysisEstimate | Error | undefined;
  /** Every `analysis.estimate` input, in order. */
  readonly estimateCalls: EstimateInput[] = [];
  /** Batches (their counts derived from {@link jobs} as the daemon does), newest first. */
  batches: { id: number; options?: Partial<BatchOptions>; createdAt?: string }[] = [];
  /** Every job, of every batch, in the order they were created. */
  jobs: Job[] = [];
  /** Each job's log lines, oldest first. */
  jobLogs = new Map<number, JobLogLine[]>();
  /** The stage queues' counts. */
  queueStats: QueueStats[] = queueStatsOf();
  /** Every `batches.create` input, in order. */
  readonly createCalls: BatchCreateInput[] = [];
  /** The error `batches.create` fails with, if set. */
  createError: Error | undefined;
  /** Every batch id asked for with `batches.get`, in order. */
  readonly batchGetCalls: number[] = [];
  /** How many times `batches.list` was called. */
  batchListCalls = 0;
  /** Every `jobs.logs` input, in order. */
  readonly logCalls: JobLogsInput[] = [];
  /** How many times `queue.stats` was called. */
  statsCalls = 0;
  /** Every job, batch and queue action, as `jobs.cancel 3`, `batches.retryFailed 1`, `queue.pause`. */
  readonly actionCalls: string[] = [];
  /** The offered days and slots (`schedule.slots`); `schedule.create` and `move` take and free slots in them. */
  calendar: CalendarDay[] = [];
  /** Every video on the calendar, cancelled ones included. */
  schedules: Schedule[] = [];
  /** Every `schedule.slots` input, in order. */
  readonly slotsCalls: (SlotsInput | undefined)[] = [];
  /** Every `schedule.list` input, in order. */
  readonly scheduleListCalls: (ScheduleListInput | undefined)[] = [];
  /** Every `export.anki` call, in order, answered by the test. */
  readonly exportCalls: PendingExport[] = [];
  /** Every `export.cancel` id, in order. */
  readonly exportCancels: string[] = [];
  /** Every change of the calendar, as `schedule.create 3`, `schedule.create 3 at <ISO>`, `schedule.move 5 at <ISO>`, `schedule.cancel 5`. */
  readonly scheduleCalls: string[] = [];
  /** Renders `schedule.create` refuses, with the message of its `CONFLICT`. */
  readonly createConflicts = new Map<number, string>();
  /** What `quota.status` answers (or fails with). */
  quota: QuotaStatus | Error = quotaStatusOf();
  /** How many times `quota.status` was called. */
  quotaCalls = 0;
  /** What `youtube.status` answers (or fails with). */
  youtube: YouTubeStatus | Error = youtubeStatusOf();
  /** How many times `youtube.status` was called. */
  youtubeStatusCalls = 0;
  /** What `youtube.authStart` answers. */
  authStart: YouTubeAuthStart = {
    url: "https://accounts.google.com/o/oauth2/v2/auth?client_id=123.apps.googleusercontent.com" +
      "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765&response_type=code&state=abc",
    port: 8765,
    redirectUri: "http://127.0.0.1:8765",
  };
  /** How many times `youtube.authStart` was called. */
  authStartCalls = 0;
  /** Every `youtube.authComplete` input, in order. */
  readonly authCompleteCalls: YouTubeAuthCompleteInput[] = [];
  /** The error `youtube.authComplete` fails with, if set. */
  authCompleteError: Error | undefined;
  /** The publishing settings (`settings.get`), validated on update by the daemon's own schema. */
  settings: PublishingSettings = defaultPublishingSettings();
  /** Every `settings.update` input, in order (refused ones included). */
  readonly settingsUpdates: PublishingSettingsUpdate[] = [];
  #eventId = 0;
  #clock = Date.parse("2026-11-21T10:00:00.000Z");

  readonly client: TuiClient = {
    health: {
      check: {
        query: () => {
          this.checks++;
          return this.health instanceof Error ? Promise.reject(this.health) : Promise.resolve(this.health);
        },
      },
    },
    events: {
      subscribe: {
        subscribe: (_input, observer) => {
          this.observers.add(observer);
          return { unsubscribe: () => void this.observers.delete(observer) };
        },
      },
    },
    library: {
      roots: { query: () => Promise.resolve(this.roots) },
      scan: {
        mutate: () => new Promise<ScanResult>((resolve, reject) => this.scans.push({ resolve, reject })),
      },
      list: {
        query: async (input) => {
          this.listCalls.push(input);
          await this.beforePage?.(input);
          const start = input.cursor ? Number(input.cursor) : 0;
          const end = start + (input.limit ?? 100);
          return {
            items: this.episodes.slice(start, end),
            nextCursor: end < this.episodes.length ? String(end) : null,
          };
        },
      },
      get: {
        query: ({ id }) => {
          const found = this.episodes.find((e) => e.id === id);
          if (!found) return Promise.reject(rpcError("NOT_FOUND", `Episode ${id} does not exist.`));
          const detail: EpisodeDetail = { ...found, subtitleTracks: this.tracks.get(id) ?? [] };
          return Promise.resolve(detail);
        },
      },
      cues: {
        query: (input: CuesInput) => {
          const cues = this.cues.get(input.episodeId);
          if (cues instanceof Error) return Promise.reject(cues);
          if (!cues) {
            return Promise.reject(
              rpcError(
                "NOT_FOUND",
                `Episode ${input.episodeId} has no text subtitle track: add a sidecar .srt.`,
              ),
            );
          }
          return Promise.resolve(
            cues.filter((cue) => (input.toMs === undefined || cue.startMs < input.toMs)),
          );
        },
      },
    },
    expressions: {
      list: {
        query: (input) => {
          this.expressionListCalls.push(input);
          return Promise.resolve(
            this.expressions.filter((e) =>
              (input.episodeId === undefined || e.episodeId === input.episodeId) &&
              (input.status ? e.status === input.status : input.includeDropped || e.status !== "dropped")
            ),
          );
        },
      },
      summary: {
        query: (input) => {
          this.summaryCalls.push(input);
          return Promise.resolve(
            summarise(this.expressions).filter((s) =>
              !input?.episodeIds || input.episodeIds.includes(s.episodeId)
            ),
          );
        },
      },
      review: {
        mutate: (input) => {
          this.reviewCalls.push(input);
          if (this.reviewError) return Promise.reject(this.reviewError);
          if (input.edits && input.ids.length !== 1) {
            return Promise.reject(rpcError("BAD_REQUEST", "edits apply to one expression"));
          }
          const missing = input.ids.filter((id) => !this.expressions.some((e) => e.id === id));
          if (missing.length > 0) {
            return Promise.reject(rpcError("NOT_FOUND", `No expression ${missing.join(", ")}`));
          }
          const updatedAt = new Date(this.#clock += 1_000).toISOString();
          const updated: Expression[] = [];
          this.expressions = this.expressions.map((e) => {
            if (!input.ids.includes(e.id)) return e;
            const status = input.decision === "approve"
              ? "approved"
              : input.decision === "reject"
              ? "rejected"
              : e.status;
            const next: Expression = {
              ...e,
              ...input.edits,
              status,
              dropReason: status === "dropped" ? e.dropReason : null,
              updatedAt,
            };
            updated.push(next);
            return next;
          });
          return Promise.resolve(updated);
        },
      },
    },
    analysis: {
      run: {
        mutate: ({ episodeId }) =>
          new Promise<AnalysisRun>((resolve, reject) => this.runs.push({ episodeId, resolve, reject })),
      },
      estimate: {
        query: (input) => {
          this.estimateCalls.push(input);
          if (this.estimate instanceof Error) return Promise.reject(this.estimate);
          return Promise.resolve(this.estimate ?? analysisEstimate(input.episodeIds.length));
        },
      },
    },
    batches: {
      create: {
        mutate: (input) => {
          this.createCalls.push(input);
          if (this.createError) return Promise.reject(this.createError);
          const batchId = Math.max(0, ...this.batches.map((b) => b.id)) + 1;
          let jobId = Math.max(0, ...this.jobs.map((j) => j.id));
          const created = input.episodeIds.map((episodeId) => {
            const found = this.episodes.find((e) => e.id === episodeId);
            return jobOf({
              id: ++jobId,
              batchId,
              episodeId,
              label: found ? `${found.show} S0${found.season}E0${found.episode}` : `episode ${episodeId}`,
            });
          });
          this.jobs.push(...created);
          this.batches.unshift({
            id: batchId,
            options: input.options as Partial<BatchOptions> | undefined,
            createdAt: new Date(this.#clock += 1_000).toISOString(),
          });
          return Promise.resolve({ batchId, jobIds: created.map((j) => j.id) });
        },
      },
      list: {
        query: (input) => {
          this.batchListCalls++;
          return Promise.resolve(this.batches.slice(0, input?.limit ?? 50).map((b) => batchOf(b, this.jobs)));
        },
      },
      get: {
        query: ({ id }) => {
          this.batchGetCalls.push(id);
          const batch = this.batches.find((b) => b.id === id);
          if (!batch) return Promise.reject(rpcError("NOT_FOUND", `Batch ${id} does not exist.`));
          return Promise.resolve({
            ...batchOf(batch, this.jobs),
            jobs: this.jobs.filter((j) => j.batchId === id),
          });
        },
      },
      cancel: {
        mutate: ({ id }) => {
          this.actionCalls.push(`batches.cancel ${id}`);
          for (
            const job of this.jobs.filter((j) => j.batchId === id && !FINISHED_JOB_STATES.includes(j.state))
          ) {
            this.#updateJob(job.id, { state: "cancelled", error: "batch cancelled by user", etaMs: null });
          }
          return this.#batch(id);
        },
      },
      retryFailed: {
        mutate: ({ id }) => {
          this.actionCalls.push(`batches.retryFailed ${id}`);
          for (const job of this.jobs.filter((j) => j.batchId === id && j.state === "failed")) {
            this.#updateJob(job.id, { state: "waiting", error: null });
          }
          return this.#batch(id);
        },
      },
    },
    jobs: {
      logs: {
        query: (input) => {
          this.logCalls.push(input);
          const lines = (this.jobLogs.get(input.id) ?? []).filter((line) => line.id > (input.afterId ?? 0));
          return Promise.resolve(lines.slice(0, input.limit ?? 500));
        },
      },
      cancel: {
        mutate: ({ id }) => {
          this.actionCalls.push(`jobs.cancel ${id}`);
          const job = this.jobs.find((j) => j.id === id);
          if (!job) return Promise.reject(rpcError("NOT_FOUND", `Job ${id} does not exist.`));
          if (FINISHED_JOB_STATES.includes(job.state)) {
            return Promise.reject(rpcError(
              "CONFLICT",
              `Job ${id} is already ${job.state}; only waiting or running jobs can be cancelled.`,
            ));
          }
          return Promise.resolve(
            this.#updateJob(id, { state: "cancelled", error: "cancelled by user", etaMs: null }),
          );
        },
      },
      retry: {
        mutate: ({ id }) => {
          this.actionCalls.push(`jobs.retry ${id}`);
          const job = this.jobs.find((j) => j.id === id);
          if (!job) return Promise.reject(rpcError("NOT_FOUND", `Job ${id} does not exist.`));
          if (job.state !== "failed" && job.state !== "cancelled") {
            return Promise.reject(rpcError(
              "CONFLICT",
              `Job ${id} is ${job.state}; only failed or cancelled jobs can be retried.`,
            ));
          }
          return Promise.resolve(this.#updateJob(id, { state: "waiting", error: null }));
        },
      },
    },
    queue: {
      stats: {
        query: () => {
          this.statsCalls++;
          return Promise.resolve(this.queueStats);
        },
      },
      pause: {
        mutate: (input) => {
          this.actionCalls.push("queue.pause");
          return Promise.resolve(this.#setPaused(true, input?.names));
        },
      },
      resume: {
        mutate: (input) => {
          this.actionCalls.push("queue.resume");
          return Promise.resolve(this.#setPaused(false, input?.names));
        },
      },
    },
    renders: {
      list: {
        query: (input) => {
          this.renderListCalls.push(input);
          return Promise.resolve(
            this.renders.filter((r) =>
              (input?.episodeId === undefined || r.episodeId === input.episodeId) &&
              (input?.groupId === undefined || r.groupId === input.groupId) &&
              (input?.kind === undefined || r.kind === input.kind)
            ),
          );
        },
      },
      mark: {
        mutate: (input) => {
          this.markCalls.push(input);
          if (this.markError) return Promise.reject(this.markError);
          const missing = input.ids.filter((id) => !this.renders.some((r) => r.id === id));
          if (missing.length > 0) {
            return Promise.reject(rpcError("NOT_FOUND", `Render ${missing.join(", ")} does not exist.`));
          }
          this.renders = this.renders.map((r) =>
            input.ids.includes(r.id) ? { ...r, marked: input.marked } : r
          );
          return Promise.resolve(this.renders.filter((r) => input.ids.includes(r.id)));
        },
      },
      create: {
        mutate: (input) =>
          new Promise<Render[]>((resolve, reject) => this.renderCalls.push({ input, resolve, reject })),
      },
    },
    schedule: {
      slots: {
        query: (input) => {
          this.slotsCalls.push(input);
          return Promise.resolve(structuredClone(this.calendar));
        },
      },
      list: {
        query: (input) => {
          this.scheduleListCalls.push(input);
          return Promise.resolve(
            this.schedules.filter((s) =>
              (!input?.states || input.states.includes(s.state)) &&
              (!input?.from || Date.parse(s.slotAt) >= Date.parse(input.from)) &&
              (!input?.to || Date.parse(s.slotAt) < Date.parse(input.to))
            ).sort((a, b) => Date.parse(a.slotAt) - Date.parse(b.slotAt) || a.id - b.id).map((s) => ({
              ...s,
            })),
          );
        },
      },
      create: {
        mutate: (input) => {
          this.scheduleCalls.push(`schedule.create ${input.renderId}${input.at ? ` at ${input.at}` : ""}`);
          const conflict = this.createConflicts.get(input.renderId);
          if (conflict) return Promise.reject(rpcError("CONFLICT", conflict));
          const render = this.renders.find((r) => r.id === input.renderId);
          if (!render) {
            return Promise.reject(rpcError("NOT_FOUND", `Render ${input.renderId} does not exist.`));
          }
          const holding = this.schedules.find((s) =>
            s.renderId === input.renderId && ["scheduled", "uploading", "uploaded"].includes(s.state)
          );
          if (holding) {
            return Promise.reject(rpcError(
              "CONFLICT",
              `Render ${input.renderId} is already on the calendar (schedule ${holding.id} at ${holding.slotAt}): move or cancel it.`,
            ));
          }
          const found = this.#slotFor(input.at);
          if (found instanceof Error) return Promise.reject(found);
          this.#take(found, render.kind, 1);
          const schedule = scheduleOf({
            id: Math.max(0, ...this.schedules.map((s) => s.id)) + 1,
            renderId: render.id,
            kind: render.kind,
            title: Object.values(render.sidecar.titles)[0] ?? `render ${render.id}`,
            slotAt: found.slot.startsAt,
            localDay: found.day.day,
            sizeBytes: render.sizeBytes,
          });
          this.schedules.push(schedule);
          return Promise.resolve({ ...schedule });
        },
      },
      move: {
        mutate: (input) => {
          this.scheduleCalls.push(`schedule.move ${input.id}${input.at ? ` at ${input.at}` : ""}`);
          const index = this.schedules.findIndex((s) => s.id === input.id);
          if (index < 0) return Promise.reject(rpcError("NOT_FOUND", `No schedule with id ${input.id}.`));
          const current = this.schedules[index];
          if (current.state !== "scheduled") {
            return Promise.reject(rpcError(
              "CONFLICT",
              `Schedule ${input.id} is ${current.state}; only a scheduled video can be moved.`,
            ));
          }
          const found = this.#slotFor(input.at, current.slotAt);
          if (found instanceof Error) return Promise.reject(found);
          const old = this.#findSlot(current.slotAt);
          if (old) this.#take(old, current.kind, -1);
          this.#take(found, current.kind, 1);
          this.schedules[index] = { ...current, slotAt: found.slot.startsAt, localDay: found.day.day };
          return Promise.resolve({ ...this.schedules[index] });
        },
      },
      cancel: {
        mutate: ({ id }) => {
          this.scheduleCalls.push(`schedule.cancel ${id}`);
          const index = this.schedules.findIndex((s) => s.id === id);
          if (index < 0) return Promise.reject(rpcError("NOT_FOUND", `No schedule with id ${id}.`));
          const current = this.schedules[index];
          if (current.state !== "scheduled" && current.state !== "failed") {
            return Promise.reject(rpcError(
              "CONFLICT",
              `Schedule ${id} is ${current.state}: ` +
                (current.state === "uploaded"
                  ? `the video is on YouTube (${current.videoId}); delete or change it there.`
                  : current.state === "uploading"
                  ? "wait for the upload to finish, then change it on YouTube."
                  : "it is already off the calendar."),
            ));
          }
          const slot = current.state === "scheduled" ? this.#findSlot(current.slotAt) : undefined;
          if (slot) this.#take(slot, current.kind, -1);
          this.schedules[index] = { ...current, state: "cancelled" };
          return Promise.resolve({ ...this.schedules[index] });
        },
      },
    },
    quota: {
      status: {
        query: () => {
          this.quotaCalls++;
          return this.quota instanceof Error
            ? Promise.reject(this.quota)
            : Promise.resolve(structuredClone(this.quota));
        },
      },
    },
    youtube: {
      status: {
        query: () => {
          this.youtubeStatusCalls++;
          return this.youtube instanceof Error
            ? Promise.reject(this.youtube)
            : Promise.resolve({ ...this.youtube });
        },
      },
      authStart: {
        mutate: () => {
          this.authStartCalls++;
          if (!(this.youtube instanceof Error)) {
            this.youtube = {
              ...this.youtube,
              pending: { url: this.authStart.url, port: this.authStart.port },
            };
          }
          return Promise.resolve({ ...this.authStart });
        },
      },
      authComplete: {
        mutate: (input) => {
          this.authCompleteCalls.push(input);
          if (this.authCompleteError) return Promise.reject(this.authCompleteError);
          this.youtube = youtubeStatusOf({
            accessExpiresAt: new Date(this.#clock += 3_600_000).toISOString(),
          });
          return Promise.resolve({ ...this.youtube });
        },
      },
    },
    export: {
      anki: {
        mutate: (input) =>
          new Promise<ExportResult>((resolve, reject) => this.exportCalls.push({ input, resolve, reject })),
      },
      cancel: {
        // As the daemon does: the export's own call ends at once, cancelled.
        mutate: ({ exportId }) => {
          this.exportCancels.push(exportId);
          const pending = this.exportCalls.find((call) => call.input.exportId === exportId);
          pending?.reject(rpcError("CLIENT_CLOSED_REQUEST", `Export ${exportId} was cancelled.`));
          return Promise.resolve({ cancelled: exportId });
        },
      },
    },
    settings: {
      get: { query: () => Promise.resolve(structuredClone(this.settings)) },
      update: {
        mutate: (input) => {
          this.settingsUpdates.push(structuredClone(input));
          const parsed = settingsUpdateSchema.safeParse(input);
          if (!parsed.success) {
            // As tRPC sends a failed input validation: BAD_REQUEST, the issues in `data.zodIssues`.
            const issues = parsed.error.issues;
            return Promise.reject(
              Object.assign(new Error(JSON.stringify(issues, null, 2)), {
                data: { code: "BAD_REQUEST", zodIssues: issues },
              }),
            );
          }
          this.settings = { ...this.settings, ...(parsed.data as Partial<PublishingSettings>) };
          return Promise.resolve(structuredClone(this.settings));
        },
      },
    },
    close: () => {
      this.closes++;
      this.connection.set({ kind: "closed" });
      return Promise.resolve();
    },
  };

  constructor(initial?: ConnectionState) {
    if (initial) this.connection.set(initial);
  }

  #updateJob(id: number, fields: Partial<Job>): Job {
    const index = this.jobs.findIndex((j) => j.id === id);
    this.jobs[index] = { ...this.jobs[index], ...fields };
    return this.jobs[index];
  }

  #findSlot(startsAt: string): { day: CalendarDay; slot: CalendarDay["slots"][number] } | undefined {
    for (const day of this.calendar) {
      const slot = day.slots.find((s) => Date.parse(s.startsAt) === Date.parse(startsAt));
      if (slot) return { day, slot };
    }
    return undefined;
  }

  /** The slot `at`, or the first one with room (other than `except`); a `CONFLICT` as the daemon words it when none. */
  #slotFor(
    at: string | undefined,
    except?: string,
  ): { day: CalendarDay; slot: CalendarDay["slots"][number] } | Error {
    if (at !== undefined) {
      const found = this.#findSlot(at);
      if (!found) {
        return rpcError(
          "CONFLICT",
          `${at} is not an offered slot: it is in the past or within the lead time.`,
        );
      }
      if (found.slot.left === 0) {
        return rpcError("CONFLICT", `The slot at ${found.slot.time} on ${found.day.day} is full.`);
      }
      return found;
    }
    for (const day of this.calendar) {
      for (const slot of day.slots) {
        if (slot.left > 0 && (except === undefined || Date.parse(slot.startsAt) !== Date.parse(except))) {
          return { day, slot };
        }
      }
    }
    return rpcError(
      "CONFLICT",
      "No free slot in the next 14 days: add slot times or capacity, or cancel something.",
    );
  }

  /** Takes (`delta` 1) or frees (-1) a place in a slot, and in its day's counts. */
  #take(
    found: { day: CalendarDay; slot: CalendarDay["slots"][number] },
    kind: "short" | "long",
    delta: number,
  ): void {
    found.slot.taken += delta;
    found.slot.left = Math.max(0, found.slot.capacity - found.slot.taken);
    if (kind === "short") found.day.shorts += delta;
    else found.day.longs += delta;
  }

  #batch(id: number): Promise<Batch> {
    const batch = this.batches.find((b) => b.id === id);
    if (!batch) return Promise.reject(rpcError("NOT_FOUND", `Batch ${id} does not exist.`));
    return Promise.resolve(batchOf(batch, this.jobs));
  }

  #setPaused(paused: boolean, names: readonly string[] = QUEUE_NAMES): QueueStats[] {
    this.queueStats = this.queueStats.map((q) => names.includes(q.name) ? { ...q, paused } : q);
    return this.queueStats;
  }

  emit(event: AppEvent): void {
    const id = `${Date.now()}-${this.#eventId++}`;
    for (const observer of this.observers) observer.onData({ id, data: event });
  }

  app(
    options: { theme?: Theme; screens?: readonly ScreenDefinition[]; initialScreen?: string } = {},
  ): ReactElement {
    return <App client={this.client} connection={this.connection} {...options} />;
  }
}

/** A log event as the daemon publishes it. */
export const logEvent = (level: "info" | "warn" | "error", message: string): AppEvent => ({
  type: "log",
  at: new Date().toISOString(),
  source: "test:1",
  data: { level, message },
});

/** `expressions.summary` of a list of expressions, as the daemon computes it. */
export function summarise(list: readonly Expression[]): ExpressionSummary[] {
  const ids = [...new Set(list.map((e) => e.episodeId))].sort((a, b) => a - b);
  return ids.map((episodeId) => {
    const own = list.filter((e) => e.episodeId === episodeId);
    const count = (status: Expression["status"]) => own.filter((e) => e.status === status).length;
    return {
      episodeId,
      pending: count("pending"),
      approved: count("approved"),
      rejected: count("rejected"),
      dropped: count("dropped"),
      sample: own.some((e) => e.sample),
    };
  });
}
