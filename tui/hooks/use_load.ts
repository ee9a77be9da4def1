import { useCallback, useEffect, useState } from "react";
import type { CallOptions, TuiClient } from "../context/ClientContext.tsx";
import { describeError } from "../format.ts";
import { useClient } from "./use_client.ts";
import { useConnectionState } from "./use_connection_state.ts";

/** An answer of the daemon as far as it has arrived. */
export interface Loaded<T> {
  /** The latest answer; undefined until the first one. */
  readonly data?: T;
  /** Why the latest call failed; the answer before stays. */
  readonly error?: string;
}

/**
 * Calls `load` (a stable function, e.g. one defined at module level) on each (re)connection
 * and on `reload()`; a reload while a call runs starts it over, abandoning the one before. The
 * previous answer stays until the next one has arrived, so a reload never empties the screen.
 */
export function useLoad<T>(
  load: (client: TuiClient, options: Required<CallOptions>) => Promise<T>,
): Loaded<T> & { reload(): void } {
  const client = useClient();
  const connected = useConnectionState().kind === "connected";
  const [state, setState] = useState<Loaded<T>>({});
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!connected) return;
    const controller = new AbortController();
    const { signal } = controller;
    load(client, { signal }).then(
      (data) => !signal.aborted && setState({ data }),
      (error) => !signal.aborted && setState((previous) => ({ ...previous, error: describeError(error) })),
    );
    return () => controller.abort();
  }, [client, connected, generation, load]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
