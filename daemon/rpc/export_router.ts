import { z } from "zod";
import { exportFormatSchema, exportOptionsSchema } from "../../shared/export.ts";
import { getBatch, listJobs } from "../queue/mod.ts";
import { procedure, router } from "./trpc.ts";

const ids = z.array(z.number().int().positive()).min(1).max(10_000);
/** An id of the caller's choosing, to follow `export.progress` and to cancel. */
const exportId = z.string().regex(/^[\w-]{1,80}$/, "1 to 80 letters, digits, - and _");

export const exportRouter = router({
  /**
   * Exports the approved expressions of some episodes, of a batch's episodes, or some
   * expressions: an Anki deck by default (or CSV, TSV, JSON). Runs as a job on the `exports`
   * queue with `export.progress` events; cancelled when the call is (or with `export.cancel`).
   */
  anki: procedure.input(
    z.strictObject({
      episodeIds: ids.optional(),
      batchId: z.number().int().positive().optional(),
      expressionIds: ids.optional(),
      format: exportFormatSchema.default("anki"),
      options: exportOptionsSchema.partial().optional(),
      exportId: exportId.optional(),
    }).refine(
      (v) => v.episodeIds || v.batchId || v.expressionIds,
      "name episodeIds, batchId or expressionIds",
    ),
  ).mutation(async ({ ctx, input, signal }) => {
    let episodeIds = input.episodeIds;
    if (input.batchId !== undefined) {
      const { db } = ctx.services.database;
      await getBatch(db, input.batchId);
      episodeIds = (await listJobs(db, { batchId: input.batchId })).map((j) => j.episodeId);
    }
    return await ctx.services.exports.run(
      { episodeIds, expressionIds: input.expressionIds, format: input.format, options: input.options ?? {} },
      { signal, id: input.exportId },
    );
  }),

  /** Stops an export wherever it runs. */
  cancel: procedure.input(z.strictObject({ exportId })).mutation(async ({ ctx, input }) => {
    await ctx.services.exports.cancel(input.exportId);
    return { cancelled: input.exportId };
  }),
});
