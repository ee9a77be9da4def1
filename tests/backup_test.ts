/**
 * scripts/backup and scripts/restore: a backup restored into an empty database holds the same
 * rows, on PostgreSQL and on the embedded PGlite.
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import pg from "pg";
import { migrateToLatest, openDatabase } from "../daemon/db/mod.ts";
import { startTestDaemon } from "./helpers/test_daemon.ts";
import { seedRenders } from "./helpers/schedule_fixture.ts";
import { memoryLogger, testDatabaseUrl, uniqueName } from "./helpers/services.ts";

const ROOT = new URL("../", import.meta.url).pathname;

async function script(args: string[], env: Record<string, string>, cwd = ROOT) {
  const out = await new Deno.Command(join(ROOT, args[0]), {
    args: args.slice(1),
    cwd,
    env: { ...env, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

async function withDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = uniqueName("lrbk");
  const admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function counts(url: string | undefined, dataDir: string) {
  const log = memoryLogger();
  await using database = await openDatabase({ databaseUrl: url, dataDir, log });
  const db = database.db;
  const renders = await db.selectFrom("renders").select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirst();
  const settings = await db.selectFrom("settings").selectAll().orderBy("key").execute();
  return {
    renders: Number(renders?.n),
    settings: settings.map((s) => `${s.key}=${JSON.stringify(s.value)}`),
  };
}

Deno.test("a PostgreSQL backup restored into an empty database has the same rows", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lingoreel-backup-" });
  try {
    await withDatabase(async (source) => {
      const log = memoryLogger();
      {
        await using database = await openDatabase({ databaseUrl: source, dataDir: dir, log });
        await migrateToLatest(database.db, log);
        await seedRenders(database.db, 5);
        await database.db.insertInto("settings").values({
          key: "quota.warningPercent",
          value: "70",
          updated_by: "test",
        })
          .execute();
      }
      const file = join(dir, "db.dump");
      const made = await script(["scripts/backup", "--out", file], {
        ...Deno.env.toObject(),
        DATABASE_URL: source,
      });
      assertEquals(made.code, 0, made.stderr);
      assertStringIncludes(made.stdout, file);
      const before = await counts(source, dir);
      await withDatabase(async (target) => {
        const restored = await script(["scripts/restore", file], {
          ...Deno.env.toObject(),
          DATABASE_URL: target,
        });
        assertEquals(restored.code, 0, restored.stderr);
        assertEquals(await counts(target, dir), before);
        assertEquals(before.renders, 5);
      });
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the embedded PGlite is backed up and restored while the daemon is stopped, and refused while it runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lingoreel-backup-pglite-" });
  const env = { ...Deno.env.toObject(), DATABASE_URL: "", LINGOREEL_DATA_DIR: join(dir, "data") };
  delete (env as Record<string, string>).DATABASE_URL;
  try {
    {
      await using t = await startTestDaemon(
        { DATABASE_URL: "", LINGOREEL_DATA_DIR: env.LINGOREEL_DATA_DIR },
        {
          dataDir: env.LINGOREEL_DATA_DIR,
        },
      );
      await seedRenders(t.daemon.services.database.db, 3);
      await t.caller().settings.update({ "quota.warningPercent": 60 });
      // the test daemon runs in this process: its daemon.json names this pid
      const running = await script(["scripts/backup", "--out", "x.tar.gz"], env, dir);
      assertEquals(running.code, 1);
      assertStringIncludes(running.stderr, `stop it first (kill ${Deno.pid})`);
    }
    const before = await counts(undefined, env.LINGOREEL_DATA_DIR);
    // relative to where it is called from
    const made = await script(["scripts/backup", "--out", "pglite.tar.gz"], env, dir);
    assertEquals(made.code, 0, made.stderr);
    const file = join(dir, "pglite.tar.gz");
    await Deno.stat(file);
    // an existing database is not overwritten without --force
    const refused = await script(["scripts/restore", file], env, dir);
    assertEquals(refused.code, 1);
    assertStringIncludes(refused.stderr, "--force");
    await Deno.remove(join(env.LINGOREEL_DATA_DIR, "db"), { recursive: true });
    const restored = await script(["scripts/restore", file], env, dir);
    assertEquals(restored.code, 0, restored.stderr);
    assertEquals(await counts(undefined, env.LINGOREEL_DATA_DIR), before);
    assertEquals(before.renders, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
