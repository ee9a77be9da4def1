import { z } from "zod";
import { batchCreateInputSchema } from "../../shared/jobs.ts";
import { getBatch, listBatches, listJobs } from "../queue/mod.ts";
import { procedure, router } from "./trpc.ts";

const id = z.number().int().positive();

export const batchesRouter = router({
  /** Starts a batch: one job per episode (analyse → review if asked → render). */
  create: procedure.input(batchCreateInputSchema).mutation(({ ctx, input }) =>
    ctx.services.pipeline.createBatch(input.episodeIds, input.options ?? {})
  ),

  /** Batches, newest first, with their jobs' counts and progress. */
  list: procedure.input(z.strictObject({ limit: z.number().int().min(1).max(500).default(50) }).optional())
    .query(({ ctx, input }) => listBatches(ctx.services.database.db, { limit: input?.limit })),

  /** One batch with every job. */
  get: procedure.input(z.strictObject({ id })).query(async ({ ctx, input }) => {
    const batch = await getBatch(ctx.services.database.db, input.id);
    const jobs = await listJobs(ctx.services.database.db, { batchId: input.id });
    return { ...batch, jobs: jobs.reverse() };
  }),

  /** Cancels every unfinished job of the batch (running ones stop within two seconds). */
  cancel: procedure.input(z.strictObject({ id })).mutation(async ({ ctx, input }) => {
    await ctx.services.pipeline.cancelBatch(input.id);
    return await getBatch(ctx.services.database.db, input.id);
  }),

  /** Runs the batch's failed jobs again from the stage each stopped in. */
  retryFailed: procedure.input(z.strictObject({ id })).mutation(async ({ ctx, input }) => {
    await ctx.services.pipeline.retryFailed(input.id);
    return await getBatch(ctx.services.database.db, input.id);
  }),
});
