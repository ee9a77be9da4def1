import type { Kysely } from "kysely";
import type { DB } from "../../daemon/db/schema.ts";

/**
 * Inserts `count` rendered Shorts (rows only, no files) of one episode; returns their ids.
 * The calendar only needs the rows.
 */
export async function seedRenders(
  db: Kysely<DB>,
  count: number,
  kind: "short" | "long" = "short",
): Promise<number[]> {
  const tag = crypto.randomUUID().slice(0, 8);
  const episode = await db.insertInto("episodes").values({
    root: "/media",
    path: `/media/Seed ${tag}.mp4`,
    rel_path: `Seed ${tag}.mp4`,
    kind: "episode",
    show: "Seed Show",
    season: 1,
    episode: 1,
    sort_key: tag,
    size: 1,
    mtime_ms: 1,
  } as never).returning("id").executeTakeFirstOrThrow();
  const run = await db.insertInto("analysis_runs").values({
    episode_id: episode.id,
    options: "{}",
    model: "seed",
    prompt_version: "seed",
    status: "completed",
  } as never).returning("id").executeTakeFirstOrThrow();
  const group = await db.insertInto("expression_groups").values({
    episode_id: episode.id,
    run_id: run.id,
    context_start_ms: 0,
    context_end_ms: 10_000,
    render_mode: "combined",
  }).returning("id").executeTakeFirstOrThrow();
  const rows = await db.insertInto("renders").values(Array.from({ length: count }, (_, i) => ({
    group_id: group.id,
    episode_id: episode.id,
    expression_ids: [],
    kind,
    path: `/output/seed-${tag}-${i}.mp4`,
    sidecar_path: `/output/seed-${tag}-${i}.json`,
    sidecar: JSON.stringify({ titles: { en: `Seed video ${i}` } }),
    duration_ms: 30_000,
    size_bytes: 1_000_000,
    width: kind === "short" ? 1080 : 1920,
    height: kind === "short" ? 1920 : 1080,
    render_ms: 1,
  }))).returning("id").execute();
  return rows.map((r) => r.id);
}
