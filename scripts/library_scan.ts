/**
 * Asks the running daemon to scan the media library and prints what changed: a small example
 * of scripting lingoreel (`deno run -A scripts/library_scan.ts [root]`).
 */
// deno-lint-ignore-file no-console -- a command-line entry point
import { connect } from "../shared/client.ts";

if (import.meta.main) {
  await using api = await connect();
  const result = await api.library.scan.mutate(Deno.args[0] ? { root: Deno.args[0] } : undefined);
  console.log(
    `scanned in ${result.durationMs} ms: ${result.added} added, ${result.updated} updated, ` +
      `${result.removed} removed, ${result.unchanged} unchanged` +
      (result.failed ? `, ${result.failed} unreadable (see library.get for why)` : ""),
  );
}
