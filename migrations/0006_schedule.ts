import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  // One row per Google Cloud project, Pacific day and quota bucket: the ledger every API call is
  // reserved against and charged to.
  await db.schema.createTable("quota_ledger")
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("day", "date", (c) => c.notNull())
    .addColumn("bucket", "text", (c) => c.notNull())
    .addColumn("limit", "integer", (c) => c.notNull().check(sql`"limit" >= 0`))
    .addColumn("used", "integer", (c) => c.notNull().defaultTo(0).check(sql`used >= 0`))
    .addColumn("reserved", "integer", (c) => c.notNull().defaultTo(0).check(sql`reserved >= 0`))
    // set when Google answered quotaExceeded: nothing more is spent from it that day
    .addColumn("exhausted_at", "timestamptz")
    .addPrimaryKeyConstraint("quota_ledger_pk", ["project", "day", "bucket"])
    .execute();

  // Per channel and local day: how many videos of each kind are scheduled (the caps' lock row).
  await db.schema.createTable("schedule_days")
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("day", "date", (c) => c.notNull())
    .addColumn("shorts", "integer", (c) => c.notNull().defaultTo(0).check(sql`shorts >= 0`))
    .addColumn("longs", "integer", (c) => c.notNull().defaultTo(0).check(sql`longs >= 0`))
    .addPrimaryKeyConstraint("schedule_days_pk", ["channel", "day"])
    .execute();

  // Per channel and slot: how many videos it holds.
  await db.schema.createTable("schedule_slots")
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("starts_at", "timestamptz", (c) => c.notNull())
    .addColumn("taken", "integer", (c) => c.notNull().defaultTo(0).check(sql`taken >= 0`))
    .addPrimaryKeyConstraint("schedule_slots_pk", ["channel", "starts_at"])
    .execute();

  // Per channel: the 24-hour cooldown YouTube imposes after uploadLimitExceeded.
  await db.schema.createTable("youtube_channels")
    .addColumn("channel", "text", (c) => c.primaryKey())
    .addColumn("cooldown_until", "timestamptz")
    .addColumn("cooldown_reason", "text")
    .execute();

  await db.schema.createTable("schedules")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("render_id", "integer", (c) => c.notNull().references("renders.id").onDelete("cascade"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('short', 'long')`))
    .addColumn("slot_at", "timestamptz", (c) => c.notNull())
    .addColumn("local_day", "date", (c) => c.notNull())
    .addColumn("project", "text", (c) => c.notNull())
    // the Pacific day the upload call is reserved on, and what it reserved there
    .addColumn("quota_day", "date", (c) => c.notNull())
    .addColumn("reservation", "jsonb", (c) => c.notNull())
    .addColumn(
      "state",
      "text",
      (c) => c.notNull().check(sql`state in ('scheduled', 'uploading', 'uploaded', 'failed', 'cancelled')`),
    )
    .addColumn("privacy", "text", (c) => c.notNull())
    .addColumn("video_id", "text")
    .addColumn("session_uri", "text")
    .addColumn("uploaded_bytes", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("error", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // a video is on the calendar at most once (a cancelled or failed schedule frees it)
  await sql`create unique index schedules_render_active on schedules (render_id)
    where state in ('scheduled', 'uploading', 'uploaded')`.execute(db);
  await db.schema.createIndex("schedules_slot").on("schedules").columns(["channel", "slot_at"]).execute();
}

// deno-lint-ignore no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["schedules", "youtube_channels", "schedule_slots", "schedule_days", "quota_ledger"]) {
    await db.schema.dropTable(table).execute();
  }
}
