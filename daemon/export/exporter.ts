/**
 * Exporting expressions as study material: approved expressions (pending ones too when asked)
 * become notes with their line's audio and a screenshot, written as an Anki package, CSV, TSV
 * or JSON under `<outputDir>/decks/`.
 *
 * Every export works in its own temporary folder under `<dataDir>/tmp` (removed whatever
 * happens) and writes its file under a temporary name renamed only when complete, so a failed
 * or cancelled export leaves nothing behind; aborting kills the running ffmpeg.
 */
import type { Kysely, Selectable } from "kysely";
import { join } from "@std/path";
import type { Cue } from "../../shared/schemas.ts";
import { partialName, readDirIfAny, removeLeftovers } from "../instance/leftovers.ts";
import { type Clock, systemClock } from "../clock.ts";
import type { DB } from "../db/mod.ts";
import type { EpisodesTable, ExpressionsTable } from "../db/schema.ts";
import { ExpressionNotFoundError } from "../analysis/mod.ts";
import { EpisodeNotFoundError, normaliseLanguage } from "../library/mod.ts";
import type { Logger } from "../log.ts";
import { type FfmpegRunner, slug } from "../render/mod.ts";
import { writeApkg } from "./apkg.ts";
import { writeCsv } from "./csv.ts";
import { writeJson } from "./json.ts";
import { mediaCommands, type MediaCut, type MediaRun } from "./media.ts";
import { buildNote, type ExportNote, mediaBaseName, noteGuid, type NoteIdentity } from "./notes.ts";
import {
  type ExportFormat,
  type ExportOptions,
  type ExportRequest,
  type ExportRequestInput,
  exportRequestSchema,
  type ExportResult,
} from "../../shared/export.ts";
import { type ClipTiming, clipTiming } from "./timing.ts";

/** There is nothing to export: no approved expression (or the named ones are not exportable). */
export class NothingToExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NothingToExportError";
  }
}

/** The media of an episode cannot be cut (its video is missing, or ffmpeg failed). */
export class ExportMediaError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ExportMediaError";
  }
}

/** What the exporter needs. */
export interface ExporterDeps {
  db: Kysely<DB>;
  ffmpeg: FfmpegRunner;
  /** The cues of an episode's subtitles in a language (for context lines). */
  cues: (episodeId: number, language: string) => Promise<Cue[]>;
  /** Exports go to `<outputDir>/decks/`. */
  outputDir: string;
  /** Temporary folders go under `<dataDir>/tmp`. */
  dataDir: string;
  log: Logger;
  clock?: Clock;
  /** Inputs per ffmpeg run (default `MAX_INPUTS`); tests lower it. */
  maxInputs?: number;
  /** ffmpeg processes at once (default 2: an episode's audio run beside its screenshot run). */
  concurrency?: number;
}

const EXTENSIONS: Record<ExportFormat, string> = { anki: "apkg", csv: "csv", tsv: "tsv", json: "json" };

type ExpressionRow = Selectable<ExpressionsTable>;
type EpisodeRow = Selectable<EpisodesTable>;

interface Details {
  translations: { language: string; expression: string; line: string; title: string }[];
  meaning: string;
  similar: string[];
  example: string;
}

/** One note before its media exist. */
interface Draft {
  row: ExpressionRow;
  episode: EpisodeRow;
  identity: NoteIdentity;
  guid: string;
  mediaBase: string;
  timing: ClipTiming;
  level: string | null;
  sourceLanguage: string;
  media: ExportNote["media"];
}

function episodeCode(episode: Pick<EpisodeRow, "kind" | "season" | "episode" | "year">): string {
  if (episode.kind === "film" || episode.season === null || episode.episode === null) {
    return `film${episode.year ?? ""}`;
  }
  return `S${String(episode.season).padStart(2, "0")}E${String(episode.episode).padStart(2, "0")}`;
}

