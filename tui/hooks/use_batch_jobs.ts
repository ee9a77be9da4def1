import { useCallback, useEffect, useState } from "react";
import type { BatchDetail } from "../../shared/jobs.ts";
import { describeError } from "../format.ts";
import { useClient } from "./use_client.ts";
import { useConnectionState } from "./use_connection_state.ts";

/** The jobs of one batch as far as they have arrived. */
export interface BatchJobsState {
  /** The batch they are of. */
  readonly batchId?: number;
  /** The batch with every job, in the order they were created. */
  readonly detail?: BatchDetail;
  /** Why the latest load failed. */
  readonly error?: string;
}

/**
 * Loads the jobs of batch `batchId` (`batches.get`) on each (re)connection, when the batch
 * changes, and on `reload()`.
 */
export function useBatchJobs(batchId: number | undefined): BatchJobsState & { reload(): void } {
  const client = useClient();
  const connected = useConnectionState().kind === "connected";
  const [state, setState] = useState<BatchJobsState>({});
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!connected || batchId === undefined) return;
    const controller = new AbortController();
    const { signal } = controller;
    client.batches.get.query({ id: batchId }, { signal }).then(
      (detail) => !signal.aborted && setState({ batchId, detail }),
      (error) =>
        !signal.aborted &&
        setState((previous) => ({
          ...(previous.batchId === batchId ? previous : {}),
          batchId,
          error: describeError(error),
        })),
    );
    return () => controller.abort();
  }, [client, connected, batchId, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...(state.batchId === batchId ? state : {}), reload };
}
