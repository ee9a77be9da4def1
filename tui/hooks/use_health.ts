import { useCallback, useEffect, useRef, useState } from "react";
import type { HealthReport } from "../../shared/schemas.ts";
import { describeError, errorCode } from "../format.ts";
import { useClient } from "./use_client.ts";
import { useConnectionState } from "./use_connection_state.ts";

/** What {@link useHealth} knows about the daemon's health. */
export interface HealthState {
  /** The latest answer of `health.check`; kept while disconnected, as the last known state. */
  report?: HealthReport;
  /** Why the latest call failed (e.g. `UNAUTHORIZED: ...`); cleared by the next success. */
  error?: string;
  /** Asks again now (e.g. after a `health` event); coalesced with a call in flight. */
  refresh(): void;
}

/**
 * Polls `health.check` every `intervalMs` while the client is connected, and at once on each
 * (re)connection. Nothing is sent while disconnected: the tRPC client would queue the calls and
 * fire them all at once after the reconnect. After `UNAUTHORIZED` it waits for a reconnect or
 * a {@link HealthState.refresh}.
 */
export function useHealth(options: { intervalMs?: number } = {}): HealthState {
  const intervalMs = options.intervalMs ?? 2_500;
  const client = useClient();
  const connection = useConnectionState();
  // Keyed on the connection itself, not on "connected or not": each new connection asks at once,
  // even if React never rendered the disconnected state in between.
  const connected = connection.kind === "connected" ? connection : undefined;
  const [state, setState] = useState<Omit<HealthState, "refresh">>({});
  const refreshRef = useRef<() => void>(() => {});

  useEffect(() => {
    if (!connected) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    let again = false;

    const poll = async () => {
      clearTimeout(timer);
      let refused = false;
      if (inFlight) {
        again = true; // a change arrived while asking: the answer in flight may predate it
        return;
      }
      inFlight = true;
      try {
        const report = await client.health.check.query(undefined, { signal: controller.signal });
        if (controller.signal.aborted) return;
        setState({ report });
      } catch (error) {
        if (controller.signal.aborted) return;
        setState((previous) => ({ ...previous, error: describeError(error) }));
        refused = errorCode(error) === "UNAUTHORIZED";
      } finally {
        inFlight = false;
      }
      if (controller.signal.aborted) return;
      if (again) {
        again = false;
        void poll();
      } else if (!refused) {
        // A refused token stays refused on this connection: asking again would only add a
        // warning to the daemon's log every few seconds. A reconnect, or `refresh()`, asks again.
        timer = setTimeout(poll, intervalMs);
      }
    };

    refreshRef.current = () => void poll();
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
      refreshRef.current = () => {};
    };
  }, [client, connected, intervalMs]);

  const refresh = useCallback(() => refreshRef.current(), []);
  return { ...state, refresh };
}
