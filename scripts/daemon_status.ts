/**
 * Prints, as JSON, where the daemon keeps its state and whether it runs:
 * `{ dataDir, running, pid?, url? }`. With `--wait SECONDS`, waits for a daemon to become
 * ready and exits 1 if none does. Used by scripts/start.
 */
// deno-lint-ignore-file no-console -- a command-line entry point
import { delay } from "@std/async/delay";
import { loadConfig } from "../daemon/config.ts";
import { readDaemonFile } from "../shared/client.ts";

async function probe(dataDir: string) {
  try {
    const info = await readDaemonFile(dataDir);
    await Deno.stat(`/proc/${info.pid}`);
    const http = info.url.replace(/^ws/, "http");
    const res = await fetch(`${http}/healthz`, { signal: AbortSignal.timeout(2_000) });
    await res.body?.cancel();
    return { dataDir, running: true, pid: info.pid, url: info.url };
  } catch {
    return { dataDir, running: false };
  }
}

if (import.meta.main) {
  const config = await loadConfig();
  const waitIndex = Deno.args.indexOf("--wait");
  const waitS = waitIndex >= 0 ? Number(Deno.args[waitIndex + 1] ?? 60) : 0;
  const deadline = Date.now() + waitS * 1000;
  let status = await probe(config.dataDir);
  while (!status.running && Date.now() < deadline) {
    await delay(200);
    status = await probe(config.dataDir);
  }
  console.log(JSON.stringify(status));
  if (waitS > 0 && !status.running) Deno.exit(1);
}
