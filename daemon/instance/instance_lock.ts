import { join } from "@std/path";

/** Another daemon holds the data directory. */
export class AlreadyRunningError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(
      `Another lingoreel daemon (pid ${pid}) is already running on ${dataDir}. ` +
        `Stop it first (kill ${pid}), or give this one its own LINGOREEL_DATA_DIR.`,
    );
    this.name = "AlreadyRunningError";
  }
}

const LOCK_FILE = "daemon.lock";

async function isAlive(pid: number): Promise<boolean> {
  try {
    const cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`);
    return cmdline.length > 0;
  } catch {
    return false;
  }
}

/** An exclusive claim on a data directory, released by disposing it. */
export interface InstanceLock extends AsyncDisposable {
  readonly path: string;
}

/**
 * Claims the data directory for this process with a pid file created exclusively. A lock left
 * by a process that no longer exists (a crash, SIGKILL) is taken over.
 */
export async function acquireInstanceLock(dataDir: string, pid = Deno.pid): Promise<InstanceLock> {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await Deno.writeTextFile(path, `${pid}\n`, { createNew: true, mode: 0o600 });
      return {
        path,
        async [Symbol.asyncDispose]() {
          const holder = Number((await Deno.readTextFile(path).catch(() => "")).trim());
          if (holder === pid) await Deno.remove(path).catch(() => {});
        },
      };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      const holder = Number((await Deno.readTextFile(path).catch(() => "")).trim());
      if (holder && holder !== pid && await isAlive(holder)) {
        throw new AlreadyRunningError(dataDir, holder);
      }
      await Deno.remove(path).catch(() => {}); // stale: its process is gone
    }
  }
  throw new Error(`Cannot claim ${path}: it keeps reappearing; is another daemon starting?`);
}
