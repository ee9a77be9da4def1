import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  // ffprobe results by (path, size, mtime): an unchanged file is never probed twice.
  await db.schema.createTable("media_probes")
    .addColumn("path", "text", (c) => c.primaryKey())
    .addColumn("size", "bigint", (c) => c.notNull())
    .addColumn("mtime_ms", "bigint", (c) => c.notNull())
    .addColumn("probe", "jsonb")
    .addColumn("error", "text")
    .addColumn("probed_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema.createTable("episodes")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("root", "text", (c) => c.notNull())
    .addColumn("path", "text", (c) => c.notNull().unique())
    .addColumn("rel_path", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('episode', 'film')`))
    .addColumn("show", "text", (c) => c.notNull())
    .addColumn("season", "integer")
    .addColumn("episode", "integer")
    .addColumn("episode_end", "integer")
    .addColumn("title", "text")
    .addColumn("year", "integer")
    .addColumn("sort_key", "text", (c) => c.notNull())
    .addColumn("size", "bigint", (c) => c.notNull())
    .addColumn("mtime_ms", "bigint", (c) => c.notNull())
    .addColumn("duration_ms", "integer")
    .addColumn("width", "integer")
    .addColumn("height", "integer")
    .addColumn("fps", "real")
    .addColumn("video_codec", "text")
    .addColumn("audio_tracks", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("probe_error", "text")
    .addColumn("subtitle_languages", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn("added_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("episodes_sort").on("episodes").columns(["sort_key", "id"]).execute();
  await db.schema.createIndex("episodes_root").on("episodes").column("root").execute();

  await db.schema.createTable("subtitle_tracks")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("episode_id", "integer", (c) => c.notNull().references("episodes.id").onDelete("cascade"))
    // `sidecar:<path>` or `embedded:<stream index>`: one row per track across rescans.
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull().check(sql`source in ('sidecar', 'embedded')`))
    .addColumn("path", "text")
    .addColumn("stream_index", "integer")
    .addColumn("language", "text")
    .addColumn("title", "text")
    .addColumn("forced", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("sdh", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("format", "text", (c) => c.notNull())
    .addColumn("supported", "boolean", (c) => c.notNull())
    .addColumn("unsupported_reason", "text")
    .addUniqueConstraint("subtitle_tracks_episode_key", ["episode_id", "key"])
    .execute();
}

// deno-lint-ignore no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("subtitle_tracks").execute();
  await db.schema.dropTable("episodes").execute();
  await db.schema.dropTable("media_probes").execute();
}
