import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  // a job may end with an export of its episode (the batch's `export` option)
  await sql`alter table jobs drop constraint if exists jobs_stage_check`.execute(db);
  await sql`alter table jobs add constraint jobs_stage_check
    check (stage in ('analyze', 'review', 'render', 'export', 'done'))`.execute(db);
  await db.schema.alterTable("jobs").addColumn("export_path", "text").execute();
}

// deno-lint-ignore no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("jobs").dropColumn("export_path").execute();
  await sql`alter table jobs drop constraint if exists jobs_stage_check`.execute(db);
  await sql`alter table jobs add constraint jobs_stage_check
    check (stage in ('analyze', 'review', 'render', 'done'))`.execute(db);
}
