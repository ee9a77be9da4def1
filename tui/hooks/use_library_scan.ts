import { useCallback, useEffect, useRef, useState } from "react";
import type { AppEvent, ScanResult } from "../../shared/schemas.ts";
import { describeError } from "../format.ts";
import { useClient } from "./use_client.ts";

/** How far a scan has come, as `library.progress` events tell. */
export type ScanProgress = Extract<AppEvent, { type: "library.progress" }>["data"];

/** How a scan this screen started ended. */
export type ScanOutcome = { result: ScanResult } | { error: string };

/** A library scan: the one this client started, and the progress of any scan. */
export interface LibraryScan {
  /** Whether a scan this client started is running. */
  readonly running: boolean;
  /** The latest progress of a running scan (also one started elsewhere, e.g. by the watcher). */
  readonly progress?: ScanProgress;
  /** Starts a scan of every media root, unless one this client started runs. */
  start(): void;
  /** Feeds a `library.progress` event in. */
  progressed(progress: ScanProgress): void;
}

/** Runs `library.scan` on request and tells `onDone` how it ended. */
export function useLibraryScan(onDone: (outcome: ScanOutcome) => void): LibraryScan {
  const client = useClient();
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<ScanProgress>();
  // Read when a key arrives, which may be before React has rendered the previous key's change.
  const runningNow = useRef(false);
  const done = useRef(onDone);
  useEffect(() => {
    done.current = onDone;
  });

  const start = useCallback(() => {
    if (runningNow.current) return;
    runningNow.current = true;
    setRunning(true);
    setProgress(undefined);
    client.library.scan.mutate({}).then(
      (result) => done.current({ result }),
      (error) => done.current({ error: describeError(error) }),
    ).finally(() => {
      runningNow.current = false;
      setRunning(false);
      setProgress(undefined);
    });
  }, [client]);

  const progressed = useCallback(
    (next: ScanProgress) => setProgress(next.phase === "done" ? undefined : next),
    [],
  );
  return { running, progress, start, progressed };
}
