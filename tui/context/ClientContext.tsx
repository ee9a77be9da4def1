/**
 * Holds the daemon client and its connection state for every screen. The TUI depends on the
 * narrow {@link TuiClient} rather than the whole tRPC client, so tests can hand it a fake.
 * @module
 */
import { createContext, type ReactNode, useMemo } from "react";
import type {
  AnalysisOptionsInput,
  AnalysisRun,
  Expression,
  ExpressionStatus,
  ExpressionSummary,
} from "../../shared/analysis.ts";
import type { Render, RenderKind, RenderOptionsInput } from "../../shared/render.ts";
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
