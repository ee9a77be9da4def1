import { z } from "zod";
import { renderKindSchema, renderOptionsSchema } from "../../shared/render.ts";
import { RenderNotFoundError, toRender } from "../render/mod.ts";
import { procedure, router } from "./trpc.ts";

const id = z.number().int().positive();

export const rendersRouter = router({
  /** Rendered videos, newest first. */
  list: procedure.input(
    z.strictObject({
      episodeId: id.optional(),
      groupId: id.optional(),
      kind: renderKindSchema.optional(),
      /** Only those marked (or not) for the publishing calendar. */
      marked: z.boolean().optional(),
    }).optional(),
  ).query(async ({ ctx, input }) => {
    let query = ctx.services.database.db.selectFrom("renders").selectAll();
    if (input?.episodeId) query = query.where("episode_id", "=", input.episodeId);
    if (input?.groupId) query = query.where("group_id", "=", input.groupId);
    if (input?.kind) query = query.where("kind", "=", input.kind);
    if (input?.marked !== undefined) query = query.where("marked", "=", input.marked);
    return (await query.orderBy("created_at", "desc").orderBy("id", "desc").execute()).map(toRender);
  }),

  /** One rendered video with its sidecar. */
  get: procedure.input(z.strictObject({ id })).query(async ({ ctx, input }) => {
    const row = await ctx.services.database.db.selectFrom("renders").selectAll().where("id", "=", input.id)
      .executeTakeFirst();
    if (!row) throw new RenderNotFoundError([input.id]);
    return toRender(row);
  }),

  /** What a group would become (the plan in words) and a PNG of its lesson card, before rendering. */
  preview: procedure.input(z.strictObject({ groupId: id, options: renderOptionsSchema.partial().optional() }))
    .query(
      ({ ctx, input }) => ctx.services.renderer.preview(input.groupId, input.options ?? {}),
    ),

  /** Marks (or unmarks) videos for the publishing calendar. */
  mark: procedure.input(z.strictObject({ ids: z.array(id).min(1).max(500), marked: z.boolean() })).mutation(
    async ({ ctx, input }) => {
      const rows = await ctx.services.database.db.updateTable("renders").set({ marked: input.marked })
        .where("id", "in", input.ids).returningAll().execute();
      if (rows.length !== input.ids.length) {
        const found = new Set(rows.map((r) => r.id));
        throw new RenderNotFoundError(input.ids.filter((i) => !found.has(i)));
      }
      return rows.map(toRender);
    },
  ),

  /** Renders a group now (the queue will run these for batches); one ffmpeg encode per video. */
  create: procedure.input(z.strictObject({ groupId: id, options: renderOptionsSchema.partial().optional() }))
    .mutation(
      ({ ctx, input, signal }) =>
        ctx.services.renderer.renderGroup(input.groupId, input.options ?? {}, { signal }),
    ),
});
