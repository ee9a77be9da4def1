import { type Kysely, sql } from "kysely";
import { Migrator } from "kysely/migration";
import { migrations } from "../../migrations/mod.ts";
import type { Logger } from "../log.ts";

/** A migration failed; the database is left at the last one that succeeded. */
export class MigrationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MigrationError";
  }
}

/** Applies every migration the database has not seen yet; returns the names applied now. */
// deno-lint-ignore no-explicit-any -- the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>, log: Logger): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema unless told which: name ours, or a
  // database holding several lingoreel schemas (tests, staging) would find another's
  const { rows: [{ schema }] } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableSchema: schema,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  const applied = results.filter((r) => r.status === "Success").map((r) => r.migrationName);
  for (const name of applied) log.info("migration applied", { migration: name });
  const failed = results.find((r) => r.status === "Error");
  if (error) {
    throw new MigrationError(
      `Database migration ${failed?.migrationName ?? "(setup)"} failed: ${
        error instanceof Error ? error.message : String(error)
      }. Fix the cause and start again; earlier migrations are kept.`,
      { cause: error },
    );
  }
  return applied;
}
