import { Kysely, PostgresDialect } from "kysely";
import { PGlite } from "@electric-sql/pglite";
import { PGliteDialect } from "kysely-pglite-dialect";
// @ts-types="npm:@types/pg@8.23.1"
import pg from "pg";
import { join } from "@std/path";
import type { Logger } from "../log.ts";
import type { DB } from "./schema.ts";

const DATE_OID = 1082;
const INT8_OID = 20;

/** `date` stays a `YYYY-MM-DD` string (pg would make it a Date at local midnight); counts are numbers. */
const parsers: Record<number, (value: string) => unknown> = {
  [DATE_OID]: (value) => value,
  [INT8_OID]: (value) => Number(value),
};

/**
 * PGlite keeps Postgres's shared buffers inside its WebAssembly memory; the default 128 MB would
 * make up most of an idle daemon's footprint. The database of one user's library fits in 8 MB.
 */
export const PGLITE_CONF = ["shared_buffers=8MB"];

/** Creates the PGlite directory in a child process unless it exists (see pglite_init.ts). */
async function initPglite(dir: string, log: Logger): Promise<void> {
  try {
    await Deno.stat(join(dir, "PG_VERSION"));
    return;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  log.info("creating the embedded database (first start)", { dir });
  const script = new URL("./pglite_init.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", script, dir],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `Creating the embedded database in ${dir} failed: ${new TextDecoder().decode(out.stderr).trim()}`,
    );
  }
}

/** An open database: PostgreSQL through a pool, or embedded PGlite. */
export interface Database extends AsyncDisposable {
  readonly db: Kysely<DB>;
  readonly kind: "postgres" | "pglite";
  /** Where it is, without credentials: a host/database or the PGlite directory. */
  readonly location: string;
}

/** Describes a connection string without its password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}

/**
 * Opens PostgreSQL at `databaseUrl`, or PGlite in `<dataDir>/db` when it is unset. PGlite is one
 * connection: the dialect hands it to one transaction (or query) at a time, so transactions are
 * serialised rather than interleaved.
 */
export async function openDatabase(
  options: { databaseUrl?: string; dataDir: string; log: Logger; poolSize?: number },
): Promise<Database> {
  const { log } = options;
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      types: {
        getTypeParser: ((oid: number, format?: "text" | "binary") =>
          parsers[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // An idle client losing its server emits here; without a listener the process would die.
    pool.on("error", (error) => log.warn("PostgreSQL connection lost", { error }));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: "postgres",
      location: redactUrl(options.databaseUrl),
      [Symbol.asyncDispose]: () => db.destroy(),
    };
  }
  const dir = join(options.dataDir, "db");
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  await initPglite(dir, log);
  const pglite = await PGlite.create(dir, { parsers, postgresqlconf: PGLITE_CONF });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: "pglite",
    location: dir,
    [Symbol.asyncDispose]: () => db.destroy(),
  };
}
