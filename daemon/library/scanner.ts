/**
 * Incremental library scans: walk a root, probe only new or changed files (ffprobe results are
 * cached by path, size and mtime), match subtitles, and store episodes and tracks. Scans run one
 * at a time; the media roots are only ever read.
 */
import type { Kysely, Selectable, Transaction } from "kysely";
import { dirname, resolve } from "@std/path";
import type { ScanResult } from "../../shared/schemas.ts";
import type { DB } from "../db/mod.ts";
import type { SubtitleTracksTable } from "../db/schema.ts";
import type { Logger } from "../log.ts";
import { type MediaInfo, ProbeError, type Prober, toMediaInfo, unsupportedReason } from "./ffprobe.ts";
import { normaliseLanguage } from "./languages.ts";
import { parseVideoPath, sortKey } from "./naming.ts";
import { findSidecars } from "./sidecars.ts";
import { type FoundVideo, inside, walkRoot } from "./walker.ts";

/** A path for a message: as it is, or quoted with escapes when it holds control characters. */
export function printablePath(path: string): string {
  return /[\p{Cc}]/u.test(path) ? JSON.stringify(path) : path;
}

/**
 * A path that is not inside any configured media root, or that is not what was asked for (a
 * folder inside a root where a root was expected, a link that leads out of its root). The
 * default message covers the first case; the others give their own.
 */
export class PathOutsideRootsError extends Error {
  constructor(readonly path: string, readonly roots: readonly string[], message?: string) {
    super(
      message ??
        `${printablePath(path)} is not inside a media root (${
          roots.join(", ")
        }): add its folder to LINGOREEL_MEDIA_ROOTS or pick a path inside one.`,
    );
    this.name = "PathOutsideRootsError";
  }
}

/** Scan progress, for events. */
export interface ScanProgress {
  phase: "walking" | "probing" | "saving" | "done";
  done: number;
  total: number;
}

/** A subtitle track of a video as the scanner builds it. */
type TrackRow = Omit<Selectable<SubtitleTracksTable>, "id" | "episode_id">;

function emptyResult(): ScanResult {
  return { added: 0, updated: 0, removed: 0, unchanged: 0, failed: 0, probes: 0, durationMs: 0 };
}

interface Probed {
  info?: MediaInfo;
  error?: string;
}

function sidecarTracks(video: FoundVideo, subtitles: Map<string, string[]>, videosInDir: number): TrackRow[] {
  return findSidecars(video.path, subtitles, videosInDir).map((s) => ({
    key: `sidecar:${s.path}`,
    source: "sidecar",
    path: s.path,
    stream_index: null,
    language: s.language,
    title: s.title,
    forced: s.forced,
    sdh: s.sdh,
    format: s.format,
    supported: true,
    unsupported_reason: null,
  }));
}

function embeddedTracks(info: MediaInfo | undefined): TrackRow[] {
  return (info?.subtitles ?? []).map((s) => {
    const reason = unsupportedReason(s.codec);
    return {
      key: `embedded:${s.index}`,
      source: "embedded",
      path: null,
      stream_index: s.index,
      language: normaliseLanguage(s.language) ?? (s.language && s.language !== "und" ? s.language : null),
      title: s.title,
      forced: s.forced,
      sdh: s.sdh,
      format: s.codec,
      supported: !reason,
      unsupported_reason: reason ?? null,
    };
  });
}

function languagesOf(tracks: TrackRow[]): string[] {
  return [...new Set(tracks.filter((t) => t.supported && t.language).map((t) => t.language!))].sort();
}

const trackFingerprint = (tracks: TrackRow[]) =>
  JSON.stringify([...tracks].sort((a, b) => a.key.localeCompare(b.key)));

/** Runs `fn` over `items` with at most `limit` at once. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}

/** Scans media roots into the database. */
export class LibraryScanner {
  readonly roots: readonly string[];
  #queue: Promise<unknown> = Promise.resolve();
  /** ffprobe runs since this scanner was made (tests and benchmarks count them). */
  probeCount = 0;

