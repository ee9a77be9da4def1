import type { z } from "zod";
import { settingsUpdateSchema } from "../settings/mod.ts";
import { procedure, router } from "./trpc.ts";

/** The longest string (a value or a record's key) a setting may hold. */
const MAX_SETTING_STRING = 200;
/** The most entries a record setting (prices by model, quota buckets, costs) may have. */
const MAX_SETTING_ENTRIES = 100;

/**
 * Reports strings and records past the limits above: the settings' own schemas leave record
 * keys and some strings unbounded, and every change is stored, audited and sent to every client.
 */
function checkBounds(value: unknown, ctx: z.RefinementCtx, path: (string | number)[] = []): void {
  if (typeof value === "string") {
    if (value.length > MAX_SETTING_STRING) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `at most ${MAX_SETTING_STRING} characters (got ${value.length})`,
      });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkBounds(item, ctx, [...path, i]));
  } else if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length > MAX_SETTING_ENTRIES) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `at most ${MAX_SETTING_ENTRIES} entries (got ${entries.length})`,
      });
      return;
    }
    for (const [key, item] of entries) {
      if (key.length > MAX_SETTING_STRING) {
        ctx.addIssue({
          code: "custom",
          path: [...path, key.slice(0, 40) + "…"],
          message: `a name of at most ${MAX_SETTING_STRING} characters (got ${key.length})`,
        });
      } else {
        checkBounds(item, ctx, [...path, key]);
      }
    }
  }
}

export const settingsRouter = router({
  /** Every run-time setting (defaults filled in). */
  get: procedure.query(({ ctx }) => ctx.services.settings.all()),

  /** Changes some settings; validated, stored and audited (who: the client's address). */
  update: procedure.input(settingsUpdateSchema.superRefine((value, ctx) => checkBounds(value, ctx)))
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
