/**
 * Episodes and subtitle tracks in the database, as the shared schemas describe them.
 */
import { type Kysely, type Selectable, sql } from "kysely";
import type { Episode, EpisodeDetail, LibraryListInput, SubtitleTrack } from "../../shared/schemas.ts";
import type { DB } from "../db/mod.ts";
import type { EpisodesTable, SubtitleTracksTable } from "../db/schema.ts";

/** No episode with that id. */
export class EpisodeNotFoundError extends Error {
  constructor(readonly id: number) {
    super(
      `Episode ${id} does not exist (it may have been removed by a rescan): list episodes with library.list.`,
    );
    this.name = "EpisodeNotFoundError";
  }
}

/** A `library.list` cursor that this daemon did not hand out. */
export class InvalidCursorError extends Error {
  constructor() {
    super("The cursor is not valid: pass the nextCursor of the previous page, or none for the first page.");
    this.name = "InvalidCursorError";
  }
}

function iso(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

/** A row of `episodes` as the API shows it. */
export function toEpisode(row: Selectable<EpisodesTable>): Episode {
  return {
    id: row.id,
    kind: row.kind,
    show: row.show,
    season: row.season,
    episode: row.episode,
    episodeEnd: row.episode_end,
    title: row.title,
    year: row.year,
    path: row.path,
    root: row.root,
    relPath: row.rel_path,
    sizeBytes: Number(row.size),
    durationMs: row.duration_ms,
    width: row.width,
    height: row.height,
    fps: row.fps,
    videoCodec: row.video_codec,
    audioTracks: (row.audio_tracks ?? []) as Episode["audioTracks"],
    subtitleLanguages: row.subtitle_languages ?? [],
    probeError: row.probe_error,
    addedAt: iso(row.added_at),
    updatedAt: iso(row.updated_at),
  };
}

/** A row of `subtitle_tracks` as the API shows it. */
export function toSubtitleTrack(row: Selectable<SubtitleTracksTable>): SubtitleTrack {
  return {
    id: row.id,
    source: row.source,
    path: row.path,
    streamIndex: row.stream_index,
    language: row.language,
    title: row.title,
    forced: row.forced,
    sdh: row.sdh,
    format: row.format,
    supported: row.supported,
    unsupportedReason: row.unsupported_reason,
  };
}

function encodeCursor(row: { sort_key: string; id: number }): string {
  return btoa(encodeURIComponent(JSON.stringify([row.sort_key, row.id])));
}

function decodeCursor(cursor: string): [string, number] {
  try {
    const value = JSON.parse(decodeURIComponent(atob(cursor)));
    if (Array.isArray(value) && typeof value[0] === "string" && Number.isInteger(value[1])) {
      return [value[0], value[1]];
    }
  } catch { /* fall through */ }
  throw new InvalidCursorError();
}

/** One page of episodes in library order (show, season, episode), filtered. */
export async function listEpisodes(
  db: Kysely<DB>,
  input: LibraryListInput,
): Promise<{ items: Episode[]; nextCursor: string | null }> {
  const limit = input.limit ?? 100;
  let query = db.selectFrom("episodes").selectAll();
  for (const word of (input.query ?? "").split(/\s+/).filter(Boolean)) {
    const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([eb("show", "ilike", pattern), eb("title", "ilike", pattern), eb("rel_path", "ilike", pattern)])
    );
  }
  if (input.show) query = query.where(sql<boolean>`lower(show) = lower(${input.show})`);
  if (input.hasSubtitles === true) query = query.where(sql<boolean>`cardinality(subtitle_languages) > 0`);
  if (input.hasSubtitles === false) query = query.where(sql<boolean>`cardinality(subtitle_languages) = 0`);
  if (input.language) {
    query = query.where(sql<boolean>`${input.language.toLowerCase()} = any(subtitle_languages)`);
  }
  if (input.cursor) {
    const [key, id] = decodeCursor(input.cursor);
    query = query.where((eb) =>
      eb.or([eb("sort_key", ">", key), eb.and([eb("sort_key", "=", key), eb("id", ">", id)])])
    );
  }
  const rows = await query.orderBy("sort_key").orderBy("id").limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  return {
    items: page.map(toEpisode),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null,
  };
}

/** One episode with its subtitle tracks. */
export async function getEpisode(db: Kysely<DB>, id: number): Promise<EpisodeDetail> {
  const row = await db.selectFrom("episodes").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new EpisodeNotFoundError(id);
  const tracks = await db.selectFrom("subtitle_tracks").selectAll().where("episode_id", "=", id)
    .orderBy("source", "desc").orderBy("language").orderBy("id").execute();
  return { ...toEpisode(row), subtitleTracks: tracks.map(toSubtitleTrack) };
}

/** Number of episodes under each root. */
export async function countByRoot(db: Kysely<DB>): Promise<Map<string, number>> {
  const rows = await db.selectFrom("episodes").select(["root", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("root").execute();
  return new Map(rows.map((r) => [r.root, Number(r.n)]));
}
