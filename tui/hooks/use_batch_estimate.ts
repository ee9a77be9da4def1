import { useEffect } from "react";
import { describeError } from "../format.ts";
import type { LibraryView } from "../library_view.ts";
import { useClient } from "./use_client.ts";
import { useConnectionState } from "./use_connection_state.ts";

/** How long the options must stay unchanged before an estimate is asked for (typing a language). */
export const ESTIMATE_DELAY_MS = 300;

/**
 * Asks `analysis.estimate` for the episodes and analysis options of the Library's batch form
 * once they have stayed unchanged for {@link ESTIMATE_DELAY_MS}, and again whenever they change
 * (invalid options ask nothing); the answer goes into the form.
 */
export function useBatchEstimate(view: LibraryView): void {
  const client = useClient();
  const connected = useConnectionState().kind === "connected";
  const form = view.batch;
  const key = form?.estimateKey();
  useEffect(() => {
    if (!form || key === undefined || !connected || form.started) return;
    if (form.estimate?.key === key && !form.estimate.error) return;
    const analysis = form.analysisOptions();
    if (analysis.kind === "invalid") return;
    const controller = new AbortController();
    const { signal } = controller;
    const timer = setTimeout(() => {
      client.analysis.estimate.query({ episodeIds: form.episodeIds, options: analysis.options }, { signal })
        .then(
          (estimate) => ({ key, estimate }),
          (error) => ({ key, error: describeError(error) }),
        )
        .then((state) => {
          if (signal.aborted || view.batch !== form) return;
          form.estimate = state;
          view.touch();
        });
    }, ESTIMATE_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [client, view, form, key, connected, form?.started]);
}
