import { useContext, useMemo } from "react";
import { FocusContext } from "../context/FocusContext.tsx";
import { NavigationContext } from "../context/NavigationContext.tsx";
import { describeError, plural } from "../format.ts";
import type { LibraryView } from "../library_view.ts";
import { useClient } from "./use_client.ts";

/** What the Library's batch form asks of the daemon, and where it goes next. */
export interface BatchActions {
  /** Starts the batch with the form's options; an invalid or refused form stays open with the error. */
  start(): void;
  /** Closes the form of a started batch and shows the batch on the Jobs screen. */
  showJobs(): void;
  /** Closes the form; after a start, says on the status line where the batch is. */
  close(): void;
}

/** The batch form's calls, each updating `view` with what the daemon answers. */
export function useBatchActions(view: LibraryView): BatchActions {
  const client = useClient();
  const focus = useContext(FocusContext);
  const navigation = useContext(NavigationContext);
  return useMemo((): BatchActions => ({
    start() {
      const form = view.batch;
      if (!form || form.starting || form.started) return;
      const result = form.result();
      if (result.kind === "invalid") {
        form.error = result.error;
        form.focus = result.field;
        view.touch();
        return;
      }
      form.starting = true;
      form.error = undefined;
      view.touch();
      client.batches.create.mutate({ episodeIds: form.episodeIds, options: result.options }).then(
        (created) => {
          form.starting = false;
          form.started = created;
          focus.batch.set(created.batchId);
          view.touch();
        },
        (error) => {
          form.starting = false;
          form.error = `batches.create failed: ${describeError(error)}`;
          view.touch();
        },
      );
    },

    showJobs() {
      const started = view.batch?.started;
      if (!started) return;
      view.closeBatch();
      navigation.show("jobs");
    },

    close() {
      const started = view.batch?.started;
      view.closeBatch();
      if (started) {
        view.notify({
          text: `✓ Batch ${started.batchId} started (${
            plural(started.jobIds.length, "episode")
          }): the Jobs screen (5) shows its progress`,
          role: "ok",
        });
      }
    },
  }), [client, view, focus, navigation]);
}
