/**
 * Creates an embedded PGlite database directory, then exits. The daemon runs this in a child
 * process on first start: initdb grows PGlite's memory to ~600 MB, which a process only gives
 * back to the system by exiting.
 */
// deno-lint-ignore-file no-console -- an entry point
import { PGlite } from "@electric-sql/pglite";
import { PGLITE_CONF } from "./connect.ts";

if (import.meta.main) {
  const dir = Deno.args[0];
  if (!dir) {
    console.error("usage: pglite_init.ts <directory>");
    Deno.exit(2);
  }
  const db = await PGlite.create(dir, { postgresqlconf: PGLITE_CONF });
  await db.close();
}
