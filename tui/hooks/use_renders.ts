import { useCallback, useEffect, useState } from "react";
import type { Render } from "../../shared/render.ts";
import { describeError } from "../format.ts";
import { useClient } from "./use_client.ts";
import { useConnectionState } from "./use_connection_state.ts";

/** The rendered videos as far as they have arrived. */
export interface RendersState {
  /** Every rendered video, newest first; undefined until the first load. */
  readonly renders?: readonly Render[];
  /** Why the latest load failed; the videos of the load before stay. */
  readonly error?: string;
}

/**
 * Loads every rendered video (`renders.list`) on each (re)connection and on `reload()`; a
 * reload while a load runs starts it over. The previous list stays shown until the new one
 * has arrived, so a reload never empties the screen.
 */
export function useRenders(): RendersState & { reload(): void } {
  const client = useClient();
  const connected = useConnectionState().kind === "connected";
  const [state, setState] = useState<RendersState>({});
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!connected) return;
    const controller = new AbortController();
    const { signal } = controller;
    client.renders.list.query(undefined, { signal }).then(
      (renders) => !signal.aborted && setState({ renders }),
      (error) =>
        !signal.aborted &&
        setState((previous) => ({ ...previous, error: describeError(error) })),
    );
    return () => controller.abort();
  }, [client, connected, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
