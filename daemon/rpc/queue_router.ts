import { z } from "zod";
import { QUEUE_NAMES } from "../../shared/jobs.ts";
import { procedure, router } from "./trpc.ts";

const names = z.strictObject({
  names: z.array(z.enum(QUEUE_NAMES)).min(1).max(QUEUE_NAMES.length).optional(),
})
  .optional();

export const queueRouter = router({
  /** Counts of each stage queue, whether it is paused, and its workers across daemons. */
  stats: procedure.query(({ ctx }) => ctx.services.pipeline.stats()),

  /** Stops handing out new work (running jobs finish; nothing queued is lost). */
  pause: procedure.input(names).mutation(({ ctx, input }) =>
    ctx.services.pipeline.setPaused(true, input?.names ?? QUEUE_NAMES)
  ),

  /** Hands out work again. */
  resume: procedure.input(names).mutation(({ ctx, input }) =>
    ctx.services.pipeline.setPaused(false, input?.names ?? QUEUE_NAMES)
  ),
});
