import { type Kysely, sql } from "kysely";

// deno-lint-ignore no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  // Every LLM call: the reply cache (by key) and the record of tokens and cost.
  await db.schema.createTable("llm_calls")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("cache_key", "text", (c) => c.notNull())
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("prompt_version", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('ok', 'error')`))
    .addColumn("reply_text", "text")
    .addColumn("finish_reason", "text")
    .addColumn("error_kind", "text")
    .addColumn("error_message", "text")
    .addColumn("prompt_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("output_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("cost_usd", sql`numeric(12, 6)`, (c) => c.notNull().defaultTo(0))
    .addColumn("latency_ms", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("sample", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("llm_calls_cache").on("llm_calls").columns(["cache_key", "status"]).execute();
  await db.schema.createIndex("llm_calls_created").on("llm_calls").column("created_at").execute();

  await db.schema.createTable("analysis_runs")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("episode_id", "integer", (c) => c.notNull().references("episodes.id").onDelete("cascade"))
    .addColumn("options", "jsonb", (c) => c.notNull())
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("prompt_version", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("chunks", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("failed_chunks", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("calls", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("cached_chunks", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("prompt_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("output_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("cost_usd", sql`numeric(12, 6)`, (c) => c.notNull().defaultTo(0))
    .addColumn("kept", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("dropped", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("groups", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("error", "text")
    .addColumn("started_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("finished_at", "timestamptz")
    .execute();

  await db.schema.createTable("expression_groups")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("episode_id", "integer", (c) => c.notNull().references("episodes.id").onDelete("cascade"))
    .addColumn("run_id", "integer", (c) => c.notNull().references("analysis_runs.id").onDelete("cascade"))
    .addColumn("context_start_ms", "integer", (c) => c.notNull())
    .addColumn("context_end_ms", "integer", (c) => c.notNull())
    .addColumn("render_mode", "text", (c) => c.notNull().check(sql`render_mode in ('combined', 'separate')`))
    .execute();

  await db.schema.createTable("expressions")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("episode_id", "integer", (c) => c.notNull().references("episodes.id").onDelete("cascade"))
    .addColumn("run_id", "integer", (c) => c.notNull().references("analysis_runs.id").onDelete("cascade"))
    .addColumn("group_id", "integer", (c) => c.references("expression_groups.id").onDelete("set null"))
    .addColumn(
      "status",
      "text",
      (c) => c.notNull().check(sql`status in ('pending', 'approved', 'rejected', 'dropped')`),
    )
    .addColumn("drop_reason", "text")
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("normalized", "text", (c) => c.notNull())
    .addColumn("line", "text", (c) => c.notNull())
    .addColumn("cue_index", "integer", (c) => c.notNull())
    .addColumn("start_ms", "integer", (c) => c.notNull())
    .addColumn("end_ms", "integer", (c) => c.notNull())
    .addColumn("context_start_ms", "integer", (c) => c.notNull())
    .addColumn("context_end_ms", "integer", (c) => c.notNull())
    .addColumn("context_lines", "jsonb", (c) => c.notNull())
    .addColumn("details", "jsonb", (c) => c.notNull()) // translations, meaning, similar, example, keywords …
    .addColumn("difficulty", "integer", (c) => c.notNull())
    .addColumn("usefulness", "integer", (c) => c.notNull())
    .addColumn("score", "real", (c) => c.notNull())
    .addColumn("chunk_index", "integer", (c) => c.notNull())
    .addColumn("llm_call_id", "integer", (c) => c.references("llm_calls.id").onDelete("set null"))
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("prompt_version", "text", (c) => c.notNull())
    .addColumn("sample", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("expressions_episode").on("expressions").columns(["episode_id", "status"])
    .execute();

  await db.schema.createTable("expression_edits")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn(
      "expression_id",
      "integer",
      (c) => c.notNull().references("expressions.id").onDelete("cascade"),
    )
    .addColumn("decision", "text")
    .addColumn("before", "jsonb", (c) => c.notNull())
    .addColumn("after", "jsonb", (c) => c.notNull())
    .addColumn("changed_by", "text", (c) => c.notNull())
    .addColumn("changed_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

// deno-lint-ignore no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (
    const table of ["expression_edits", "expressions", "expression_groups", "analysis_runs", "llm_calls"]
  ) {
    await db.schema.dropTable(table).execute();
  }
}
