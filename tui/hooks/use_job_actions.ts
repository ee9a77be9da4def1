import { useMemo } from "react";
import type { QueueStats } from "../../shared/jobs.ts";
import { describeError, plural } from "../format.ts";
import type { JobsView } from "../jobs_view.ts";
import { useClient } from "./use_client.ts";

/** What the Jobs screen asks of the daemon. */
export interface JobActions {
  /** Cancels the job under the cursor (the daemon refuses a finished one). */
  cancelJob(): void;
  /** Runs the job under the cursor again (a failed or cancelled one). */
  retryJob(): void;
  /** Cancels every unfinished job of the batch under the cursor. */
  cancelBatch(): void;
  /** Runs the failed jobs of the batch under the cursor again. */
  retryFailed(): void;
  /** Pauses every stage queue, or resumes them when any is paused (`stats` as last known). */
  togglePause(stats: readonly QueueStats[] | undefined): void;
}

/**
 * The Jobs screen's calls, each updating `view` with what the daemon answers (or why it
 * refused); `changed` is told after each success, to reload what the answer does not cover,
 * and `queues` gets the stats a pause or resume returns.
 */
export function useJobActions(
  view: JobsView,
  options: { changed: () => void; queues: (stats: readonly QueueStats[]) => void },
): JobActions {
  const client = useClient();
  const { changed, queues } = options;
  return useMemo((): JobActions => {
    const fail = (what: string) => (error: unknown) =>
      view.notify({ text: `✗ Could not ${what}: ${describeError(error)}`, role: "error" });

    return {
      cancelJob() {
        const job = view.job;
        if (!job) return view.notify({ text: "No job here to cancel", role: "muted" });
        const what = `job ${job.id} (${job.label})`;
        client.jobs.cancel.mutate({ id: job.id }).then((updated) => {
          view.applyJob(updated);
          view.notify({ text: `Cancelled ${what}`, role: "ok" });
          changed();
        }, fail(`cancel ${what}`));
      },

      retryJob() {
        const job = view.job;
        if (!job) return view.notify({ text: "No job here to retry", role: "muted" });
        const what = `job ${job.id} (${job.label})`;
        client.jobs.retry.mutate({ id: job.id }).then((updated) => {
          view.applyJob(updated);
          view.notify({ text: `Retrying ${what} from its ${updated.stage} stage`, role: "ok" });
          changed();
        }, fail(`retry ${what}`));
      },

      cancelBatch() {
        const batch = view.batch;
        if (!batch) return view.notify({ text: "No batch here to cancel", role: "muted" });
        client.batches.cancel.mutate({ id: batch.id }).then((updated) => {
          view.applyBatch(updated);
          view.notify({ text: `Cancelled batch ${batch.id}: its unfinished jobs stop`, role: "ok" });
          changed();
        }, fail(`cancel batch ${batch.id}`));
      },

      retryFailed() {
        const batch = view.batch;
        if (!batch) return view.notify({ text: "No batch here to retry", role: "muted" });
        const failed = batch.counts.failed;
        if (failed === 0) {
          return view.notify({ text: `Batch ${batch.id} has no failed job to retry`, role: "muted" });
        }
        client.batches.retryFailed.mutate({ id: batch.id }).then((updated) => {
          view.applyBatch(updated);
          view.notify({
            text: `Retrying ${plural(failed, "failed job")} of batch ${batch.id}`,
            role: "ok",
          });
          changed();
        }, fail(`retry the failed jobs of batch ${batch.id}`));
      },

      togglePause(stats) {
        const resume = stats?.some((queue) => queue.paused) ?? false;
        const call = resume ? client.queue.resume : client.queue.pause;
        call.mutate({}).then((answer) => {
          queues(answer);
          view.notify(
            resume ? { text: "▶ Queues resumed: waiting jobs start again", role: "ok" } : {
              text: "‖ Queues paused: running jobs finish, nothing new starts (p resumes)",
              role: "warn",
            },
          );
        }, fail(resume ? "resume the queues" : "pause the queues"));
      },
    };
  }, [client, view, changed, queues]);
}
