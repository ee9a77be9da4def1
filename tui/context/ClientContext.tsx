/**
 * Holds the daemon client and its connection state for every screen. The TUI depends on the
 * narrow {@link TuiClient} rather than the whole tRPC client, so tests can hand it a fake.
 * @module
 */
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { createContext, type ReactNode, useMemo } from "react";
import type {
  AnalysisEstimate,
  AnalysisOptionsInput,
  AnalysisRun,
  Expression,
  ExpressionStatus,
  ExpressionSummary,
} from "../../shared/analysis.ts";
import type { ExportResult } from "../../shared/export.ts";
import type {
  Batch,
  BatchDetail,
  BatchOptionsInput,
  Job,
  JobLogLine,
  QueueStats,
} from "../../shared/jobs.ts";
import type { Render, RenderKind, RenderOptionsInput } from "../../shared/render.ts";
import type { AppRouter } from "../../shared/router.ts";
import type { CalendarDay, QuotaStatus, Schedule } from "../../shared/schedule.ts";
import type {
  AppEvent,
  Cue,
  Episode,
  EpisodeDetail,
  EventsSubscribeInput,
  HealthReport,
  LibraryListInput,
  MediaRoot,
  ScanResult,
} from "../../shared/schemas.ts";
import type { ConnectionSource } from "../connection_store.ts";

/** An event as `events.subscribe` delivers it: wrapped with its stream id by `tracked()`. */
export interface TrackedEvent {
  readonly id: string;
  readonly data: AppEvent;
}

/** Callbacks of an event subscription, as the tRPC client takes them. */
export interface EventObserver {
  onData: (event: TrackedEvent) => void;
  /** The subscription has ended with this error (e.g. `UNAUTHORIZED`). */
  onError?: (error: unknown) => void;
}

/** Options every call takes: a signal that abandons it. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Input of `library.cues`. */
export interface CuesInput {
  episodeId: number;
  /** A subtitle track id; the episode's best text track when omitted. */
  track?: number;
  fromMs?: number;
  toMs?: number;
}

/** Input of `expressions.list`. */
export interface ExpressionsListInput {
  episodeId?: number;
  status?: ExpressionStatus;
  /** Also the expressions that failed validation or ranking (each with its `dropReason`). */
  includeDropped?: boolean;
}

/** What a reviewer may change in one expression (`expressions.review`'s `edits`). */
export interface ExpressionEdits {
  text?: string;
  meaning?: string;
  example?: string;
  similar?: string[];
  difficulty?: number;
  /** Replaces every translation. */
  translations?: Expression["translations"];
}

/** Input of `expressions.review`: a decision, edits (for exactly one id), or both. */
export interface ReviewInput {
  ids: number[];
  decision?: "approve" | "reject";
  edits?: ExpressionEdits;
}

/** Input of `renders.list`: every rendered video when omitted. */
export interface RendersListInput {
  episodeId?: number;
  groupId?: number;
  kind?: RenderKind;
}

/** Input of `renders.create`: a group of expressions, rendered with default options unless given. */
export interface RendersCreateInput {
  groupId: number;
  options?: Partial<RenderOptionsInput>;
}

/** Input of `analysis.estimate`: 1–50 episodes, with the options a run would use. */
export interface EstimateInput {
  episodeIds: number[];
  options?: Partial<AnalysisOptionsInput>;
}

/** Input of `batches.create`: 1–50 distinct episodes, one job each. */
export interface BatchCreateInput {
  episodeIds: number[];
  options?: BatchOptionsInput;
}

/** Input of `jobs.logs`: the lines after `afterId` (all when omitted), at most `limit`. */
export interface JobLogsInput {
  id: number;
  afterId?: number;
  limit?: number;
}

/** Input of `queue.pause` and `queue.resume`: every stage queue when `names` is omitted. */
export interface QueueNamesInput {
  names?: QueueStats["name"][];
}

type RouterOutputs = inferRouterOutputs<AppRouter>;
type RouterInputs = inferRouterInputs<AppRouter>;

/** A scheduled video's state. */
export type ScheduleState = Schedule["state"];

/** Input of `schedule.slots`: from a day (`YYYY-MM-DD`, the channel's zone; today) for 1–90 days. */
export interface SlotsInput {
  from?: string;
  days?: number;
}

/** Input of `schedule.list`: slot times from/to (ISO 8601), in these states; all when omitted. */
export interface ScheduleListInput {
  from?: string;
  to?: string;
  states?: ScheduleState[];
}

