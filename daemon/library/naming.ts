/**
 * Show, season, episode, title and year from a video's path, for the common ways people name
 * their libraries. Release noise (resolution, source, codecs, group) never ends up in a title.
 */
import { basename, dirname, extname, SEPARATOR } from "@std/path";

/** What the path says about a video. */
export interface ParsedName {
  kind: "episode" | "film";
  show: string;
  season: number | null;
  episode: number | null;
  episodeEnd: number | null;
  title: string | null;
  year: number | null;
}

// Where release noise starts: everything from the first of these tokens on is dropped.
const NOISE = new RegExp(
  String
    .raw`(?:^|[\s.\-_\[(])(?:\d{3,4}p|4k|uhd|hdr10?\+?|dv|web[\s.\-]?(?:dl|rip)?|webrip|bluray|blu[\s.\-]?ray|brrip|bdrip|hdtv|dvdrip|dvd|remux|proper|repack|internal|extended|unrated|x26[45]|h[\s.]?26[45]|hevc|avc|xvid|divx|aac\d?(?:[\s.]?\d\.\d)?|ac3|eac3|ddp?\d?(?:[\s.]?\d\.\d)?|dts(?:-hd)?|atmos|10bit|8bit|amzn|nf|dsnp|hmax|hulu|atvp)(?=$|[\s.\-_\])])`,
  "i",
);
const EPISODE_SxxEyy =
  /(?:^|[\s.\-_\[(])s(\d{1,2})[\s.\-_]?e(\d{1,3})(?:[\s.\-_]?e(\d{1,3}))?(?:-e?(\d{1,3}))?(?=$|[\s.\-_\])])/i;
const EPISODE_NxNN = /(?:^|[\s.\-_\[(])(\d{1,2})x(\d{2,3})(?:-(\d{2,3}))?(?=$|[\s.\-_\])])/i;
const SEASON_DIR = /^(?:season|series|staffel|saison|temporada|s)[\s._-]*(\d{1,2})$/i;
const LEADING_EPISODE = /^(?:e|ep|episode)?[\s._-]*(\d{1,3})(?:[\s._]*-[\s._]*|[\s._]+|$)(.*)$/i;
const YEAR = /(?:^|[\s.\-_\[(])((?:19|20)\d{2})(?=$|[\s.\-_\])])/;

/** Dots/underscores to spaces, brackets and noise removed, whitespace collapsed. */
function tidy(text: string): string {
  let out = text.replace(/\[[^\]]*\]/g, " ");
  const noise = NOISE.exec(out);
  if (noise) out = out.slice(0, noise.index);
  out = out.replace(/[._]+/g, " ").replace(/\s+-\s*$/, "").replace(/^\s*-\s+/, "");
  // a release group "-GRP" glued to the end
  out = out.replace(/-[A-Za-z0-9]+$/, (m) => (/\s/.test(out) ? "" : m));
  return out.replace(/\s+/g, " ").replace(/^[\s\-–]+|[\s\-–()]+$/g, "").trim();
}

/** Splits "Show (2011)" / "Show 2011" into name and year. */
function splitYear(text: string): { name: string; year: number | null } {
  const match = /^(.*?)[\s.(\[_-]*((?:19|20)\d{2})[)\]]?\s*$/.exec(text);
  if (match && match[1].trim()) return { name: tidy(match[1]), year: Number(match[2]) };
  return { name: tidy(text), year: null };
}

function orNull(text: string): string | null {
  return text ? text : null;
}

/**
 * Parses a video path relative to its media root, e.g. `Show/Season 01/Show.S01E02.Title.mkv`,
 * `Show - 1x02 - Title.mkv`, `Show (2011)/Season 1/02 - Title.mkv`, `Film (2010).mkv`.
 */
export function parseVideoPath(relPath: string): ParsedName {
  const file = basename(relPath, extname(relPath));
  const dirs: string[] = dirname(relPath).split(SEPARATOR).filter((d: string) => d && d !== ".");

  // Folder context: a season folder, and the show folder above it.
  let seasonFromDir: number | null = null;
  let showDir: string | undefined = dirs.at(-1);
  const seasonMatch = dirs.length ? SEASON_DIR.exec(dirs.at(-1)!.trim()) : null;
  if (seasonMatch) {
    seasonFromDir = Number(seasonMatch[1]);
    showDir = dirs.at(-2);
  }

  const sxe = EPISODE_SxxEyy.exec(file) ?? EPISODE_NxNN.exec(file);
  if (sxe) {
    const isSxE = sxe[0].toLowerCase().includes("e") && !/\dx\d/i.test(sxe[0]);
    const season = Number(sxe[1]);
    const episode = Number(sxe[2]);
    const endRaw = isSxE ? sxe[3] ?? sxe[4] : sxe[3];
    const before = tidy(file.slice(0, sxe.index));
    const after = tidy(file.slice(sxe.index + sxe[0].length));
    const fromFile = before ? splitYear(before) : undefined;
    const fromDir = showDir ? splitYear(showDir) : undefined;
    const show = fromFile?.name || fromDir?.name || "Unknown show";
    return {
      kind: "episode",
      show,
      season,
      episode,
      episodeEnd: endRaw ? Number(endRaw) : null,
      title: orNull(after),
      year: fromFile?.year ?? fromDir?.year ?? null,
    };
  }

  if (seasonFromDir !== null) {
    // "Show/Season 01/02 - Title.mkv" or "Show/Season 1/Episode 2.mkv"
    const leading = LEADING_EPISODE.exec(file.replace(/[._]+/g, " ").trim());
    if (leading) {
      const fromDir = showDir ? splitYear(showDir) : { name: "Unknown show", year: null };
      return {
        kind: "episode",
        show: fromDir.name || "Unknown show",
        season: seasonFromDir,
        episode: Number(leading[1]),
        episodeEnd: null,
        title: orNull(tidy(leading[2])),
        year: fromDir.year,
      };
    }
  }

  // A film: "Film (2010).mkv", "Film.2010.1080p.mkv", or "Film (2010)/Film.mkv".
  const year = YEAR.exec(file);
  if (year && year.index > 0) {
    return {
      kind: "film",
      show: tidy(file.slice(0, year.index)) || tidy(file),
      season: null,
      episode: null,
      episodeEnd: null,
      title: null,
      year: Number(year[1]),
    };
  }
  const folder = showDir ? splitYear(showDir) : undefined;
  return {
    kind: "film",
    // "Amélie (2001)/Amelie.mkv": a folder with a year is the better name
    show: (folder?.year ? folder.name : tidy(file)) || folder?.name || file,
    season: null,
    episode: null,
    episodeEnd: null,
    title: null,
    year: folder?.year ?? null,
  };
}

/** A key that sorts shows alphabetically, then seasons and episodes numerically. */
export function sortKey(parsed: ParsedName, relPath: string): string {
  const pad = (n: number | null) => String(n ?? 0).padStart(4, "0");
  const show = parsed.show.toLowerCase().replace(/^(the|a|an)\s+/, "");
  return `${show}\u0001${pad(parsed.season)}${pad(parsed.episode)}\u0001${relPath.toLowerCase()}`;
}
