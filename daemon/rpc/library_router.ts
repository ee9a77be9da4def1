import { z } from "zod";
import { libraryListInputSchema, libraryScanInputSchema } from "../../shared/schemas.ts";
import { freeBytes } from "../health/mod.ts";
import { countByRoot, getEpisode, listEpisodes, loadCues } from "../library/mod.ts";
import { procedure, router } from "./trpc.ts";

const id = z.number().int().positive();

export const libraryRouter = router({
  /** The configured media roots: whether they can be read, free space, episodes found. */
  roots: procedure.query(async ({ ctx }) => {
    const counts = await countByRoot(ctx.services.database.db);
    return await Promise.all(ctx.services.library.scanner.roots.map(async (path) => {
      const info = await Deno.stat(path).catch(() => undefined);
      let readable = false;
      if (info?.isDirectory) {
        readable = await Deno.readDir(path)[Symbol.asyncIterator]().next().then(() => true, () => false);
      }
      return {
        path,
        exists: Boolean(info?.isDirectory),
        readable,
        freeBytes: info ? await freeBytes(path).catch(() => null) : null,
        episodes: counts.get(path) ?? 0,
      };
    }));
  }),

  /** Scans every root, or one; only new or changed files are probed. */
  scan: procedure.input(libraryScanInputSchema).mutation(
    ({ ctx, input, signal }) => ctx.services.library.scanner.scan({ root: input?.root, signal }),
  ),

  /** A page of episodes in library order, searchable and filterable. */
  list: procedure.input(libraryListInputSchema).query(({ ctx, input }) =>
    listEpisodes(ctx.services.database.db, input)
  ),

  /** One episode with its subtitle tracks and media information. */
  get: procedure.input(z.strictObject({ id })).query(({ ctx, input }) =>
    getEpisode(ctx.services.database.db, input.id)
  ),

  /** Cues of a subtitle track (by default the best one), optionally in a time window. */
  cues: procedure.input(
    z.strictObject({
      episodeId: id,
      track: id.optional(),
      fromMs: z.number().int().nonnegative().optional(),
      toMs: z.number().int().positive().optional(),
    }).refine((v) => v.fromMs === undefined || v.toMs === undefined || v.fromMs < v.toMs, {
      message: "fromMs must be before toMs",
      path: ["toMs"],
    }),
  ).query(({ ctx, input, signal }) =>
    loadCues(ctx.services.database.db, {
      episodeId: input.episodeId,
      trackId: input.track,
      fromMs: input.fromMs,
      toMs: input.toMs,
      ffmpeg: ctx.services.library.ffmpeg,
      cacheDir: ctx.services.library.cacheDir,
      signal,
    })
  ),
});
