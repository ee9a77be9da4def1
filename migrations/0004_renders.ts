import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable("renders")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn(
      "group_id",
      "integer",
      (c) => c.notNull().references("expression_groups.id").onDelete("cascade"),
    )
    .addColumn("episode_id", "integer", (c) => c.notNull().references("episodes.id").onDelete("cascade"))
    .addColumn("expression_ids", sql`integer[]`, (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('short', 'long')`))
    .addColumn("path", "text", (c) => c.notNull().unique())
    .addColumn("sidecar_path", "text", (c) => c.notNull())
    .addColumn("sidecar", "jsonb", (c) => c.notNull())
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("size_bytes", "bigint", (c) => c.notNull())
    .addColumn("width", "integer", (c) => c.notNull())
    .addColumn("height", "integer", (c) => c.notNull())
    .addColumn("render_ms", "integer", (c) => c.notNull())
    // picked by the user for the publishing calendar
    .addColumn("marked", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("renders_group").on("renders").column("group_id").execute();
}

// deno-lint-ignore no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("renders").execute();
}
