/**
 * Walking a media root: video files and subtitle files, without ever writing there. Symbolic
 * links are followed only while they stay inside the root.
 */
import { extname, join, relative, SEPARATOR } from "@std/path";
import { SUBTITLE_EXTENSIONS } from "./sidecars.ts";

/** File endings of the videos the library takes. */
export const VIDEO_EXTENSIONS = new Set([".mkv", ".mp4", ".avi", ".mov", ".m4v", ".webm"]);

// NAS and OS housekeeping folders that never hold a user's media.
const IGNORED_DIRS = new Set(["@eadir", "#recycle", "$recycle.bin", "lost+found", "#snapshot", ".trash"]);

/** A video file as found on disk. */
export interface FoundVideo {
  path: string;
  relPath: string;
  size: number;
  mtimeMs: number;
}

/** Something the walk passed over, and why. */
export interface Skipped {
  path: string;
  reason: string;
}

/** Everything a walk found under one root. */
export interface WalkResult {
  videos: FoundVideo[];
  /** Subtitle file names by directory. */
  subtitles: Map<string, string[]>;
  skipped: Skipped[];
}

/** Whether `path` is `root` or lies under it (both absolute and normalised). */
export function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(SEPARATOR) ? root : root + SEPARATOR);
}

/** Walks `root` depth-first. `onFile` is called per video found (for progress). */
export async function walkRoot(
  root: string,
  options: { signal?: AbortSignal; onVideo?: (count: number) => void } = {},
): Promise<WalkResult> {
  const realRoot = await Deno.realPath(root);
  const result: WalkResult = { videos: [], subtitles: new Map(), skipped: [] };
  const visited = new Set<string>();
  const seenFiles = new Set<string>(); // a file reached twice through links is one video

  const walk = async (dir: string, realDir: string): Promise<void> => {
    if (visited.has(realDir)) return; // a link cycle
    visited.add(realDir);
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch (error) {
      result.skipped.push({ path: dir, reason: `cannot read the folder: ${(error as Error).message}` });
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      options.signal?.throwIfAborted();
      if (entry.name.startsWith(".") || IGNORED_DIRS.has(entry.name.toLowerCase())) continue;
      const path = join(dir, entry.name);
      let isDir = entry.isDirectory;
      let isFile = entry.isFile;
      let realPath = join(realDir, entry.name);
      if (entry.isSymlink) {
        try {
          realPath = await Deno.realPath(path);
        } catch {
          result.skipped.push({ path, reason: "broken symbolic link" });
          continue;
        }
        if (!inside(realRoot, realPath)) {
          result.skipped.push({ path, reason: `symbolic link leads outside the media root (${realPath})` });
          continue;
        }
        const target = await Deno.stat(realPath);
        isDir = target.isDirectory;
        isFile = target.isFile;
      }
      if (isDir) {
        await walk(path, realPath);
        continue;
      }
      if (!isFile || seenFiles.has(realPath)) continue;
      seenFiles.add(realPath);
      const ext = extname(entry.name).toLowerCase();
      if (VIDEO_EXTENSIONS.has(ext)) {
        try {
          const info = await Deno.stat(path);
          result.videos.push({
            path,
            relPath: relative(root, path),
            size: info.size,
            mtimeMs: info.mtime?.getTime() ?? 0,
          });
          options.onVideo?.(result.videos.length);
        } catch (error) {
          result.skipped.push({ path, reason: `cannot read the file: ${(error as Error).message}` });
        }
      } else if (SUBTITLE_EXTENSIONS.has(ext)) {
        const list = result.subtitles.get(dir) ?? [];
        list.push(entry.name);
        result.subtitles.set(dir, list);
      }
    }
  };
  await walk(root, realRoot);
  return result;
}
