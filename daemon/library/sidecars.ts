/**
 * Subtitle files that belong to a video: `Name.srt`, `Name.en.srt`, `Name.eng.forced.srt`,
 * `Name.en.sdh.srt` (also .vtt/.ass/.ssa) next to it, and the folders people and release groups
 * use: `Subs/Name/2_English.srt` (the Netflix-style layout), `Subs/`, `subs/`, `Subtitles/`.
 */
import { basename, extname, join } from "@std/path";
import { normaliseLanguage } from "./languages.ts";

/** File endings of subtitle formats the parsers read. */
export const SUBTITLE_EXTENSIONS = new Set([".srt", ".vtt", ".ass", ".ssa"]);
/** Folder names (lower-cased) that hold subtitles for the videos beside them. */
export const SUBTITLE_FOLDERS = new Set(["subs", "sub", "subtitles", "subtitle"]);

/** A subtitle file found for a video. */
export interface Sidecar {
  path: string;
  format: string;
  language: string | null;
  forced: boolean;
  sdh: boolean;
  /** What the name said besides language and flags (`2`, `Director's commentary`), if anything. */
  title: string | null;
}

/** Subtitle files by directory, as collected while walking a root. */
export type SubtitleIndex = ReadonlyMap<string, readonly string[]>;

const FORCED = new Set(["forced", "foreign"]);
const SDH = new Set(["sdh", "cc", "hi", "hearing impaired", "sdh-cc"]);

/** Reads language and flags from the tokens of a subtitle name (`en.forced`, `2_English`). */
export function describeTokens(tokens: string[]): Omit<Sidecar, "path" | "format"> {
  let language: string | null = null;
  let forced = false;
  let sdh = false;
  const rest: string[] = [];
  for (const raw of tokens) {
    // "2_English" (Netflix layout), "English (SDH)": number prefixes and brackets are separators
    for (const part of raw.split(/_|\s*[()[\]]\s*/).map((p) => p.trim()).filter(Boolean)) {
      const lower = part.toLowerCase();
      if (FORCED.has(lower)) forced = true;
      else if (SDH.has(lower)) sdh = true;
      else if (!language && normaliseLanguage(part)) language = normaliseLanguage(part)!;
      else if (!/^\d+$/.test(part) && lower !== "default") rest.push(part);
    }
  }
  return { language, forced, sdh, title: rest.length ? rest.join(" ") : null };
}

function sidecar(path: string, tokens: string[]): Sidecar {
  return { path, format: extname(path).slice(1).toLowerCase(), ...describeTokens(tokens) };
}

/**
 * The subtitle files of one video. `videosInDir` is how many videos share its directory: a
 * `Subs/` folder of loose files only belongs to a video that is alone in its directory.
 */
export function findSidecars(videoPath: string, index: SubtitleIndex, videosInDir: number): Sidecar[] {
  const dir = join(videoPath, "..");
  const name = basename(videoPath, extname(videoPath));
  const found = new Map<string, Sidecar>();
  const add = (s: Sidecar) => found.set(s.path, s);

  const matchName = (file: string): string[] | undefined => {
    const stem = file.slice(0, file.length - extname(file).length);
    if (stem === name) return [];
    if (stem.startsWith(`${name}.`)) return stem.slice(name.length + 1).split(".");
    return undefined;
  };

  for (const file of index.get(dir) ?? []) {
    const tokens = matchName(file);
    if (tokens) add(sidecar(join(dir, file), tokens));
  }
  for (const [subDir, files] of index) {
    if (!subDir.startsWith(dir + "/")) continue;
    const parts = subDir.slice(dir.length + 1).split("/");
    if (!SUBTITLE_FOLDERS.has(parts[0].toLowerCase())) continue;
    if (parts.length === 2 && parts[1] === name) {
      // Subs/<Name>/2_English.srt: every file is this video's
      for (const file of files) add(sidecar(join(subDir, file), [basename(file, extname(file))]));
    } else if (parts.length === 1) {
      for (const file of files) {
        const tokens = matchName(file);
        if (tokens) add(sidecar(join(subDir, file), tokens));
        else if (videosInDir === 1) add(sidecar(join(subDir, file), [basename(file, extname(file))]));
      }
    }
  }
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}