function describeEpisode(episode: EpisodeRow): string {
  return episode.kind === "episode" && episode.season !== null
    ? `${episode.show} ${episodeCode(episode)}`
    : episode.show;
}

function idList(ids: number[]): string {
  return ids.length > 8 ? `${ids.slice(0, 8).join(", ")}… (${ids.length})` : ids.join(", ");
}

/** Exports expressions as Anki packages, CSV, TSV or JSON. */
export class Exporter {
  readonly #clock: Clock;

  constructor(private readonly deps: ExporterDeps) {
    this.#clock = deps.clock ?? systemClock;
  }

  /**
   * Exports the approved expressions of `episodeIds` (and pending ones with
   * `options.includePending`), or the expressions `expressionIds`. `onProgress` gets the
   * fraction done; aborting `signal` stops ffmpeg and removes every partial file.
   */
  async export(
    input: ExportRequestInput,
    hooks: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
  ): Promise<ExportResult> {
    const request = exportRequestSchema.parse(input);
    const { options } = request;
    const { signal } = hooks;
    const started = this.#clock.now();
    const progress = (fraction: number) => hooks.onProgress?.(Math.min(1, Math.max(0, fraction)));
    signal?.throwIfAborted();

    const warnings: string[] = [];
    const { rows, episodes } = await this.#select(request, warnings);
    const drafts = await this.#draft(rows, episodes, options, warnings);
    signal?.throwIfAborted();
    progress(0.05);

    const decks = join(this.deps.outputDir, "decks");
    await Deno.mkdir(decks, { recursive: true });
    const tmp = await this.#tempDir();
    const partials: string[] = [];
    let ffmpegRuns = 0;
    try {
      const mediaDir = join(tmp, "media");
      await Deno.mkdir(mediaDir);
      if (options.media) {
        ffmpegRuns = await this.#cutMedia(
          drafts,
          mediaDir,
          options,
          signal,
          (f) => progress(0.05 + 0.85 * f),
        );
        await this.#checkMedia(drafts, mediaDir, warnings);
      }
      const notes = await Promise.all(drafts.map((d) => this.#note(d, options)));
      const shows = [...new Set(drafts.map((d) => d.episode.show))];
      const deckName = options.deckName ?? (shows.length === 1 ? `lingoreel::${shows[0]}` : "lingoreel");
      const name = await this.#fileName(request, drafts, decks);
      const path = join(decks, `${name}.${EXTENSIONS[request.format]}`);
      const partial = partialName(path);
      partials.push(partial);
      const now = new Date(this.#clock.now());
      const mediaFiles = notes.flatMap((n) => [n.media.audio, n.media.screenshot]).filter(Boolean).length;
      let cards = notes.length;
      progress(0.9);
      switch (request.format) {
        case "anki":
          ({ cards } = await writeApkg(partial, {
            notes,
            deckName,
            deckDescription: `Expressions from ${shows.join(", ")}, exported by lingoreel.`,
            mediaDir,
            workDir: tmp,
            now,
          }));
          break;
        case "csv":
        case "tsv":
          await writeCsv(partial, notes, { separator: request.format === "csv" ? "," : "\t", deckName });
          break;
        case "json":
          await writeJson(partial, notes, { deckName, now });
          break;
      }
      signal?.throwIfAborted();
      // from here on nothing is abandoned half-way: the media folder, then the file
      const finalMediaDir = request.format !== "anki" && mediaFiles > 0 ? join(decks, `${name}.media`) : null;
      if (finalMediaDir) await replaceDir(mediaDir, finalMediaDir);
      await Deno.rename(partial, path);
      const result: ExportResult = {
        path,
        format: request.format,
        mediaDir: finalMediaDir,
        deckName,
        notes: notes.length,
        cards,
        mediaFiles,
        ffmpegRuns,
        durationMs: Math.round(this.#clock.now() - started),
        warnings,
      };
      this.deps.log.info("exported", {
        path,
        format: request.format,
        notes: result.notes,
        mediaFiles,
        ffmpegRuns,
        durationMs: result.durationMs,
      });
      progress(1);
      return result;
    } finally {
      for (const partial of partials) await Deno.remove(partial).catch(() => {});
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  }

  /**
   * Removes what a killed daemon left: export temp dirs in this daemon's data dir, and partial
   * exports tagged with this host and a process that no longer runs. Returns the count.
   */
  async removeStale(): Promise<number> {
    const removed = await removeLeftovers({
      tempRoot: join(this.deps.dataDir, "tmp"),
      tempPrefix: "export-",
      outputDir: join(this.deps.outputDir, "decks"),
    });
    if (removed) this.deps.log.info("removed export files a stopped daemon left behind", { removed });
    return removed;
  }

  /** The expressions to export and their episodes, or a clear error. */
  async #select(
    request: ExportRequest,
    warnings: string[],
  ): Promise<{ rows: ExpressionRow[]; episodes: Map<number, EpisodeRow> }> {
    const { db } = this.deps;
    const allowed = new Set<string>(request.options.includePending ? ["approved", "pending"] : ["approved"]);
    const wanted = request.options.includePending ? "approved or pending" : "approved";
    let query = db.selectFrom("expressions").selectAll();
    if (request.episodeIds) query = query.where("episode_id", "in", request.episodeIds);
    if (request.expressionIds) query = query.where("id", "in", request.expressionIds);
    const all = await query.orderBy("episode_id").orderBy("start_ms").orderBy("id").execute();

    const episodeIds = [...new Set([...(request.episodeIds ?? []), ...all.map((r) => r.episode_id)])];
    const episodeRows = episodeIds.length
      ? await db.selectFrom("episodes").selectAll().where("id", "in", episodeIds).execute()
      : [];
    const episodes = new Map(episodeRows.map((e) => [e.id, e]));
    for (const id of request.episodeIds ?? []) if (!episodes.has(id)) throw new EpisodeNotFoundError(id);

    if (request.expressionIds) {
      const found = new Set(all.map((r) => r.id));
      const missing = request.expressionIds.filter((id) => !found.has(id));
      if (missing.length && request.episodeIds) {
        const elsewhere = await db.selectFrom("expressions").select("id").where("id", "in", missing)
          .execute();
        if (elsewhere.length) {
          throw new NothingToExportError(
            `Expressions ${idList(elsewhere.map((r) => r.id))} are not in episodes ${
              idList(request.episodeIds)
            }: name their episodes too, or leave episodeIds out.`,
          );
        }
      }
      if (missing.length) throw new ExpressionNotFoundError(missing);
      const refused = all.filter((r) => !allowed.has(r.status));
      if (refused.length) {
        const hint = refused.some((r) => r.status === "pending") && !request.options.includePending
          ? "approve them with expressions.review, or export with includePending"
          : "approve them with expressions.review, or leave them out";
        throw new NothingToExportError(
          `Cannot export ${
            refused.map((r) => `expression ${r.id} (${r.status})`).join(", ")
          }: only ${wanted} expressions are exported; ${hint}.`,
        );
      }
    }

    const rows = all.filter((r) => allowed.has(r.status));
    const empty = (request.episodeIds ?? []).filter((id) => !rows.some((r) => r.episode_id === id))
      .map((id) => {
        const own = all.filter((r) => r.episode_id === id);
        const pending = own.filter((r) => r.status === "pending").length;
        const state = !own.length
          ? "has not been analysed"
          : `has no ${wanted} expressions${pending ? ` (${pending} pending review)` : ""}`;
        return {
          text: `Episode ${id} (${describeEpisode(episodes.get(id)!)}) ${state}`,
          pending,
          analysed: own.length > 0,
        };
      });
    if (!rows.length) {
      const fix = empty.some((e) => e.pending) && !request.options.includePending
        ? "review its expressions (expressions.review) or export with includePending"
        : empty.some((e) => !e.analysed)
        ? "analyse it first (analysis.run), then review its expressions"
        : "review its expressions (expressions.review)";
      throw new NothingToExportError(
        `${empty.map((e) => e.text).join("; ") || "Nothing to export"}: ${fix}.`,
      );
    }
    for (const e of empty) warnings.push(`${e.text}; it was left out.`);
    return { rows, episodes };
  }

  /** Timing, identity and media names of every note, one per identity (the newest row wins). */
  async #draft(
    rows: ExpressionRow[],
    episodes: Map<number, EpisodeRow>,
    options: ExportOptions,
    warnings: string[],
  ): Promise<Draft[]> {
    const runIds = [...new Set(rows.map((r) => r.run_id))];
    const runs = new Map(
      (await this.deps.db.selectFrom("analysis_runs").select(["id", "options"]).where("id", "in", runIds)
        .execute())
        .map((r) => [r.id, (r.options ?? {}) as { sourceLanguage?: string; level?: string }]),
    );
    const wantsContext = options.contextLinesBefore > 0 || options.contextLinesAfter > 0;
    const cues = new Map<string, Promise<Cue[]>>();
    const cuesOf = (episodeId: number, language: string) => {
      const key = `${episodeId}:${language}`;
      if (!cues.has(key)) cues.set(key, this.deps.cues(episodeId, language));
      return cues.get(key)!;
    };
    const byGuid = new Map<string, Draft>();
    const sorted = [...rows].sort((a, b) =>
      episodes.get(a.episode_id)!.sort_key.localeCompare(episodes.get(b.episode_id)!.sort_key) ||
      a.start_ms - b.start_ms || a.id - b.id
    );
    for (const row of sorted) {
      const episode = episodes.get(row.episode_id)!;
      const run = runs.get(row.run_id) ?? {};
      const identity: NoteIdentity = {
        show: episode.show,
        code: episodeCode(episode),
        cueIndex: row.cue_index,
        normalized: row.normalized,
      };
      const guid = await noteGuid(identity);
      const earlier = byGuid.get(guid);
      if (earlier && earlier.row.updated_at >= row.updated_at) continue;
      const line = { cueIndex: row.cue_index, text: row.line, startMs: row.start_ms, endMs: row.end_ms };
      const timing = clipTiming(
        line,
        wantsContext ? await cuesOf(episode.id, run.sourceLanguage ?? "en") : undefined,
        options,
        episode.duration_ms,
      );
      if (!timing.lineFound) {
        warnings.push(
          `Expression ${row.id}: its line is no longer in the subtitles of episode ${episode.id}; exported without context lines (re-analyse the episode to refresh it).`,
        );
      }
      byGuid.set(guid, {
        row,
        episode,
        identity,
        guid,
        mediaBase: await mediaBaseName(identity),
        timing,
        level: run.level ?? null,
        sourceLanguage: run.sourceLanguage ?? "en",
        media: { audio: null, screenshot: null },
      });
    }
    // in episode and time order, whichever row of an identity was kept
    return [...byGuid.values()].sort((a, b) =>
      a.episode.sort_key.localeCompare(b.episode.sort_key) || a.row.start_ms - b.row.start_ms ||
      a.row.id - b.row.id
    );
  }

  /**
   * Cuts every note's audio and screenshot, episode by episode; returns the ffmpeg runs started.
   * Aborting, or a run failing, kills the runs under way.
   */
  async #cutMedia(
    drafts: Draft[],
    mediaDir: string,
    options: ExportOptions,
    signal: AbortSignal | undefined,
    onProgress: (fraction: number) => void,
  ): Promise<number> {
    const byEpisode = new Map<number, Draft[]>();
    for (const d of drafts) byEpisode.set(d.episode.id, [...(byEpisode.get(d.episode.id) ?? []), d]);
    const plans: { episode: EpisodeRow; runs: MediaRun[] }[] = [];
    for (const [, group] of byEpisode) {
      const episode = group[0].episode;
      try {
        await Deno.stat(episode.path);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
        throw new ExportMediaError(
          `Cannot cut the media of episode ${episode.id} (${
            describeEpisode(episode)
          }): its video ${episode.path} is missing. Restore the file (or rescan the library with library.scan if it moved), or export without media (options.media: false).`,
        );
      }
      const audioStream = chooseAudio(episode, group[0].sourceLanguage);
      const cuts: MediaCut[] = group.map((d) => {
        const cut: MediaCut = {
          screenshot: { atMs: d.timing.screenshotMs, path: join(mediaDir, `${d.mediaBase}.jpg`) },
        };
        if (d.timing.audio && audioStream !== null) {
          cut.audio = { ...d.timing.audio, path: join(mediaDir, `${d.mediaBase}.mp3`) };
        }
        d.media = {
          audio: cut.audio ? `${d.mediaBase}.mp3` : null,
          screenshot: `${d.mediaBase}.jpg`,
        };
        return cut;
      });
      const runs = mediaCommands({ path: episode.path, audioStream }, cuts, {
        screenshotWidth: options.screenshotWidth,
        maxInputs: this.deps.maxInputs,
      });
      plans.push({ episode, runs });
    }
    // the runs of an episode side by side (an audio run and a screenshot run), episodes in turn
    const jobs = plans.flatMap((p) => p.runs.map((run) => ({ episode: p.episode, run })));
    const total = jobs.reduce((n, j) => n + j.run.files, 0) || 1;
    const stop = new AbortController(); // the first failure stops the other runs
    const onAbort = () => stop.abort(signal!.reason);
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    let next = 0;
    let started = 0;
    let done = 0;
    let failure: unknown;
    const worker = async () => {
      while (next < jobs.length && !stop.signal.aborted) {
        const { episode, run } = jobs[next++];
        started++;
        try {
          await this.deps.ffmpeg.run(run.args, { signal: stop.signal });
          done += run.files;
          onProgress(done / total);
        } catch (error) {
          if (stop.signal.aborted) continue;
          failure = new ExportMediaError(
            `Cannot cut the ${run.kind} of episode ${episode.id} (${episode.path}): ${
              (error as Error).message
            }`,
            { cause: error },
          );
          stop.abort(failure);
        }
      }
    };
    try {
      const workers = Math.max(1, Math.min(this.deps.concurrency ?? 2, jobs.length));
      await Promise.all(Array.from({ length: workers }, worker));
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
    if (signal?.aborted) throw signal.reason;
    if (failure) throw failure;
    return started;
  }

  /** Drops media that ffmpeg could not write (a moment past the last frame...), with a warning. */
  async #checkMedia(drafts: Draft[], mediaDir: string, warningsOut: string[]): Promise<void> {
    const episodesWithoutAudio = new Set<number>();
    for (const d of drafts) {
      if (!d.media.audio && d.timing.audio) episodesWithoutAudio.add(d.episode.id);
      if (!d.timing.audio) {
        warningsOut.push(
          `Expression ${d.row.id} (“${d.row.text}”): with the shift its line falls outside ${d.episode.path}; its Audio field is empty.`,
        );
      }
      for (const kind of ["audio", "screenshot"] as const) {
        const name = d.media[kind];
        if (!name) continue;
        const size = await Deno.stat(join(mediaDir, name)).then((s) => s.size, () => 0);
        if (size > 0) continue;
        d.media[kind] = null;
        await Deno.remove(join(mediaDir, name)).catch(() => {});
        warningsOut.push(
          `Expression ${d.row.id} (“${d.row.text}”): no ${kind} could be cut at ${
            kind === "audio" ? d.timing.audio?.startMs : d.timing.screenshotMs
          } ms of ${d.episode.path}; its ${kind === "audio" ? "Audio" : "Screenshot"} field is empty.`,
        );
      }
    }
    for (const id of episodesWithoutAudio) {
      warningsOut.push(`Episode ${id} has no audio track: its notes have no Audio.`);
    }
  }

  #note(d: Draft, options: ExportOptions): Promise<ExportNote> {
    const details = d.row.details as Details;
    return buildNote({
      identity: d.identity,
      expression: {
        id: d.row.id,
        episodeId: d.row.episode_id,
        text: d.row.text,
        line: d.row.line,
        startMs: d.row.start_ms,
        translations: details.translations ?? [],
        meaning: details.meaning ?? "",
        similar: details.similar ?? [],
        example: details.example ?? "",
        difficulty: d.row.difficulty,
      },
      episode: {
        show: d.episode.show,
        code: d.episode.kind === "episode" && d.episode.season !== null ? episodeCode(d.episode) : null,
        title: d.episode.title,
        year: d.episode.year,
      },
      level: d.level,
      languages: options.languages,
      context: { before: d.timing.before, after: d.timing.after },
      shiftMs: options.shiftMs,
      media: d.media,
      timing: {
        audioStartMs: d.media.audio ? d.timing.audio!.startMs : null,
        audioEndMs: d.media.audio ? d.timing.audio!.endMs : null,
        screenshotMs: d.media.screenshot ? d.timing.screenshotMs : null,
      },
    });
  }

