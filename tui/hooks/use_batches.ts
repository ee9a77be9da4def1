import { useCallback, useEffect, useState } from "react";
import type { Batch } from "../../shared/jobs.ts";
import { describeError } from "../format.ts";
import { useClient } from "./use_client.ts";
import { useConnectionState } from "./use_connection_state.ts";

/** How many batches the Jobs screen lists (the newest). */
export const BATCHES_SHOWN = 50;

/** The batches as far as they have arrived. */
export interface BatchesState {
  /** The newest {@link BATCHES_SHOWN} batches, newest first; undefined until the first load. */
  readonly batches?: readonly Batch[];
  /** Why the latest load failed; the batches of the load before stay. */
  readonly error?: string;
}

/**
 * Loads the newest batches (`batches.list`) on each (re)connection and on `reload()`; a reload
 * while a load runs starts it over. The previous list stays shown until the new one arrives.
 */
export function useBatches(): BatchesState & { reload(): void } {
  const client = useClient();
  const connected = useConnectionState().kind === "connected";
  const [state, setState] = useState<BatchesState>({});
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!connected) return;
    const controller = new AbortController();
    const { signal } = controller;
    client.batches.list.query({ limit: BATCHES_SHOWN }, { signal }).then(
      (batches) => !signal.aborted && setState({ batches }),
      (error) => !signal.aborted && setState((previous) => ({ ...previous, error: describeError(error) })),
    );
    return () => controller.abort();
  }, [client, connected, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
