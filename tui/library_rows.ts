/**
 * The library as the Library screen lists it: episodes grouped by show and season (films in one
 * group at the end), flattened into rows (a header row per group, then its episodes) so that
 * the screen can show any window of them without walking the whole list. Pure functions: the
 * rows are built once per load or filter change, never per key press.
 * @module
 */
import type { Episode } from "../shared/schemas.ts";

/** A group of episodes: one season of a show, or all films. */
export interface EpisodeGroup {
  /** What the header says, e.g. `Sample Show — Season 1` or `Films`. */
  readonly title: string;
  readonly episodes: readonly Episode[];
  /** Lower-cased text each episode is searched in, in the order of {@link episodes}. */
  readonly haystacks: readonly string[];
}

/** A header row, standing for the rows of its group's shown episodes right below it. */
export interface GroupRow {
  readonly kind: "group";
  readonly title: string;
  /** How many of the group's episodes are shown (all of them, or those the filter keeps). */
  readonly size: number;
}

/** An episode row. */
export interface EpisodeRow {
  readonly kind: "episode";
  readonly episode: Episode;
  /** The row index of its group's header. */
  readonly group: number;
}

/** One line of the list. */
export type LibraryRow = GroupRow | EpisodeRow;

/** The flattened list: header and episode rows in display order. */
export interface LibraryRows {
  readonly rows: readonly LibraryRow[];
  /** Episode rows among {@link rows}. */
  readonly episodeCount: number;
  /** The row index of each shown episode, by id. */
  readonly rowOf: ReadonlyMap<number, number>;
}

/** Rows of an empty list. */
export const NO_ROWS: LibraryRows = Object.freeze({ rows: [], episodeCount: 0, rowOf: new Map() });

/** `S01E02`, `S01E02-E03` for a double episode, `E05` without a season, the year of a film. */
export function episodeCode(episode: Episode): string {
  if (episode.kind === "film") return episode.year === null ? "" : String(episode.year);
  const pad = (n: number) => String(n).padStart(2, "0");
  const season = episode.season === null ? "" : `S${pad(episode.season)}`;
  if (episode.episode === null) return season;
  const end = episode.episodeEnd === null ? "" : `-E${pad(episode.episodeEnd)}`;
  return `${season}E${pad(episode.episode)}${end}`;
}

/** What an episode row calls it: the episode title, or the film's name. */
export function episodeTitle(episode: Episode): string {
  return episode.kind === "film" ? episode.show : episode.title ?? "";
}

/** A running time as `2:40`, or `1:02:03` from an hour on; empty when unknown. */
export function formatRuntime(ms: number | null): string {
  if (ms === null) return "";
  const total = Math.round(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

function seasonTitle(show: string, season: number | null): string {
  if (season === null) return show;
  return `${show} — ${season === 0 ? "Specials" : `Season ${season}`}`;
}

/**
 * Groups episodes (in library order) by show and season, in order of first appearance; films
 * go into one `Films` group at the end. O(n).
 */
export function groupEpisodes(episodes: readonly Episode[]): readonly EpisodeGroup[] {
  const byKey = new Map<string, { title: string; episodes: Episode[]; haystacks: string[] }>();
  const films: { title: string; episodes: Episode[]; haystacks: string[] } = {
    title: "Films",
    episodes: [],
    haystacks: [],
  };
  for (const episode of episodes) {
    let group = films;
    if (episode.kind !== "film") {
      const key = `${episode.show}\u0000${episode.season ?? ""}`;
      group = byKey.get(key) ??
        { title: seasonTitle(episode.show, episode.season), episodes: [], haystacks: [] };
      byKey.set(key, group);
    }
    group.episodes.push(episode);
    group.haystacks.push(
      `${episode.show} ${episodeCode(episode)} ${episode.title ?? ""} ${episode.relPath}`.toLowerCase(),
    );
  }
  const groups = [...byKey.values()];
  if (films.episodes.length > 0) groups.push(films);
  return groups;
}

/** The words of a filter, lower-cased; an episode is shown when its text contains all of them. */
export function filterWords(filter: string): readonly string[] {
  return filter.toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * The rows of `groups`, keeping only episodes whose show, code (`s01e02`), title or path
 * contain every word of `filter`; groups left empty are dropped. O(n).
 */
export function buildRows(groups: readonly EpisodeGroup[], filter = ""): LibraryRows {
  const words = filterWords(filter);
  const rows: LibraryRow[] = [];
  const rowOf = new Map<number, number>();
  for (const group of groups) {
    const header = rows.length;
    rows.push({ kind: "group", title: group.title, size: 0 });
    group.episodes.forEach((episode, i) => {
      const haystack = group.haystacks[i];
      if (words.length > 0 && !words.every((word) => haystack.includes(word))) return;
      rowOf.set(episode.id, rows.length);
      rows.push({ kind: "episode", episode, group: header });
    });
    const size = rows.length - header - 1;
    if (size === 0) rows.pop();
    else rows[header] = { kind: "group", title: group.title, size };
  }
  return { rows, episodeCount: rowOf.size, rowOf };
}

/**
 * The first row of a window of `height` rows over `count` rows that shows `cursor`: the window
 * moves only when the cursor would leave it (starting from `top`), and never shows empty rows
 * below the last one when the list is longer than the window.
 */
export function windowStart(top: number, cursor: number, height: number, count: number): number {
  if (height <= 0 || count <= height) return 0;
  let start = Math.min(Math.max(top, cursor - height + 1), cursor);
  start = Math.min(start, count - height);
  return Math.max(0, start);
}