  constructor(
    private readonly options: {
      db: Kysely<DB>;
      roots: readonly string[];
      prober: Prober;
      log: Logger;
      onProgress?: (progress: ScanProgress) => void;
      onChanged?: (change: { roots: string[]; added: number; updated: number; removed: number }) => void;
      /** ffprobe processes at once (default 4). */
      concurrency?: number;
    },
  ) {
    this.roots = options.roots.map((r) => resolve(r));
  }

  /** The configured root a path lies in; throws {@link PathOutsideRootsError} otherwise. */
  rootOf(path: string): string {
    const absolute = resolve(path);
    const root = this.roots.find((r) => inside(r, absolute));
    if (!root) throw new PathOutsideRootsError(path, this.roots);
    return root;
  }

  /**
   * Scans every root, or only `root` (which must be a configured root, given as configured or
   * in any spelling that resolves to it). Scans never overlap.
   */
  scan(options: { root?: string; signal?: AbortSignal } = {}): Promise<ScanResult> {
    let roots = this.roots;
    if (options.root !== undefined) {
      const wanted = resolve(options.root);
      if (!this.roots.includes(wanted)) {
        const root = this.rootOf(options.root); // throws when outside every root
        const given = printablePath(options.root);
        throw new PathOutsideRootsError(
          options.root,
          this.roots,
          `${given} is a folder inside the media root ${root}, not a root: scan ${root} (library.scan ` +
            `{ root: ${
              JSON.stringify(root)
            } }, or no root for all), or add ${given} to LINGOREEL_MEDIA_ROOTS.`,
        );
      }
      roots = [wanted];
    }
    const run = this.#queue.then(() => this.#scan(roots, options.signal));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #scan(roots: readonly string[], signal?: AbortSignal): Promise<ScanResult> {
    const started = performance.now();
    const totals = emptyResult();
    for (const root of roots) {
      const result = await this.#scanRoot(root, signal);
      for (const key of ["added", "updated", "removed", "unchanged", "failed", "probes"] as const) {
        totals[key] += result[key];
      }
    }
    totals.durationMs = Math.round(performance.now() - started);
    this.options.onProgress?.({
      phase: "done",
      done: totals.added + totals.updated + totals.unchanged,
      total: totals.added + totals.updated + totals.unchanged,
    });
    if (totals.added || totals.updated || totals.removed) {
      this.options.onChanged?.({
        roots: [...roots],
        added: totals.added,
        updated: totals.updated,
        removed: totals.removed,
      });
    }
    this.options.log.info("library scan finished", { roots, ...totals });
    return totals;
  }

  async #scanRoot(root: string, signal?: AbortSignal): Promise<ScanResult> {
    const { db, log } = this.options;
    const result = emptyResult();
    try {
      await Deno.stat(root);
    } catch {
      log.warn("media root does not exist; nothing scanned (its episodes are kept)", { root });
      return result;
    }
    const progress = this.options.onProgress;
    const walked = await walkRoot(root, {
      signal,
      onVideo: (n) => progress?.({ phase: "walking", done: n, total: 0 }),
    });
    for (const skipped of walked.skipped) log.warn(`skipped ${skipped.path}: ${skipped.reason}`, { root });

    const existing = new Map(
      (await db.selectFrom("episodes").select(["id", "path", "size", "mtime_ms"]).where("root", "=", root)
        .execute())
        .map((row) => [row.path, row]),
    );
    const existingTracks = new Map<number, TrackRow[]>();
    const trackRows = await db.selectFrom("subtitle_tracks")
      .innerJoin("episodes", "episodes.id", "subtitle_tracks.episode_id")
      .where("episodes.root", "=", root)
      .select([
        "subtitle_tracks.episode_id",
        "subtitle_tracks.key",
        "subtitle_tracks.source",
        "subtitle_tracks.path",
        "subtitle_tracks.stream_index",
        "subtitle_tracks.language",
        "subtitle_tracks.title",
        "subtitle_tracks.forced",
        "subtitle_tracks.sdh",
        "subtitle_tracks.format",
        "subtitle_tracks.supported",
        "subtitle_tracks.unsupported_reason",
      ]).execute();
    for (const { episode_id, ...track } of trackRows) {
      const list = existingTracks.get(episode_id) ?? [];
      list.push(track);
      existingTracks.set(episode_id, list);
    }

