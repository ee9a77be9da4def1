import { useMemo } from "react";
import { describeError, plural } from "../format.ts";
import type { OutputsView } from "../outputs_view.ts";
import { renderExpressions } from "../render_lines.ts";
import { useClient } from "./use_client.ts";

/** The most ids one `renders.mark` call takes. */
export const MARK_BATCH = 500;

/** What the Outputs screen asks of the daemon. */
export interface OutputActions {
  /**
   * Marks the selection, or else the video under the cursor, for the publishing calendar; or
   * unmarks them when they all are marked already. Shown at once, then as the daemon answers.
   */
  mark(): void;
}

/** The Outputs screen's calls, each updating `view` with what the daemon answers. */
export function useOutputActions(view: OutputsView): OutputActions {
  const client = useClient();
  return useMemo((): OutputActions => ({
    mark() {
      const targets = view.markTargets();
      if (!targets) {
        view.notify({ text: "No video here to mark", role: "muted" });
        return;
      }
      const { ids, marked } = targets;
      const bulk = view.selection.size > 0;
      const single = ids.length === 1 ? view.render(ids[0]) : undefined;
      const what = single ? `"${renderExpressions(single)}" (${single.kind})` : plural(ids.length, "video");
      if (bulk) view.selection.clear();
      const call = view.beginMark(ids, marked);
      const batches: number[][] = [];
      for (let i = 0; i < ids.length; i += MARK_BATCH) batches.push(ids.slice(i, i + MARK_BATCH));
      Promise.all(batches.map((batch) => client.renders.mark.mutate({ ids: batch, marked }))).then(
        (results) => {
          view.endMark(call, results.flat());
          view.notify(
            marked
              ? { text: `★ Marked ${what} for the publishing calendar`, role: "ok" }
              : { text: `Unmarked ${what} (off the publishing calendar)`, role: "ok" },
          );
        },
        (error) => {
          view.endMark(call, undefined);
          view.notify({
            text: `✗ Could not ${marked ? "mark" : "unmark"} ${what}: ${describeError(error)}`,
            role: "error",
          });
        },
      );
    },
  }), [client, view]);
}
