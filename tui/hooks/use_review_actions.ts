import { useMemo } from "react";
import type { AnalysisRun, Expression } from "../../shared/analysis.ts";
import type { Render } from "../../shared/render.ts";
import { describeError, formatCount, formatUsd, plural } from "../format.ts";
import type { Notice } from "../library_view.ts";
import type { ReviewView } from "../review_view.ts";
import { useClient } from "./use_client.ts";

/** The most ids one `expressions.review` call takes. */
export const REVIEW_BATCH = 500;

/** What a finished run says on the status line: status, kept and dropped, calls vs cached, cost. */
export function runSummary(run: AnalysisRun): Notice {
  const seconds = (run.durationMs / 1000).toFixed(1);
  const figures = [
    `${formatCount(run.kept)} kept, ${formatCount(run.dropped)} dropped`,
    `${plural(run.calls, "LLM call")}, ${formatCount(run.cachedChunks)} of ${
      plural(run.chunks, "chunk")
    } cached`,
    formatUsd(run.costUsd),
  ].join(" · ");
  const failed = run.failedChunks[0];
  switch (run.status) {
    case "completed":
      return { text: `✓ Analysis completed in ${seconds} s: ${figures}`, role: "ok" };
    case "partial":
      return {
        text: `▲ Analysis partial: ${formatCount(run.failedChunks.length)} of ${
          plural(run.chunks, "chunk")
        } failed${failed ? ` (${failed.kind}: ${failed.message})` : ""} · ${figures}`,
        role: "warn",
      };
    case "failed":
      return {
        text: `✗ Analysis failed: ${run.error ?? failed?.message ?? "no chunk succeeded"} · ${figures}`,
        role: "error",
      };
    case "running":
      return {
        text: `Analysis run ${run.id} is still running: its expressions arrive when it ends`,
        role: "muted",
      };
  }
}

/** What a finished render says on the status line: how many videos, where they are. */
export function renderedSummary(renders: readonly Render[], durationMs: number): Notice {
  const seconds = (durationMs / 1000).toFixed(1);
  if (renders.length === 0) {
    return { text: `Rendered nothing in ${seconds} s: the group made no video`, role: "warn" };
  }
  const paths = renders.map((render) => render.path).join(", ");
  return {
    text: `✓ Rendered ${plural(renders.length, "video")} in ${seconds} s (screen 4 lists them): ${paths}`,
    role: "ok",
  };
}

/** How a decision reads in messages. */
const DONE = { approve: "Approved", reject: "Rejected" } as const;

/** What the Review screen asks of the daemon: decisions, edits and analysis runs. */
export interface ReviewActions {
  /**
   * Approves or rejects the selection, or else (`"one"`) the expression under the cursor,
   * moving on to the next row, or (`"pending"`) every shown pending expression.
   */
  decide(decision: "approve" | "reject", scope: "one" | "pending", pageRows: number): void;
  /** Saves the edit form's changed fields; an invalid or refused form stays open with the error. */
  save(): void;
  /** Analyses the episode under review (one run at a time), then reloads it. */
  analyse(onDone: (episodeId: number) => void): void;
  /**
   * Renders the group of the expression under the cursor with the default options (one render
   * at a time), then says where the videos are or why it failed.
   */
  render(): void;
}

/** The Review screen's calls, each updating `view` with what the daemon answers. */
export function useReviewActions(view: ReviewView): ReviewActions {
  const client = useClient();
  return useMemo((): ReviewActions => ({
    decide(decision, scope, pageRows) {
      const bulk = view.selection.size > 0 || scope === "pending";
      const ids = view.targets(scope);
      if (ids.length === 0) {
        view.notify({
          text: scope === "pending"
            ? "Nothing pending here: select expressions with Space to change their decision"
            : "No expression here",
          role: "muted",
        });
        return;
      }
      const single = ids.length === 1 ? view.rows.find((e) => e.id === ids[0]) : undefined;
      if (bulk) view.clear();
      else view.move(1, pageRows); // on to the next one, as a reviewer goes down the list
      const batches: number[][] = [];
      for (let i = 0; i < ids.length; i += REVIEW_BATCH) batches.push(ids.slice(i, i + REVIEW_BATCH));
      Promise.all(batches.map((batch) => client.expressions.review.mutate({ ids: batch, decision }))).then(
        (results) => {
          view.applyUpdates(results.flat());
          // A single decision shows in its row; a bulk one is worth a line.
          if (bulk) {
            view.notify({ text: `${DONE[decision]} ${plural(ids.length, "expression")}`, role: "ok" });
          }
        },
        (error) => {
          const what = single ? `"${single.text}"` : plural(ids.length, "expression");
          view.notify({ text: `✗ Could not ${decision} ${what}: ${describeError(error)}`, role: "error" });
        },
      );
    },

    save() {
      const form = view.form;
      if (!form || form.saving) return;
      const result = form.result();
      if (result.kind === "invalid") {
        form.error = result.error;
        form.focus = result.field;
        view.touch();
        return;
      }
      if (result.kind === "unchanged") {
        view.closeForm();
        view.notify({ text: "Nothing changed", role: "muted" });
        return;
      }
      form.saving = true;
      form.error = undefined;
      view.touch();
      client.expressions.review.mutate({ ids: [form.expression.id], edits: result.edits }).then(
        (updated: Expression[]) => {
          view.applyUpdates(updated);
          if (view.form === form) view.closeForm();
          view.notify({ text: `Saved "${updated[0]?.text ?? form.expression.text}"`, role: "ok" });
        },
        (error) => {
          form.saving = false;
          form.error = describeError(error);
          view.touch();
        },
      );
    },

    analyse(onDone) {
      const episodeId = view.episodeId;
      if (episodeId === undefined) {
        view.notify({ text: "Nothing to analyse: the library is empty (scan it on screen 2)", role: "warn" });
        return;
      }
      // One at a time: the status line says which one runs.
      if (!view.startAnalysis()) return;
      client.analysis.run.mutate({ episodeId }).then(
        (run) => view.endAnalysis(runSummary(run)),
        (error) => view.endAnalysis({ text: `✗ Analysis failed: ${describeError(error)}`, role: "error" }),
      ).finally(() => onDone(episodeId));
    },

    render() {
      const expression = view.current;
      if (!expression) {
        view.notify({ text: "No expression here to render", role: "muted" });
        return;
      }
      const { groupId, text } = expression;
      if (groupId === null) {
        view.notify({
          text: `"${text}" belongs to no group, so there is nothing to render: ` +
            "only expressions an analysis kept are grouped",
          role: "warn",
        });
        return;
      }
      // One at a time: the status line says which one runs.
      if (!view.startRender({ groupId, text })) return;
      const started = Date.now();
      client.renders.create.mutate({ groupId }).then(
        (renders) => view.endRender(renderedSummary(renders, Date.now() - started)),
        (error) => view.endRender({ text: `✗ Render failed: ${describeError(error)}`, role: "error" }),
      );
    },
  }), [client, view]);
}