    const videosPerDir = new Map<string, number>();
    for (const v of walked.videos) {
      videosPerDir.set(dirname(v.path), (videosPerDir.get(dirname(v.path)) ?? 0) + 1);
    }

    const changed = walked.videos.filter((v) => {
      const row = existing.get(v.path);
      return !row || Number(row.size) !== v.size || Number(row.mtime_ms) !== v.mtimeMs;
    });
    const probed = await this.#probeAll(
      changed,
      signal,
      (done) => progress?.({ phase: "probing", done, total: changed.length }),
    );
    result.probes = probed.ran;

    progress?.({ phase: "saving", done: 0, total: walked.videos.length });
    const seen = new Set<string>();
    const batchSize = 200;
    for (let i = 0; i < walked.videos.length; i += batchSize) {
      signal?.throwIfAborted();
      const batch = walked.videos.slice(i, i + batchSize);
      await db.transaction().execute(async (trx) => {
        for (const video of batch) {
          seen.add(video.path);
          const sidecars = sidecarTracks(video, walked.subtitles, videosPerDir.get(dirname(video.path)) ?? 1);
          const row = existing.get(video.path);
          const probe = probed.byPath.get(video.path);
          if (row && !probe) {
            // Unchanged video: only its sidecar files may have come or gone.
            const before = existingTracks.get(row.id) ?? [];
            const embedded = before.filter((t) => t.source === "embedded");
            if (
              trackFingerprint(before.filter((t) => t.source === "sidecar")) === trackFingerprint(sidecars)
            ) {
              result.unchanged++;
              continue;
            }
            await replaceTracks(trx, row.id, [...sidecars, ...embedded]);
            result.updated++;
            continue;
          }
          const tracks = [...sidecars, ...embeddedTracks(probe?.info)];
          await upsertEpisode(trx, root, video, probe ?? {}, tracks, !row);
          if (probe?.error) result.failed++;
          if (row) result.updated++;
          else result.added++;
        }
      });
      progress?.({
        phase: "saving",
        done: Math.min(i + batchSize, walked.videos.length),
        total: walked.videos.length,
      });
    }

    const gone = [...existing.values()].filter((row) => !seen.has(row.path));
    if (gone.length) {
      await db.deleteFrom("episodes").where("id", "in", gone.map((row) => row.id)).execute();
      await db.deleteFrom("media_probes").where("path", "in", gone.map((row) => row.path)).execute();
      result.removed = gone.length;
    }
    return result;
  }

  /** Media info of changed files: from the probe cache when size and mtime match, else ffprobe. */
  async #probeAll(
    videos: FoundVideo[],
    signal: AbortSignal | undefined,
    onProgress: (done: number) => void,
  ): Promise<{ byPath: Map<string, Probed>; ran: number }> {
    const { db, log } = this.options;
    const byPath = new Map<string, Probed>();
    for (let i = 0; i < videos.length; i += 500) {
      const paths = videos.slice(i, i + 500).map((v) => v.path);
      const cached = await db.selectFrom("media_probes").selectAll().where("path", "in", paths).execute();
      const wanted = new Map(videos.slice(i, i + 500).map((v) => [v.path, v]));
      for (const row of cached) {
        const video = wanted.get(row.path)!;
        if (Number(row.size) === video.size && Number(row.mtime_ms) === video.mtimeMs) {
          byPath.set(row.path, row.error ? { error: row.error } : { info: row.probe as MediaInfo });
        }
      }
    }
    const toProbe = videos.filter((v) => !byPath.has(v.path));
    let done = videos.length - toProbe.length;
    onProgress(done);
    // Cache rows are written in batches: one statement per probe would cost as much as the probe.
    const pending: { video: FoundVideo; probed: Probed }[] = [];
    const flush = async () => {
      const rows = pending.splice(0);
      if (rows.length) await saveProbes(db, rows);
    };
    try {
      await pool(toProbe, this.options.concurrency ?? 4, async (video) => {
        signal?.throwIfAborted();
        let probed: Probed;
        try {
          this.probeCount++;
          probed = { info: toMediaInfo(video.path, await this.options.prober.probe(video.path, signal)) };
        } catch (error) {
          if (signal?.aborted) throw error;
          const message = error instanceof ProbeError
            ? error.message
            : `ffprobe failed on ${video.path}: ${(error as Error).message}`;
          log.warn(message, { path: video.path });
          probed = { error: message };
        }
        byPath.set(video.path, probed);
        pending.push({ video, probed });
        if (pending.length >= 100) await flush();
        onProgress(++done);
      });
    } finally {
      await flush();
    }
    return { byPath, ran: toProbe.length };
  }
}

