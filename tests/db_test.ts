import { assertEquals, assertInstanceOf } from "@std/assert";
import { delay } from "@std/async/delay";
import { type Kysely, sql } from "kysely";
import { type DB, migrateToLatest, openDatabase } from "../daemon/db/mod.ts";
import { migrations } from "../migrations/mod.ts";
import { createTestSchema, memoryLogger } from "./helpers/services.ts";

const ALL = Object.keys(migrations);
const TABLES = [
  "analysis_runs",
  "batches",
  "episodes",
  "expression_edits",
  "expression_groups",
  "expressions",
  "job_attempts",
  "job_logs",
  "jobs",
  "llm_calls",
  "media_probes",
  "quota_ledger",
  "renders",
  "schedule_days",
  "schedule_slots",
  "schedules",
  "settings",
  "settings_audit",
  "subtitle_tracks",
  "youtube_channels",
];

async function tableNames(db: Kysely<DB>): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables.map((t) => t.name).sort();
}

async function assertTypes(db: Kysely<DB>) {
  const { rows } = await sql<{ d: unknown; t: unknown; n: unknown }>`
    select '2026-11-21'::date as d, '2026-11-21T08:00:00Z'::timestamptz as t, count(*) as n
    from settings`.execute(db);
  assertEquals(rows[0].d, "2026-11-21", "date columns stay calendar dates, not local-midnight Dates");
  assertInstanceOf(rows[0].t, Date);
  assertEquals((rows[0].t as Date).toISOString(), "2026-11-21T08:00:00.000Z");
  assertEquals(rows[0].n, 0, "counts are numbers");
}

Deno.test("migrations apply from empty on real PostgreSQL, once", async () => {
  await using schema = await createTestSchema();
  const log = memoryLogger();
  await using database = await openDatabase({ databaseUrl: schema.url, dataDir: "/nonexistent", log });
  assertEquals(database.kind, "postgres");
  assertEquals(await migrateToLatest(database.db, log), ALL);
  assertEquals(await migrateToLatest(database.db, log), []);
  assertEquals(await tableNames(database.db), TABLES);
  await assertTypes(database.db);
});

Deno.test("migrations apply from empty on embedded PGlite, and the data survives a reopen", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const log = memoryLogger();
    {
      await using database = await openDatabase({ dataDir: dir, log });
      assertEquals(database.kind, "pglite");
      assertEquals(await migrateToLatest(database.db, log), ALL);
      assertEquals(await tableNames(database.db), TABLES);
      await assertTypes(database.db);
      await database.db.insertInto("settings")
        .values({ key: "k", value: JSON.stringify({ a: 1 }), updated_by: "test" }).execute();
    }
    await using reopened = await openDatabase({ dataDir: dir, log });
    assertEquals(await migrateToLatest(reopened.db, log), []);
    const row = await reopened.db.selectFrom("settings").select(["key", "value"]).executeTakeFirstOrThrow();
    assertEquals(row, { key: "k", value: { a: 1 } });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("two concurrent transactions on PGlite run one after the other, never interleaved", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const log = memoryLogger();
    await using database = await openDatabase({ dataDir: dir, log });
    await migrateToLatest(database.db, log);
    const steps: string[] = [];
    const transaction = (name: string) =>
      database.db.transaction().execute(async (trx) => {
        steps.push(`${name} begin`);
        await trx.insertInto("settings").values({ key: name, value: "1", updated_by: name }).execute();
        await delay(30); // a window in which the other transaction would run if it could
        const { count } = await trx.selectFrom("settings").select((eb) =>
          eb.fn.countAll<number>().as("count")
        )
          .executeTakeFirstOrThrow();
        steps.push(`${name} sees ${count}`);
        steps.push(`${name} commit`);
      });
    await Promise.all([transaction("a"), transaction("b")]);
    assertEquals(steps, ["a begin", "a sees 1", "a commit", "b begin", "b sees 2", "b commit"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failed transaction on PGlite rolls back and frees the connection for the next", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const log = memoryLogger();
    await using database = await openDatabase({ dataDir: dir, log });
    await migrateToLatest(database.db, log);
    const failing = database.db.transaction().execute(async (trx) => {
      await trx.insertInto("settings").values({ key: "x", value: "1", updated_by: "t" }).execute();
      throw new Error("boom");
    });
    const next = database.db.selectFrom("settings").selectAll().execute();
    const [first, second] = await Promise.allSettled([failing, next]);
    assertEquals(first.status, "rejected");
    assertEquals(second.status === "fulfilled" && second.value.length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
