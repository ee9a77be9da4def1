/**
 * Prints, as JSON, where the daemon keeps its state, whether it runs, and whether the media
 * roots hold any video yet: `{ dataDir, mediaRoot, mediaEmpty, running, pid?, url? }`. With
 * `--wait SECONDS`, waits for a daemon to become ready and exits 1 if none does. Used by
 * scripts/start.
 */
// deno-lint-ignore-file no-console -- a command-line entry point
import { delay } from "@std/async/delay";
import { loadConfig } from "../daemon/config.ts";
import { readDaemonFile } from "../shared/client.ts";
import { VIDEO_EXTENSIONS } from "../daemon/library/mod.ts";

/** Whether no media root holds a video file (looked for breadth-first, a few thousand entries at most). */
async function mediaEmpty(roots: readonly string[]): Promise<boolean> {
  const queue = [...roots];
  let budget = 5_000;
  while (queue.length && budget-- > 0) {
    const dir = queue.shift()!;
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (entry.isDirectory) queue.push(`${dir}/${entry.name}`);
        const dot = entry.name.lastIndexOf(".");
        if (dot > 0 && VIDEO_EXTENSIONS.has(entry.name.slice(dot).toLowerCase())) return false;
      }
    } catch { /* missing or unreadable: nothing there */ }
  }
  return true;
}

async function probe(dataDir: string): Promise<{ running: boolean; pid?: number; url?: string }> {
  try {
    const info = await readDaemonFile(dataDir);
    await Deno.stat(`/proc/${info.pid}`);
    const http = info.url.replace(/^ws/, "http");
    const res = await fetch(`${http}/healthz`, { signal: AbortSignal.timeout(2_000) });
    await res.body?.cancel();
    return { running: true, pid: info.pid, url: info.url };
  } catch {
    return { running: false };
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
  console.log(JSON.stringify({
    dataDir: config.dataDir,
    mediaRoot: config.mediaRoots[0],
    mediaEmpty: await mediaEmpty(config.mediaRoots),
    ...status,
  }));
  if (waitS > 0 && !status.running) Deno.exit(1);
}