async function saveProbes(db: Kysely<DB>, rows: { video: FoundVideo; probed: Probed }[]): Promise<void> {
  await db.insertInto("media_probes").values(rows.map(({ video, probed }) => ({
    path: video.path,
    size: video.size,
    mtime_ms: video.mtimeMs,
    probe: probed.info ? JSON.stringify(probed.info) : null,
    error: probed.error ?? null,
  }))).onConflict((oc) =>
    oc.column("path").doUpdateSet((eb) => ({
      size: eb.ref("excluded.size"),
      mtime_ms: eb.ref("excluded.mtime_ms"),
      probe: eb.ref("excluded.probe"),
      error: eb.ref("excluded.error"),
      probed_at: new Date(),
    }))
  ).execute();
}

async function upsertEpisode(
  trx: Transaction<DB>,
  root: string,
  video: FoundVideo,
  probe: Probed,
  tracks: TrackRow[],
  isNew: boolean,
): Promise<void> {
  const parsed = parseVideoPath(video.relPath);
  const info = probe.info;
  const values = {
    root,
    path: video.path,
    rel_path: video.relPath,
    kind: parsed.kind,
    show: parsed.show,
    season: parsed.season,
    episode: parsed.episode,
    episode_end: parsed.episodeEnd,
    title: parsed.title,
    year: parsed.year,
    sort_key: sortKey(parsed, video.relPath),
    size: video.size,
    mtime_ms: video.mtimeMs,
    duration_ms: info?.durationMs ?? null,
    width: info?.width ?? null,
    height: info?.height ?? null,
    fps: info?.fps ?? null,
    video_codec: info?.videoCodec ?? null,
    audio_tracks: JSON.stringify(info?.audio ?? []),
    probe_error: probe.error ?? null,
    subtitle_languages: languagesOf(tracks),
  };
  const { id } = await trx.insertInto("episodes").values(values)
    .onConflict((oc) => oc.column("path").doUpdateSet({ ...values, updated_at: new Date() }))
    .returning("id").executeTakeFirstOrThrow();
  // the row already carries the languages; a new episode has no tracks to remove
  await replaceTracks(trx, id, tracks, { removeOld: !isNew, touchEpisode: false });
}

async function replaceTracks(
  trx: Transaction<DB>,
  episodeId: number,
  tracks: TrackRow[],
  options = { removeOld: true, touchEpisode: true },
): Promise<void> {
  if (options.removeOld) {
    const keys = tracks.map((t) => t.key);
    let remove = trx.deleteFrom("subtitle_tracks").where("episode_id", "=", episodeId);
    if (keys.length) remove = remove.where("key", "not in", keys);
    await remove.execute();
  }
  if (tracks.length) {
    await trx.insertInto("subtitle_tracks").values(tracks.map((t) => ({ ...t, episode_id: episodeId })))
      .onConflict((oc) =>
        oc.columns(["episode_id", "key"]).doUpdateSet((eb) => ({
          source: eb.ref("excluded.source"),
          path: eb.ref("excluded.path"),
          stream_index: eb.ref("excluded.stream_index"),
          language: eb.ref("excluded.language"),
          title: eb.ref("excluded.title"),
          forced: eb.ref("excluded.forced"),
          sdh: eb.ref("excluded.sdh"),
          format: eb.ref("excluded.format"),
          supported: eb.ref("excluded.supported"),
          unsupported_reason: eb.ref("excluded.unsupported_reason"),
        }))
      ).execute();
  }
  if (options.touchEpisode) {
    await trx.updateTable("episodes").set({ subtitle_languages: languagesOf(tracks), updated_at: new Date() })
      .where("id", "=", episodeId).execute();
  }
}
