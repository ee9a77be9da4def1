/**
 * Optional watch mode: rescans a root a few seconds after files under it change.
 */
import { extname } from "@std/path";
import type { Logger } from "../log.ts";
import { SUBTITLE_EXTENSIONS } from "./sidecars.ts";
import { VIDEO_EXTENSIONS } from "./walker.ts";

/** Watches the media roots; dispose to stop. */
export function watchRoots(options: {
  roots: readonly string[];
  rescan: (root: string) => Promise<unknown>;
  log: Logger;
  debounceMs?: number;
}): AsyncDisposable {
  const debounce = options.debounceMs ?? 3_000;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const watchers: Deno.FsWatcher[] = [];
  const relevant = (path: string) => {
    const ext = extname(path).toLowerCase();
    return ext === "" || VIDEO_EXTENSIONS.has(ext) || SUBTITLE_EXTENSIONS.has(ext);
  };
  const loops = options.roots.map(async (root) => {
    let watcher: Deno.FsWatcher;
    try {
      watcher = Deno.watchFs(root, { recursive: true });
    } catch (error) {
      options.log.warn(`cannot watch ${root}: ${(error as Error).message}; rescan by hand`, { root });
      return;
    }
    watchers.push(watcher);
    for await (const event of watcher) {
      if (event.kind === "access" || !event.paths.some(relevant)) continue;
      clearTimeout(timers.get(root));
      timers.set(
        root,
        setTimeout(() => {
          timers.delete(root);
          options.rescan(root).catch((error) =>
            options.log.warn(`rescan of ${root} after a change failed: ${(error as Error).message}`)
          );
        }, debounce),
      );
    }
  });
  return {
    async [Symbol.asyncDispose]() {
      for (const timer of timers.values()) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
      await Promise.all(loops);
    },
  };
}
