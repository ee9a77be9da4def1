/**
 * The cues of an episode's subtitle track, read from its sidecar file or extracted from the
 * video, optionally limited to a time window.
 */
import type { Kysely } from "kysely";
import type { Cue } from "../../shared/schemas.ts";
import type { DB } from "../db/mod.ts";
import { readSubtitleFile } from "../subtitles/mod.ts";
import { extractEmbeddedSubtitle } from "./extract.ts";
import { EpisodeNotFoundError } from "./repository.ts";
import { PathOutsideRootsError } from "./scanner.ts";
import { inside } from "./walker.ts";

/** The episode has no such track, or no track that can be read as text. */
export class TrackNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TrackNotFoundError";
  }
}

/**
 * Picks the track to read: the one asked for, else the first usable one in `language` (if
 * given), preferring full (not forced) subtitles, English, and sidecar files.
 */
async function chooseTrack(db: Kysely<DB>, episodeId: number, trackId?: number, language?: string) {
  const episode = await db.selectFrom("episodes").select(["id", "root", "path", "size", "mtime_ms"])
    .where("id", "=", episodeId).executeTakeFirst();
  if (!episode) throw new EpisodeNotFoundError(episodeId);
  const tracks = await db.selectFrom("subtitle_tracks").selectAll().where("episode_id", "=", episodeId)
    .execute();
  if (trackId !== undefined) {
    const track = tracks.find((t) => t.id === trackId);
    if (!track) {
      throw new TrackNotFoundError(
        `Episode ${episodeId} has no subtitle track ${trackId}: its tracks are ${
          tracks.map((t) => t.id).join(", ") || "none"
        }.`,
      );
    }
    if (!track.supported) {
      throw new TrackNotFoundError(track.unsupported_reason ?? "This track cannot be read.");
    }
    return { episode, track };
  }
  const usable = tracks.filter((t) => t.supported && (!language || t.language === language)).sort((a, b) =>
    Number(a.forced) - Number(b.forced) ||
    Number(b.language === "en") - Number(a.language === "en") ||
    Number(a.source === "embedded") - Number(b.source === "embedded") ||
    a.id - b.id
  );
  if (!usable.length && language && tracks.some((t) => t.supported)) {
    throw new TrackNotFoundError(
      `Episode ${episodeId} has no ${language} subtitles (it has ${
        [...new Set(tracks.filter((t) => t.supported).map((t) => t.language ?? "unknown"))].join(", ")
      }): add a ${language} subtitle file next to ${episode.path} or choose another source language.`,
    );
  }
  if (!usable.length) {
    throw new TrackNotFoundError(
      `Episode ${episodeId} has no text subtitles: put an .srt next to ${episode.path} (e.g. ${
        episode.path.replace(/\.[^.]+$/, "")
      }.en.srt) and rescan.`,
    );
  }
  return { episode, track: usable[0] };
}

/**
 * Where a sidecar file really is, refusing one that now leads out of its media root: the scan
 * only takes links that stay inside, but a file can be swapped for a link after the scan.
 */
async function sidecarPath(path: string, root: string): Promise<string> {
  const [real, realRoot] = await Promise.all([Deno.realPath(path), Deno.realPath(root)]);
  if (!inside(realRoot, real)) {
    throw new PathOutsideRootsError(
      path,
      [root],
      `The subtitle file ${path} leads outside its media root ${root} (to ${real}); lingoreel reads ` +
        `only inside the media roots. Put the file itself there instead of a link, and rescan (library.scan).`,
    );
  }
  return real;
}

/** Reads a track's cues, keeping those that overlap `[fromMs, toMs]` when given. */
export async function loadCues(
  db: Kysely<DB>,
  options: {
    episodeId: number;
    trackId?: number;
    /** Prefer (require) a track in this language when no track is named. */
    language?: string;
    fromMs?: number;
    toMs?: number;
    ffmpeg: () => Promise<string>;
    cacheDir: string;
    signal?: AbortSignal;
  },
): Promise<Cue[]> {
  const { episode, track } = await chooseTrack(db, options.episodeId, options.trackId, options.language);
  try {
    const path = track.source === "sidecar"
      ? await sidecarPath(track.path!, episode.root)
      : await extractEmbeddedSubtitle({
        ffmpeg: await options.ffmpeg(),
        videoPath: episode.path,
        streamIndex: track.stream_index!,
        codec: track.format,
        size: Number(episode.size),
        mtimeMs: Number(episode.mtime_ms),
        cacheDir: options.cacheDir,
        signal: options.signal,
      });
    const { cues } = await readSubtitleFile(path);
    return inWindow(cues, options.fromMs, options.toMs);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound && track.source === "sidecar") {
      throw new TrackNotFoundError(
        `The subtitle file ${track.path} is gone: rescan the library (library.scan).`,
      );
    }
    throw error;
  }
}

function inWindow(cues: Cue[], fromMs?: number, toMs?: number): Cue[] {
  const from = fromMs ?? 0;
  const to = toMs ?? Number.POSITIVE_INFINITY;
  return cues.filter((cue) => cue.endMs > from && cue.startMs < to);
}
