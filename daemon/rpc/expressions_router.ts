import { z } from "zod";
import { expressionStatusSchema } from "../../shared/analysis.ts";
import { listExpressions, reviewExpressions, summariseExpressions } from "../analysis/mod.ts";
import { getBatch, listJobs } from "../queue/mod.ts";
import { procedure, router } from "./trpc.ts";

const translation = z.strictObject({
  language: z.string().min(2).max(8),
  expression: z.string().trim().min(1).max(300),
  line: z.string().trim().max(1_000),
  title: z.string().trim().min(1).max(100),
});

export const expressionsRouter = router({
  /** Expressions of an episode (or all), in time order; dropped ones only when asked. */
  list: procedure.input(
    z.strictObject({
      episodeId: z.number().int().positive().optional(),
      batchId: z.number().int().positive().optional(),
      status: expressionStatusSchema.optional(),
      includeDropped: z.boolean().default(false),
    }),
  )
    .query(async ({ ctx, input }) => {
      const { db } = ctx.services.database;
      if (input.batchId === undefined) return await listExpressions(db, input);
      // the expressions of the analyses the batch's jobs made
      const jobs = await listJobs(db, { batchId: (await getBatch(db, input.batchId)).id });
      return await listExpressions(db, { ...input, runIds: jobs.flatMap((j) => j.runId ?? []) });
    }),

  /** How many expressions each analysed episode has in each state (cheap, for lists). */
  summary: procedure.input(
    z.strictObject({ episodeIds: z.array(z.number().int().positive()).max(5_000).optional() }).optional(),
  )
    .query(({ ctx, input }) => summariseExpressions(ctx.services.database.db, input?.episodeIds)),

  /** Approves or rejects expressions, optionally editing one; every change is kept in its history. */
  review: procedure.input(
    z.strictObject({
      ids: z.array(z.number().int().positive()).min(1).max(500),
      decision: z.enum(["approve", "reject"]).optional(),
      edits: z.object({
        text: z.string().trim().min(1).max(300).optional(),
        meaning: z.string().trim().max(2_000).optional(),
        example: z.string().trim().max(1_000).optional(),
        similar: z.array(z.string().trim().min(1).max(300)).max(10).optional(),
        difficulty: z.number().int().min(1).max(10).optional(),
        translations: z.array(translation).max(5).optional(),
      }).strict().optional(),
    }).refine((v) => v.decision || v.edits, { message: "give a decision, edits, or both" })
      .refine((v) => !v.edits || v.ids.length === 1, {
        message: "edits apply to one expression",
        path: ["edits"],
      }),
  )
    .mutation(async ({ ctx, input }) => {
      const updated = await reviewExpressions(ctx.services.database.db, { ...input, by: ctx.remote });
      const episodeIds = [...new Set(updated.map((e) => e.episodeId))];
      ctx.services.events.publish({
        type: "expressions.changed",
        data: { episodeIds, runId: null, cause: input.decision ?? "edit", count: updated.length },
      }).catch(() => {});
      // jobs waiting for this review go on to render once nothing of theirs is pending
      await ctx.services.pipeline.reviewed(episodeIds);
      return updated;
    }),
});
