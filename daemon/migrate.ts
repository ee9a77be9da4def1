/**
 * `deno task migrate`: applies pending migrations to the configured database (`DATABASE_URL`,
 * or the embedded one in the data directory) and exits. For operators who migrate before
 * starting a new version; the daemon also migrates at start.
 */
// deno-lint-ignore-file no-console -- an entry point
import { ConfigError, loadConfig } from "./config.ts";
import { migrateToLatest, openDatabase } from "./db/mod.ts";
import { acquireInstanceLock, AlreadyRunningError, ensurePrivateDir } from "./instance/mod.ts";
import { createLogger } from "./log.ts";

if (import.meta.main) {
  try {
    const config = await loadConfig();
    const log = createLogger({ level: config.logLevel, base: { service: "lingoreel-migrate" } });
    await ensurePrivateDir(config.dataDir, log);
    // The embedded database is one process's: refuse while a daemon has it open.
    await using _lock = config.databaseUrl ? undefined : await acquireInstanceLock(config.dataDir);
    await using database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      log,
    });
    const applied = await migrateToLatest(database.db, log);
    console.log(
      applied.length
        ? `Applied ${applied.join(", ")} to ${database.location}.`
        : `${database.location} is up to date.`,
    );
  } catch (error) {
    if (error instanceof ConfigError || error instanceof AlreadyRunningError) {
      console.error(`lingoreel migrate: ${error.message}`);
      Deno.exit(2);
    }
    throw error;
  }
}
