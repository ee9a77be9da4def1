import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  // The history of batches and jobs, kept beyond Redis' retention.
  await db.schema.createTable("batches")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("options", "jsonb", (c) => c.notNull())
    .addColumn("priority", "integer", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("finished_at", "timestamptz")
    .execute();

  await db.schema.createTable("jobs")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("batch_id", "integer", (c) => c.notNull().references("batches.id").onDelete("cascade"))
    .addColumn("episode_id", "integer", (c) => c.notNull().references("episodes.id").onDelete("cascade"))
    .addColumn(
      "state",
      "text",
      (c) =>
        c.notNull().check(
          sql`state in ('waiting', 'active', 'waiting-review', 'completed', 'failed', 'cancelled')`,
        ),
    )
    .addColumn(
      "stage",
      "text",
      (c) => c.notNull().check(sql`stage in ('analyze', 'review', 'render', 'done')`),
    )
    .addColumn("stage_percent", "real", (c) => c.notNull().defaultTo(0))
    .addColumn("percent", "real", (c) => c.notNull().defaultTo(0))
    .addColumn("eta_ms", "integer")
    // stage runs started, BullMQ's own retries included
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    // 1, plus one per retry by hand; BullMQ job ids carry it, so a retry never meets an old job
    .addColumn("generation", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("error", "text")
    .addColumn("run_id", "integer", (c) => c.references("analysis_runs.id").onDelete("set null"))
    .addColumn("render_ids", sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("started_at", "timestamptz")
    .addColumn("finished_at", "timestamptz")
    .execute();
  await db.schema.createIndex("jobs_batch").on("jobs").column("batch_id").execute();
  await db.schema.createIndex("jobs_episode_state").on("jobs").columns(["episode_id", "state"]).execute();

  // Every run of a stage: who ran it, how long, how it ended.
  await db.schema.createTable("job_attempts")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("job_id", "integer", (c) => c.notNull().references("jobs.id").onDelete("cascade"))
    .addColumn("stage", "text", (c) => c.notNull())
    .addColumn("worker", "text", (c) => c.notNull())
    .addColumn("started_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("finished_at", "timestamptz")
    .addColumn(
      "outcome",
      "text",
      (c) => c.check(sql`outcome in ('completed', 'failed', 'retrying', 'cancelled', 'interrupted')`),
    )
    .addColumn("error", "text")
    .execute();
  await db.schema.createIndex("job_attempts_job").on("job_attempts").column("job_id").execute();

  // A job's own log lines.
  await db.schema.createTable("job_logs")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("job_id", "integer", (c) => c.notNull().references("jobs.id").onDelete("cascade"))
    .addColumn("at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("level", "text", (c) => c.notNull())
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("fields", "jsonb")
    .execute();
  await db.schema.createIndex("job_logs_job").on("job_logs").columns(["job_id", "id"]).execute();
}

// deno-lint-ignore no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["job_logs", "job_attempts", "jobs", "batches"]) {
    await db.schema.dropTable(table).execute();
  }
}
