/**
 * Files written under a temporary name carry the host and pid of the daemon writing them, so
 * that a restarted daemon can remove what its killed predecessor left — and only that, never
 * another live daemon's work in a shared output directory.
 */
import { join } from "@std/path";
import { hostname } from "node:os";

/** The temporary name of `path` while this process writes it (renamed when complete). */
export function partialName(path: string): string {
  return `${path}.${hostname()}-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.part`;
}

/** A folder's entries; none when it does not exist. */
export async function readDirIfAny(dir: string): Promise<Deno.DirEntry[]> {
  try {
    return await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** Whether a process of this machine runs (Linux /proc; unknown counts as running). */
async function processRuns(pid: number): Promise<boolean> {
  if (pid === Deno.pid) return true;
  try {
    await Deno.stat(`/proc/${pid}`);
    return true;
  } catch (error) {
    return !(error instanceof Deno.errors.NotFound) ||
      !(await Deno.stat("/proc/self").then(() => true, () => false));
  }
}

/**
 * Removes the temp folders named `<tempPrefix>…` in `tempRoot` (a daemon's own data dir, which it
 * alone uses under its lock) and, under `outputDir` (recursively when asked), the partial files
 * of {@link partialName} written by this host's processes that no longer run. Returns the count.
 */
export async function removeLeftovers(
  options: { tempRoot: string; tempPrefix: string; outputDir: string; recursive?: boolean },
): Promise<number> {
  let removed = 0;
  for (const entry of await readDirIfAny(options.tempRoot)) {
    if (!entry.isDirectory || !entry.name.startsWith(options.tempPrefix)) continue;
    await Deno.remove(join(options.tempRoot, entry.name), { recursive: true }).catch(() => {});
    removed++;
  }
  const host = hostname().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const mine = new RegExp(`\\.${host}-(\\d+)-[0-9a-f]{8}\\.part$`);
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readDirIfAny(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory && options.recursive) await walk(path);
      const pid = mine.exec(entry.name)?.[1];
      if (entry.isFile && pid && !(await processRuns(Number(pid)))) {
        await Deno.remove(path).catch(() => {});
        removed++;
      }
    }
  };
  await walk(options.outputDir);
  return removed;
}