  /**
   * The file name (without extension): the one asked for; `<show>-<code>` for one episode or
   * `<show>-<first>-<last>` for several of one show (stable, so a re-export replaces it); else
   * `lingoreel-<date>-<n>` with the first free n.
   */
  async #fileName(request: ExportRequest, drafts: Draft[], decks: string): Promise<string> {
    if (request.options.fileName) return request.options.fileName;
    const episodes = [...new Map(drafts.map((d) => [d.episode.id, d.episode])).values()]
      .sort((a, b) => a.sort_key.localeCompare(b.sort_key));
    const shows = new Set(episodes.map((e) => e.show));
    if (!request.expressionIds && shows.size === 1) {
      const show = slug(episodes[0].show, 40);
      const codes = episodes.map((e) => slug(episodeCode(e), 16));
      return codes.length === 1 ? `${show}-${codes[0]}` : `${show}-${codes[0]}-${codes.at(-1)}`;
    }
    const day = new Date(this.#clock.now()).toISOString().slice(0, 10);
    const taken = new Set((await readDirIfAny(decks)).map((e) => e.name));
    for (let n = 1;; n++) {
      const name = `lingoreel-${day}-${n}`;
      if (![...taken].some((t) => t.startsWith(`${name}.`))) return name;
    }
  }

  async #tempDir(): Promise<string> {
    const root = join(this.deps.dataDir, "tmp");
    await Deno.mkdir(root, { recursive: true });
    return await Deno.makeTempDir({ dir: root, prefix: "export-" });
  }
}

/**
 * The absolute index of the audio stream to cut: the one in the analysed language (the
 * default among several), else the default one, else the first; null when the video has none.
 */
function chooseAudio(episode: EpisodeRow, language: string): number | null {
  const tracks = (episode.audio_tracks ?? []) as {
    index: number;
    language: string | null;
    default: boolean;
  }[];
  if (!tracks.length) return null;
  const spoken = tracks.filter((t) => normaliseLanguage(t.language) === language);
  const pick = (list: typeof tracks) => list.find((t) => t.default) ?? list[0];
  return (spoken.length ? pick(spoken) : pick(tracks)).index;
}

/** Moves `from` to `to`, replacing what `to` held. */
async function replaceDir(from: string, to: string): Promise<void> {
  const old = `${to}.old-${crypto.randomUUID().slice(0, 8)}`;
  const hadOld = await Deno.rename(to, old).then(() => true, (error) => {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  });
  await Deno.rename(from, to);
  if (hadOld) await Deno.remove(old, { recursive: true }).catch(() => {});
}
