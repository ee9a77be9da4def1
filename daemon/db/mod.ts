/**
 * The database: PostgreSQL or embedded PGlite through Kysely, and its migrations.
 * @module
 */
export {
  type Database,
  DatabaseUnavailableError,
  isConnectionError,
  openDatabase,
  redactUrl,
} from "./connect.ts";
export { migrateToLatest, MigrationError } from "./migrate.ts";
export type { DB } from "./schema.ts";
