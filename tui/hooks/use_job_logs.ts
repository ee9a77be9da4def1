import { useCallback, useEffect, useRef, useState } from "react";
import type { JobLogLine } from "../../shared/jobs.ts";
import { describeError } from "../format.ts";
import { useClient } from "./use_client.ts";
import { useConnectionState } from "./use_connection_state.ts";

/** How many of a job's log lines are kept (the newest); more than any pane shows. */
export const KEPT_JOB_LOG_LINES = 500;
/** How often the log of a running job is asked for its new lines. */
export const LOG_POLL_MS = 1_000;

/** One job's log as far as it has arrived. */
export interface JobLogsState {
  /** The job it is of. */
  readonly jobId?: number;
  /** The newest {@link KEPT_JOB_LOG_LINES} lines, oldest first; undefined until the first answer. */
  readonly lines?: readonly JobLogLine[];
  /** Why the latest call failed. */
  readonly error?: string;
}

/**
 * Loads the log of job `jobId` (`jobs.logs`, page after page up to its end), then only the lines
 * after the last one seen: every {@link LOG_POLL_MS} while `live` (the job runs), and on
 * `fetchNewer()` (its state changed). One call at a time; a call asked for meanwhile follows it.
 */
export function useJobLogs(jobId: number | undefined, live: boolean): JobLogsState & { fetchNewer(): void } {
  const client = useClient();
  const connected = useConnectionState().kind === "connected";
  const [state, setState] = useState<JobLogsState>({});
  const fetchRef = useRef<() => void>(() => {});

  useEffect(() => {
    if (!connected || jobId === undefined) return;
    const controller = new AbortController();
    const { signal } = controller;
    let lines: JobLogLine[] = [];
    let afterId: number | undefined;
    let inFlight = false;
    let again = false;
    const fetch = async () => {
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      try {
        let page: JobLogLine[];
        do {
          page = await client.jobs.logs.query(
            { id: jobId, afterId, limit: KEPT_JOB_LOG_LINES },
            { signal },
          );
          if (signal.aborted) return;
          lines = [...lines, ...page].slice(-KEPT_JOB_LOG_LINES);
          afterId = page.at(-1)?.id ?? afterId;
        } while (page.length === KEPT_JOB_LOG_LINES);
        setState({ jobId, lines });
      } catch (error) {
        if (!signal.aborted) setState({ jobId, lines, error: describeError(error) });
      } finally {
        inFlight = false;
      }
      if (again && !signal.aborted) {
        again = false;
        void fetch();
      }
    };
    fetchRef.current = () => void fetch();
    void fetch();
    return () => {
      controller.abort();
      fetchRef.current = () => {};
    };
  }, [client, connected, jobId]);

  useEffect(() => {
    if (!live || jobId === undefined) return;
    const timer = setInterval(() => fetchRef.current(), LOG_POLL_MS);
    return () => clearInterval(timer);
  }, [live, jobId]);

  const fetchNewer = useCallback(() => fetchRef.current(), []);
  return { ...(state.jobId === jobId ? state : {}), fetchNewer };
}
