/**
 * Holds the daemon client and its connection state for every screen. The TUI depends on the
 * narrow {@link TuiClient} rather than the whole tRPC client, so tests can hand it a fake.
 * @module
 */
import { createContext, type ReactNode, useMemo } from "react";
import type { AppEvent, EventsSubscribeInput, HealthReport } from "../../shared/schemas.ts";
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

/**
 * The part of `LingoreelClient` (from `shared/client.ts`) the TUI uses. Screens added later
 * widen it with the procedures they call; the real client satisfies it by construction. The
 * connection state comes separately, as a {@link ConnectionSource}, because the client only
 * reports its changes through `createClient({ onStateChange })`.
 */
export interface TuiClient {
  readonly health: {
    readonly check: {
      query(input?: undefined, options?: { signal?: AbortSignal }): Promise<HealthReport>;
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