/** What `youtube.status` answers: the connection, its channel, expiries and warnings. */
export type YouTubeStatus = RouterOutputs["youtube"]["status"];
/** What `youtube.authStart` answers: the URL to open and the loopback port Google redirects to. */
export type YouTubeAuthStart = RouterOutputs["youtube"]["authStart"];
/** Input of `youtube.authComplete`: the code Google showed, or a refresh token. */
export type YouTubeAuthCompleteInput = RouterInputs["youtube"]["authComplete"];

/**
 * Input of `export.anki`: episodes, a batch's episodes or expressions; a format (anki by
 * default), options, and an id of the caller's choosing to follow `export.progress` and cancel.
 */
export type ExportInput = RouterInputs["export"]["anki"];

/** The settings the Schedule screen reads and edits. */
export const PUBLISHING_SETTING_KEYS = [
  "schedule.calendar",
  "quota.buckets",
  "quota.warningPercent",
] as const;
/** One of {@link PUBLISHING_SETTING_KEYS}. */
export type PublishingSettingKey = (typeof PUBLISHING_SETTING_KEYS)[number];
/** The publishing settings as `settings.get` answers them (with the others, which the TUI ignores). */
export type PublishingSettings = Pick<RouterOutputs["settings"]["get"], PublishingSettingKey>;
/** Input of `settings.update` restricted to the publishing settings: the keys to change. */
export type PublishingSettingsUpdate = Pick<RouterInputs["settings"]["update"], PublishingSettingKey>;

/**
 * The part of `LingoreelClient` (from `shared/client.ts`) the TUI uses. Screens added later
 * widen it with the procedures they call; the real client satisfies it by construction. The
 * connection state comes separately, as a {@link ConnectionSource}, because the client only
 * reports its changes through `createClient({ onStateChange })`.
 */
