import { settingsUpdateSchema } from "../settings/mod.ts";
import { procedure, router } from "./trpc.ts";

export const settingsRouter = router({
  /** Every run-time setting (defaults filled in). */
  get: procedure.query(({ ctx }) => ctx.services.settings.all()),

  /** Changes some settings; validated, stored and audited (who: the client's address). */
  update: procedure.input(settingsUpdateSchema)
    .mutation(async ({ ctx, input }) => {
      const settings = await ctx.services.settings.update(input, ctx.remote);
      ctx.services.events.publish({
        type: "settings.changed",
        data: { keys: Object.keys(input), by: ctx.remote },
      })
        .catch(() => {});
      return settings;
    }),
});
