import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from "kysely";
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

/**
 * PostgreSQL cannot be reached, or dropped the connection mid-request (restarted, stopped, the
 * network gone). Nothing of the request was done; the pool connects again by itself.
 */
export class DatabaseUnavailableError extends Error {
  constructor(location: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `PostgreSQL at ${location} does not answer (${reason}): the request was not done. ` +
        "Check that the server is running and that DATABASE_URL points at it; " +
        "the daemon reconnects by itself once it is back.",
      { cause },
    );
    this.name = "DatabaseUnavailableError";
  }
}

/** Socket errors, and the SQLSTATEs of a server going away (class 08, 57P01-57P03). */
const CONNECTION_ERRNOS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** Whether an error of `pg` means the server is not there (rather than a problem of the query). */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (CONNECTION_ERRNOS.has(code) || code.startsWith("08")) return true;
    if (code === "57P01" || code === "57P02" || code === "57P03") return true;
  }
  return /^Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/
    .test(error.message);
}

/**
 * The pool as Kysely sees it, with connection failures turned into {@link DatabaseUnavailableError}
 * (a clear message instead of `connect ECONNREFUSED`); every other error passes unchanged.
 */
function guardedPool(pool: pg.Pool, location: string): PostgresPool {
  const wrap = (error: unknown) =>
    isConnectionError(error) ? new DatabaseUnavailableError(location, error) : error;
  // one wrapper per pg client: Kysely keeps its connection objects by client identity
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    options: pool.options,
    async connect() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw wrap(error);
      }
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = {
          get processID() {
            return (client as unknown as { processID?: number }).processID;
          },
          // deno-lint-ignore no-explicit-any -- forwards both of pg's overloads (text, cursor)
          query(...args: any[]): any {
            // deno-lint-ignore no-explicit-any
            const result = (client.query as (...a: any[]) => any)(...args);
            return result instanceof Promise ? result.catch((error) => Promise.reject(wrap(error))) : result;
          },
          release: (destroy?: boolean) => client.release(destroy),
        } as PostgresPoolClient;
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
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
    const location = redactUrl(options.databaseUrl);
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: guardedPool(pool, location) }) });
    return {
      db,
      kind: "postgres",
      location,
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