export interface TuiClient {
  readonly health: {
    readonly check: {
      query(input?: undefined, options?: CallOptions): Promise<HealthReport>;
    };
  };
  readonly library: {
    readonly roots: { query(input?: undefined, options?: CallOptions): Promise<MediaRoot[]> };
    readonly scan: { mutate(input?: { root?: string }, options?: CallOptions): Promise<ScanResult> };
    readonly list: {
      query(
        input: LibraryListInput,
        options?: CallOptions,
      ): Promise<{ items: Episode[]; nextCursor: string | null }>;
    };
    readonly get: { query(input: { id: number }, options?: CallOptions): Promise<EpisodeDetail> };
    readonly cues: { query(input: CuesInput, options?: CallOptions): Promise<Cue[]> };
  };
  readonly expressions: {
    readonly list: { query(input: ExpressionsListInput, options?: CallOptions): Promise<Expression[]> };
    readonly review: { mutate(input: ReviewInput, options?: CallOptions): Promise<Expression[]> };
    readonly summary: {
      query(
        input: { episodeIds?: number[] } | undefined,
        options?: CallOptions,
      ): Promise<ExpressionSummary[]>;
    };
  };
  readonly analysis: {
    readonly run: {
      mutate(
        input: { episodeId: number; options?: Partial<AnalysisOptionsInput> },
        options?: CallOptions,
      ): Promise<AnalysisRun>;
    };
    /** Chunks, calls, tokens and cost of analysing episodes, before any work; and the budget. */
    readonly estimate: { query(input: EstimateInput, options?: CallOptions): Promise<AnalysisEstimate> };
  };
  readonly renders: {
    /** Rendered videos, newest first. */
    readonly list: { query(input?: RendersListInput, options?: CallOptions): Promise<Render[]> };
    /** Marks (or unmarks) videos for the publishing calendar; at most 500 ids. */
    readonly mark: {
      mutate(input: { ids: number[]; marked: boolean }, options?: CallOptions): Promise<Render[]>;
    };
    /** Renders a group now (10–60 s per video); the videos it made. */
    readonly create: { mutate(input: RendersCreateInput, options?: CallOptions): Promise<Render[]> };
  };
  readonly batches: {
    /** Starts a batch: one job per episode (analyse → review if asked → render). */
    readonly create: {
      mutate(input: BatchCreateInput, options?: CallOptions): Promise<{ batchId: number; jobIds: number[] }>;
    };
    /** Batches, newest first. */
    readonly list: { query(input?: { limit?: number }, options?: CallOptions): Promise<Batch[]> };
    /** One batch with every job, in the order they were created. */
    readonly get: { query(input: { id: number }, options?: CallOptions): Promise<BatchDetail> };
    /** Cancels every unfinished job of the batch. */
    readonly cancel: { mutate(input: { id: number }, options?: CallOptions): Promise<Batch> };
    /** Runs the batch's failed jobs again. */
    readonly retryFailed: { mutate(input: { id: number }, options?: CallOptions): Promise<Batch> };
  };
  readonly jobs: {
    /** A job's own log lines, oldest first. */
    readonly logs: { query(input: JobLogsInput, options?: CallOptions): Promise<JobLogLine[]> };
    /** Stops a waiting or running job (`CONFLICT` for a finished one). */
    readonly cancel: { mutate(input: { id: number }, options?: CallOptions): Promise<Job> };
    /** Runs a failed or cancelled job again from the stage it stopped in. */
    readonly retry: { mutate(input: { id: number }, options?: CallOptions): Promise<Job> };
  };
  readonly queue: {
    /** Counts of each stage queue, whether it is paused, and its workers. */
    readonly stats: { query(input?: undefined, options?: CallOptions): Promise<QueueStats[]> };
    readonly pause: { mutate(input?: QueueNamesInput, options?: CallOptions): Promise<QueueStats[]> };
    readonly resume: { mutate(input?: QueueNamesInput, options?: CallOptions): Promise<QueueStats[]> };
  };
  readonly schedule: {
    /** The offered slots from a day (never past or inside the lead time), with what is left. */
    readonly slots: { query(input?: SlotsInput, options?: CallOptions): Promise<CalendarDay[]> };
    /** Puts a video on the calendar: at `at`, or the next free slot (`CONFLICT` when none). */
    readonly create: {
      mutate(input: { renderId: number; at?: string }, options?: CallOptions): Promise<Schedule>;
    };
    /** Videos on the calendar, by slot time. */
    readonly list: { query(input?: ScheduleListInput, options?: CallOptions): Promise<Schedule[]> };
    /** Moves a scheduled video to the slot `at` (the next free one when omitted). */
    readonly move: { mutate(input: { id: number; at?: string }, options?: CallOptions): Promise<Schedule> };
    /** Takes a scheduled (or failed) video off the calendar. */
    readonly cancel: { mutate(input: { id: number }, options?: CallOptions): Promise<Schedule> };
  };
  readonly quota: {
    /** The quota buckets of a Pacific day (today by default). */
    readonly status: { query(input?: { day?: string }, options?: CallOptions): Promise<QuotaStatus> };
  };
  readonly youtube: {
    readonly status: { query(input?: undefined, options?: CallOptions): Promise<YouTubeStatus> };
    readonly authStart: {
      mutate(input?: { port?: number }, options?: CallOptions): Promise<YouTubeAuthStart>;
    };
    readonly authComplete: {
      mutate(input: YouTubeAuthCompleteInput, options?: CallOptions): Promise<YouTubeStatus>;
    };
  };
  readonly export: {
    /**
     * Exports the approved expressions as an Anki deck, CSV, TSV or JSON; answers once the file
     * is written (`CLIENT_CLOSED_REQUEST` when cancelled).
     */
    readonly anki: { mutate(input: ExportInput, options?: CallOptions): Promise<ExportResult> };
    /** Stops the export `exportId`, wherever it runs. */
    readonly cancel: {
      mutate(input: { exportId: string }, options?: CallOptions): Promise<{ cancelled: string }>;
    };
  };
  readonly settings: {
    readonly get: { query(input?: undefined, options?: CallOptions): Promise<PublishingSettings> };
    /** Validated by the daemon: `BAD_REQUEST` with the zod issues in `data.zodIssues`. */
    readonly update: {
      mutate(input: PublishingSettingsUpdate, options?: CallOptions): Promise<PublishingSettings>;
    };
  };
  readonly events: {
    readonly subscribe: {
      subscribe(input: EventsSubscribeInput, observer: EventObserver): { unsubscribe(): void };
    };
  };
  /** Closes the connection for good. */
  close(): Promise<void>;
}

/** What {@link ClientContext} holds. */
export interface ClientContextValue {
  readonly client: TuiClient;
  readonly connection: ConnectionSource;
}

/** The client and its connection state; provided once by `App`. */
export const ClientContext = createContext<ClientContextValue | null>(null);

/** Provides a client and its connection state to everything below. */
export function ClientProvider(
  props: { client: TuiClient; connection: ConnectionSource; children: ReactNode },
): ReactNode {
  const { client, connection, children } = props;
  const value = useMemo(() => ({ client, connection }), [client, connection]);
  return <ClientContext value={value}>{children}</ClientContext>;
}
