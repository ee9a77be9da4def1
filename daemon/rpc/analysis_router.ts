import { z } from "zod";
import { analysisOptionsSchema } from "../../shared/analysis.ts";
import { procedure, router } from "./trpc.ts";

const episodeId = z.number().int().positive();

export const analysisRouter = router({
  /** Chunks, calls, tokens and cost of analysing these episodes, before any work; and the budget. */
  estimate: procedure.input(z.strictObject({
    episodeIds: z.array(episodeId).min(1).max(50),
    options: analysisOptionsSchema.partial().optional(),
  })).query(({ ctx, input }) => ctx.services.analysis.estimate(input.episodeIds, input.options ?? {})),

  /** Analyses one episode now (the queue will run these for batches). */
  run: procedure.input(z.strictObject({ episodeId, options: analysisOptionsSchema.partial().optional() }))
    .mutation(
      ({ ctx, input, signal }) => ctx.services.analysis.run(input.episodeId, input.options ?? {}, { signal }),
    ),
});
