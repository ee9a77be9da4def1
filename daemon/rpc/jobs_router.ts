import { z } from "zod";
import { JOB_STATES } from "../../shared/jobs.ts";
import { getJob, jobLogs, listJobs } from "../queue/mod.ts";
import { procedure, router } from "./trpc.ts";

const id = z.number().int().positive();

export const jobsRouter = router({
  /** Jobs, newest first. */
  list: procedure.input(
    z.strictObject({
      batchId: id.optional(),
      state: z.enum(JOB_STATES).optional(),
      limit: z.number().int().min(1).max(2_000).default(200),
    }).optional(),
  ).query(({ ctx, input }) => listJobs(ctx.services.database.db, input ?? {})),

  /** One job: state, stage, progress, error, attempts. */
  get: procedure.input(z.strictObject({ id })).query(({ ctx, input }) =>
    getJob(ctx.services.database.db, input.id)
  ),

  /** The job's own log lines, oldest first; `afterId` for only the newer ones, `tail` for the last ones. */
  logs: procedure.input(
    z.strictObject({
      id,
      afterId: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(2_000).default(500),
      /** The last `limit` lines instead of the first. */
      tail: z.boolean().default(false),
    }),
  ).query(({ ctx, input }) => jobLogs(ctx.services.database.db, input.id, input)),

  /** Stops a waiting or running job; its ffmpeg and LLM calls stop within two seconds. */
  cancel: procedure.input(z.strictObject({ id })).mutation(({ ctx, input }) =>
    ctx.services.pipeline.cancel(input.id)
  ),

  /** Runs a failed or cancelled job again from the stage it stopped in. */
  retry: procedure.input(z.strictObject({ id })).mutation(({ ctx, input }) =>
    ctx.services.pipeline.retry(input.id)
  ),
});
