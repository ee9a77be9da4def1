import { z } from "zod";
import { SCHEDULE_STATES, slotsInputSchema } from "../../shared/schedule.ts";
import { procedure, router } from "./trpc.ts";

const id = z.number().int().positive();
const at = z.string().max(40).datetime({
  offset: true,
  message: "an ISO 8601 time such as 2026-11-24T08:00:00Z",
});

export const scheduleRouter = router({
  /** The calendar from a day: offered slots with what is left, and each day's caps. */
  slots: procedure.input(slotsInputSchema.optional()).query(({ ctx, input }) =>
    ctx.services.scheduler.slots(input ?? {})
  ),

  /** Puts a rendered video on the calendar (the next free slot when `at` is omitted). */
  create: procedure.input(z.strictObject({ renderId: id, at: at.optional() })).mutation(({ ctx, input }) =>
    ctx.services.scheduler.create(input.renderId, input.at)
  ),

  /** Videos on the calendar, by slot time. */
  list: procedure.input(
    z.strictObject({
      ids: z.array(id).max(500).optional(),
      from: at.optional(),
      to: at.optional(),
      states: z.array(z.enum(SCHEDULE_STATES)).max(SCHEDULE_STATES.length).optional(),
    }).optional(),
  ).query(({ ctx, input }) => ctx.services.scheduler.list(input ?? {})),

  /** Moves a scheduled video to another slot (the next free one when `at` is omitted). */
  move: procedure.input(z.strictObject({ id, at: at.optional() })).mutation(({ ctx, input }) =>
    ctx.services.scheduler.move(input.id, input.at)
  ),

  /** Takes a video off the calendar, releasing its slot and quota. */
  cancel: procedure.input(z.strictObject({ id })).mutation(({ ctx, input }) =>
    ctx.services.scheduler.cancel(input.id)
  ),
});

export const quotaRouter = router({
  /** The quota buckets of a Pacific day (default today). */
  status: procedure.input(
    z.strictObject({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a day like 2026-11-21").optional() })
      .optional(),
  ).query(({ ctx, input }) => ctx.services.scheduler.quotaStatus(input?.day)),
});
