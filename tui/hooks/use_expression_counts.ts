import { useCallback, useEffect, useState } from "react";
import type { ExpressionSummary } from "../../shared/analysis.ts";
import { describeError } from "../format.ts";
import { useClient } from "./use_client.ts";
import { useConnectionState } from "./use_connection_state.ts";

/** How many expressions each analysed episode has in each state. */
export interface ExpressionCountsState {
  readonly summaries?: readonly ExpressionSummary[];
  readonly error?: string;
}

/**
 * Loads the per-episode counts (`expressions.summary`, a few numbers per episode) on each
 * (re)connection and on `reload()`; later changes are recounted per episode as
 * `expressions.changed` names them.
 */
export function useExpressionCounts(): ExpressionCountsState & { reload(): void } {
  const client = useClient();
  const connected = useConnectionState().kind === "connected";
  const [state, setState] = useState<ExpressionCountsState>({});
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!connected) return;
    const controller = new AbortController();
    const { signal } = controller;
    client.expressions.summary.query(undefined, { signal }).then(
      (summaries) => !signal.aborted && setState({ summaries }),
      (error) => !signal.aborted && setState((previous) => ({ ...previous, error: describeError(error) })),
    );
    return () => controller.abort();
  }, [client, connected, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
