import { useCallback, useEffect, useRef, useState } from "react";
import type { QueueStats } from "../../shared/jobs.ts";
import { describeError } from "../format.ts";
import { useClient } from "./use_client.ts";
import { useConnectionState } from "./use_connection_state.ts";

/** What {@link useQueueStats} knows about the stage queues. */
export interface QueueStatsState {
  /** The latest answer of `queue.stats` (or of a pause or resume); kept while disconnected. */
  readonly stats?: readonly QueueStats[];
  /** Why the latest call failed; cleared by the next success. */
  readonly error?: string;
  /** Asks again now (after a job or batch event); coalesced with a call in flight. */
  refresh(): void;
  /** Shows stats that came with another answer (`queue.pause` and `queue.resume` return them). */
  set(stats: readonly QueueStats[]): void;
}

/**
 * Polls `queue.stats` every `intervalMs` while connected, and at once on each (re)connection
 * and on `refresh()`; one call at a time.
 */
export function useQueueStats(options: { intervalMs?: number } = {}): QueueStatsState {
  const intervalMs = options.intervalMs ?? 5_000;
  const client = useClient();
  const connection = useConnectionState();
  const connected = connection.kind === "connected" ? connection : undefined;
  const [state, setState] = useState<{ stats?: readonly QueueStats[]; error?: string }>({});
  const refreshRef = useRef<() => void>(() => {});

  useEffect(() => {
    if (!connected) return;
    const controller = new AbortController();
    const { signal } = controller;
    let inFlight = false;
    let again = false;
    const poll = async () => {
      if (inFlight) {
        again = true; // a change arrived while asking: the answer in flight may predate it
        return;
      }
      inFlight = true;
      try {
        const stats = await client.queue.stats.query(undefined, { signal });
        if (!signal.aborted) setState({ stats });
      } catch (error) {
        if (!signal.aborted) setState((previous) => ({ ...previous, error: describeError(error) }));
      } finally {
        inFlight = false;
      }
      if (again && !signal.aborted) {
        again = false;
        void poll();
      }
    };
    refreshRef.current = () => void poll();
    void poll();
    const timer = setInterval(() => void poll(), intervalMs);
    return () => {
      controller.abort();
      clearInterval(timer);
      refreshRef.current = () => {};
    };
  }, [client, connected, intervalMs]);

  const refresh = useCallback(() => refreshRef.current(), []);
  const set = useCallback((stats: readonly QueueStats[]) => setState({ stats }), []);
  return { ...state, refresh, set };
}
