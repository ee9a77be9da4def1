import { useCallback, useEffect, useState } from "react";
import type { Expression } from "../../shared/analysis.ts";
import { describeError } from "../format.ts";
import { useClient } from "./use_client.ts";
import { useConnectionState } from "./use_connection_state.ts";

/** The expressions of one episode as far as they have arrived. */
export interface EpisodeExpressionsState {
  /** The episode they are of. */
  readonly episodeId?: number;
  /** Every expression of the episode in time order, dropped ones included. */
  readonly expressions?: readonly Expression[];
  /** Why the latest load failed. */
  readonly error?: string;
}

/**
 * Loads the expressions of episode `episodeId` (dropped ones included, so that showing them
 * needs no call) on each (re)connection, when the episode changes, and on `reload()`.
 */
export function useEpisodeExpressions(
  episodeId: number | undefined,
): EpisodeExpressionsState & { reload(): void } {
  const client = useClient();
  const connected = useConnectionState().kind === "connected";
  const [state, setState] = useState<EpisodeExpressionsState>({});
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!connected || episodeId === undefined) return;
    const controller = new AbortController();
    const { signal } = controller;
    client.expressions.list.query({ episodeId, includeDropped: true }, { signal }).then(
      (expressions) => !signal.aborted && setState({ episodeId, expressions }),
      (error) =>
        !signal.aborted &&
        setState((previous) => ({
          ...(previous.episodeId === episodeId ? previous : {}),
          episodeId,
          error: describeError(error),
        })),
    );
    return () => controller.abort();
  }, [client, connected, episodeId, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...(state.episodeId === episodeId ? state : {}), reload };
}
