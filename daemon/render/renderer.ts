/**
 * Rendering expression groups: each output video is planned, compiled and encoded by exactly
 * one ffmpeg run in a bounded pool. Every render works in its own temporary folder under the
 * data directory (removed whatever happens) and writes its video under a temporary name that is
 * renamed only when complete, so a cancelled or failed render leaves nothing behind.
 */
import type { Kysely, Selectable } from "kysely";
import { dirname, join } from "@std/path";
import {
  type Render,
  type RenderKind,
  type RenderOptions,
  type RenderOptionsInput,
  renderOptionsSchema,
  type RenderSidecar,
} from "../../shared/render.ts";
import type { Cue } from "../../shared/schemas.ts";
import type { DB } from "../db/mod.ts";
import type { RendersTable } from "../db/schema.ts";
import { type Prober, toMediaInfo } from "../library/mod.ts";
import type { Logger } from "../log.ts";
import { Semaphore } from "../semaphore.ts";
import { partialName, removeLeftovers } from "../instance/leftovers.ts";
import { renderAss } from "./ass.ts";
import { encoderWorks } from "./capabilities.ts";
import { compilePlan, type EncodeSettings } from "./compile.ts";
import { FfmpegError, type FfmpegRunner } from "./ffmpeg_runner.ts";
import {
  estimateOutputBytes,
  formatBytes,
  freeBytes,
  InsufficientSpaceError,
  isNoSpace,
  spaceAdvice,
} from "./disk_space.ts";
import { buildPlan, describePlan, type PlanExpression, PlanTooLongError, type RenderPlan } from "./plan.ts";
import { buildSidecar, slug } from "./sidecar.ts";

/** A render failed; the message names the group and episode and carries ffmpeg's last words. */
export class RenderError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RenderError";
  }
}

/**
 * ffmpeg was killed from outside (the OOM killer, an operator) in the middle of a render. Nothing
 * was wrong with the render itself, so it is worth running again (unlike a {@link RenderError}).
 */
export class RenderInterruptedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RenderInterruptedError";
  }
}

/** No group with that id, or nothing left in it to render. */
export class GroupNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GroupNotFoundError";
  }
}

/** No rendered video with that id. */
export class RenderNotFoundError extends Error {
  constructor(ids: number[]) {
    super(`No render ${ids.join(", ")}: list them with renders.list.`);
    this.name = "RenderNotFoundError";
  }
}

/** One video to make: its plan and what it is made of. */
export interface PlannedOutput {
  plan: RenderPlan;
  expressions: PlanExpression[];
  path: string;
}

function episodeCode(season: number | null, episode: number | null): string {
  if (season === null || episode === null) return "film";
  return `S${String(season).padStart(2, "0")}E${String(episode).padStart(2, "0")}`;
}

/** A row of `renders` as clients see it. */
export function toRender(row: Selectable<RendersTable>): Render {
  return {
    id: row.id,
    groupId: row.group_id,
    episodeId: row.episode_id,
    expressionIds: row.expression_ids,
    kind: row.kind,
    path: row.path,
    sidecarPath: row.sidecar_path,
    sidecar: row.sidecar as RenderSidecar,
    durationMs: row.duration_ms,
    sizeBytes: Number(row.size_bytes),
    width: row.width,
    height: row.height,
    renderMs: row.render_ms,
    marked: row.marked,
    createdAt: (row.created_at instanceof Date ? row.created_at : new Date(row.created_at)).toISOString(),
  };
}

/** Plans and runs renders. */
export class Renderer {
  readonly #pool: Semaphore;
  readonly #checkedEncoders = new Map<string, Promise<boolean>>();

  constructor(
    private readonly deps: {
      db: Kysely<DB>;
      ffmpeg: FfmpegRunner;
      /** The ffmpeg binary, to probe hardware encoders. */
      ffmpegPath: () => Promise<string>;
      prober: Prober;
      dataDir: string;
      outputDir: string;
      log: Logger;
      cues: (episodeId: number, language: string) => Promise<Cue[]>;
      /** ffmpeg processes at once (default: half the cores, at least one). */
      concurrency?: number;
      /** Free bytes of a directory's file system (tests give a fake; default statfs). */
      freeBytes?: (dir: string) => Promise<number>;
      /** Room a render leaves free in the output directory beyond its estimate (default 64 MiB). */
      reserveBytes?: number;
      onDone?: (render: Render) => void;
    },
  ) {
    this.#pool = new Semaphore(
      deps.concurrency ?? Math.max(1, Math.floor(navigator.hardwareConcurrency / 2)),
    );
  }

  /** The videos a group becomes with these options, planned but not rendered. */
  async plan(groupId: number, input: RenderOptionsInput = {}): Promise<PlannedOutput[]> {
    const options = renderOptionsSchema.parse(input);
    const { db } = this.deps;
    const group = await db.selectFrom("expression_groups").selectAll().where("id", "=", groupId)
      .executeTakeFirst();
    if (!group) {
      throw new GroupNotFoundError(`Group ${groupId} does not exist: list groups through expressions.list.`);
    }
    const rows = await db.selectFrom("expressions").selectAll().where("group_id", "=", groupId)
      .where("status", "in", ["pending", "approved"]).orderBy("start_ms").execute();
    if (!rows.length) {
      throw new GroupNotFoundError(`Group ${groupId} has no expression left to render (all were rejected).`);
    }
    const episode = await db.selectFrom("episodes").selectAll().where("id", "=", group.episode_id)
      .executeTakeFirstOrThrow();
    const run = await db.selectFrom("analysis_runs").select("options").where("id", "=", group.run_id)
      .executeTakeFirst();
    const sourceLanguage = (run?.options as { sourceLanguage?: string } | undefined)?.sourceLanguage ?? "en";
    const expressions: (PlanExpression & { contextStartMs: number; contextEndMs: number })[] = rows.map(
      (r) => {
        const details = r.details as Omit<PlanExpression, "id" | "text" | "line" | "startMs" | "endMs">;
        return {
          id: r.id,
          text: r.text,
          line: r.line,
          startMs: r.start_ms,
          endMs: r.end_ms,
          translations: details.translations,
          meaning: details.meaning,
          similar: details.similar,
          example: details.example,
          keywords: details.keywords,
          contextStartMs: r.context_start_ms,
          contextEndMs: r.context_end_ms,
        };
      },
    );
    const targetLanguage = options.targetLanguage ?? expressions[0].translations[0]?.language;
    const sourceCues = await this.deps.cues(episode.id, sourceLanguage);
    const targetCues = targetLanguage
      ? await this.deps.cues(episode.id, targetLanguage).catch(() => []) // no such track: the translations are used
      : [];
    const audio = (episode.audio_tracks as unknown[]).length > 0;
    if (!episode.duration_ms || !episode.width || !episode.height) {
      throw new RenderError(
        `Episode ${episode.id} (${episode.path}) has no readable video: ${
          episode.probe_error ?? "rescan it"
        }.`,
      );
    }
    const source = {
      path: episode.path,
      fps: episode.fps,
      durationMs: episode.duration_ms,
      width: episode.width,
      height: episode.height,
      hasAudio: audio,
    };
    const sets = group.render_mode === "combined"
      ? [{ expressions, context: { startMs: group.context_start_ms, endMs: group.context_end_ms } }]
      : expressions.map((e) => ({
        expressions: [e],
        context: { startMs: e.contextStartMs, endMs: e.contextEndMs },
      }));
    const code = episodeCode(episode.season, episode.episode);
    const outputs: PlannedOutput[] = [];
    const build = (kind: RenderKind, set: (typeof sets)[number]) =>
      buildPlan({
        kind,
        source,
        context: set.context,
        expressions: set.expressions,
        sourceCues,
        targetCues,
        options,
        show: episode.show,
      });
    for (const set of sets) {
      for (const kind of options.kinds) {
        // a combined group whose expressions do not fit one Short becomes several, each with
        // as many consecutive expressions (and their share of the scene) as fit
        const parts = kind === "short"
          ? splitToFit(set, (part) => build(kind, part))
          : [{ set, plan: build(kind, set) }];
        for (const { set: part, plan } of parts) {
          const first = part.expressions[0];
          const more = part.expressions.length > 1 ? `-and-${part.expressions.length - 1}` : "";
          const name = `${slug(first.text)}-e${first.id}${more}-${kind}.mp4`;
          outputs.push({
            plan,
            expressions: part.expressions,
            path: join(this.deps.outputDir, slug(episode.show), code, name),
          });
        }
      }
    }
    return outputs;
  }

  /** The plans in words, and a PNG (base64) of the first lesson card. */
  async preview(
    groupId: number,
    input: RenderOptionsInput = {},
  ): Promise<{ plans: string[][]; cardPng: string }> {
    const outputs = await this.plan(groupId, input);
    const { plan } = outputs[0];
    const card = plan.segments.find((s) => s.type === "card" && s.role === "lesson")!;
    const tmp = await this.#tempDir();
    try {
      const assPath = join(tmp, "text.ass");
      await Deno.writeTextFile(assPath, renderAss(plan));
      const png = join(tmp, "card.png");
      const at = ((card.startMs + 100) / 1000).toFixed(3);
      await this.deps.ffmpeg.run([
        "-hide_banner",
        "-nostdin",
        "-y",
        "-f",
        "lavfi",
        "-i",
        `color=c=0x14202b:s=${plan.width}x${plan.height}:r=30:d=${(plan.durationMs / 1000).toFixed(3)}`,
        "-vf",
        `ass=${assPath}`,
        "-ss",
        at,
        "-frames:v",
        "1",
        png,
      ]);
      const bytes = await Deno.readFile(png);
      return {
        plans: outputs.map((o) => describePlan(o.plan)),
        cardPng: btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join("")),
      };
    } finally {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  }

  /**
   * Renders every output of a group; `onProgress` gets the overall fraction (by output length)
   * and an ETA. Aborting kills the running ffmpeg and removes its partial files.
   */
  async renderGroup(
    groupId: number,
    input: RenderOptionsInput = {},
    hooks: { signal?: AbortSignal; onProgress?: (fraction: number, etaMs: number | null) => void } = {},
  ): Promise<Render[]> {
    const options = renderOptionsSchema.parse(input);
    const outputs = await this.plan(groupId, options);
    await this.#checkSpace(groupId, outputs);
    const settings = await this.#settings(options);
    const total = outputs.reduce((n, o) => n + o.plan.durationMs, 0);
    const done = new Map<number, number>();
    const started = performance.now();
    const report = () => {
      const encoded = [...done.values()].reduce((a, b) => a + b, 0);
      const fraction = total ? Math.min(1, encoded / total) : 1;
      const elapsed = performance.now() - started;
      hooks.onProgress?.(
        fraction,
        fraction > 0.02 ? Math.round((elapsed / fraction) * (1 - fraction)) : null,
      );
    };
    const renders = await Promise.all(outputs.map(async (output, i) => {
      const release = await this.#pool.acquire(hooks.signal);
      try {
        return await this.#renderOne(groupId, output, settings, hooks.signal, (ms) => {
          done.set(i, Math.min(ms, output.plan.durationMs));
          report();
        });
      } finally {
        release();
      }
    }));
    return renders;
  }

  /**
   * Refuses a render whose videos would not fit the output directory (their estimated size plus
   * the reserve), before any ffmpeg starts: a clear error now instead of a full disk halfway.
   */
  async #checkSpace(groupId: number, outputs: PlannedOutput[]): Promise<void> {
    const { outputDir } = this.deps;
    await Deno.mkdir(outputDir, { recursive: true });
    const free = await (this.deps.freeBytes ?? freeBytes)(outputDir);
    const needed = outputs.reduce((n, o) => n + estimateOutputBytes(o.plan), 0);
    const reserve = this.deps.reserveBytes ?? RESERVE_BYTES;
    if (free >= needed + reserve) return;
    throw new InsufficientSpaceError(
      `Not enough free space to render group ${groupId}: the output directory ${outputDir} has ${
        formatBytes(free)
      } free, and its ${outputs.length} ${outputs.length === 1 ? "video needs" : "videos need"} about ${
        formatBytes(needed)
      } (plus ${formatBytes(reserve)} kept free): ${spaceAdvice("LINGOREEL_OUTPUT_DIR")}.`,
    );
  }

  /** The error of a render that filled the output directory's disk. */
  async #noSpace(groupId: number, kind: RenderKind, path: string, cause: unknown): Promise<Error> {
    const free = await (this.deps.freeBytes ?? freeBytes)(this.deps.outputDir).catch(() => undefined);
    return new InsufficientSpaceError(
      `The output directory ${this.deps.outputDir} ran out of space while rendering group ${groupId} (${kind}, ${path}; ${
        free === undefined ? "" : `${formatBytes(free)} free now; `
      }the partial video was removed): ${spaceAdvice("LINGOREEL_OUTPUT_DIR")}.`,
      { cause },
    );
  }

  async #settings(options: RenderOptions): Promise<EncodeSettings> {
    if (options.encoder === "libx264") {
      return { encoder: "libx264", preset: options.preset, crf: options.crf };
    }
    let works = this.#checkedEncoders.get(options.encoder);
    if (!works) {
      works = this.deps.ffmpegPath().then((ffmpeg) => encoderWorks(ffmpeg, options.encoder));
      this.#checkedEncoders.set(options.encoder, works);
    }
    if (await works) return { encoder: options.encoder, preset: options.preset, crf: options.crf };
    this.deps.log.warn(`${options.encoder} does not work on this machine; rendering with libx264 instead`);
    return { encoder: "libx264", preset: options.preset, crf: options.crf };
  }

  async #tempDir(): Promise<string> {
    const root = join(this.deps.dataDir, "tmp");
    await Deno.mkdir(root, { recursive: true });
    return await Deno.makeTempDir({ dir: root, prefix: "render-" });
  }

  /**
   * Removes what a killed daemon left: render temp dirs in this daemon's data dir (which it
   * alone uses, under its lock), and partial videos in the output dir tagged with this host and
   * a process that no longer runs (other daemons' partials are left alone). Returns the count.
   */
  async removeStale(): Promise<number> {
    const removed = await removeLeftovers({
      tempRoot: join(this.deps.dataDir, "tmp"),
      tempPrefix: "render-",
      outputDir: this.deps.outputDir,
      recursive: true,
    });
    if (removed) this.deps.log.info("removed files a stopped daemon left behind", { removed });
    return removed;
  }

  async #renderOne(
    groupId: number,
    output: PlannedOutput,
    settings: EncodeSettings,
    signal: AbortSignal | undefined,
    onEncoded: (ms: number) => void,
  ): Promise<Render> {
    const { plan } = output;
    const tmp = await this.#tempDir();
    await Deno.mkdir(dirname(output.path), { recursive: true });
    // tagged with this daemon, so that a restart can tell its own leftovers from others' work
    const partial = partialName(output.path);
    const started = performance.now();
    try {
      const assPath = join(tmp, "text.ass");
      await Deno.writeTextFile(assPath, renderAss(plan)).catch((error) => {
        if (!isNoSpace(error)) throw error;
        throw new InsufficientSpaceError(
          `The disk of the data directory ${this.deps.dataDir} is full (writing ${tmp}): ${
            spaceAdvice("LINGOREEL_DATA_DIR")
          }.`,
          { cause: error },
        );
      });
      try {
        await this.deps.ffmpeg.run(compilePlan(plan, { assPath, output: partial }, settings), {
          signal,
          onProgress: (p) => onEncoded(p.outTimeMs),
        });
      } catch (error) {
        if (signal?.aborted) throw error;
        if (isNoSpace(error)) throw await this.#noSpace(groupId, plan.kind, output.path, error);
        if (error instanceof FfmpegError && error.signal) {
          throw new RenderInterruptedError(
            `ffmpeg was killed by ${error.signal} from outside lingoreel while rendering group ${groupId} (${plan.kind}) from ${plan.source.path} (out of memory? an operator?); the render will run again.`,
            { cause: error },
          );
        }
        throw new RenderError(
          `Cannot render group ${groupId} (${plan.kind}) from ${plan.source.path}: ${
            (error as Error).message
          }`,
          { cause: error },
        );
      }
      const info = toMediaInfo(partial, await this.deps.prober.probe(partial, signal));
      await Deno.rename(partial, output.path);
      const renderMs = Math.round(performance.now() - started);
      const episode = await this.deps.db.selectFrom("episodes").innerJoin(
        "expression_groups",
        "expression_groups.episode_id",
        "episodes.id",
      )
        .select(["episodes.id", "episodes.show", "episodes.season", "episodes.episode"])
        .where("expression_groups.id", "=", groupId).executeTakeFirstOrThrow();
      const run = await this.deps.db.selectFrom("analysis_runs").innerJoin(
        "expression_groups",
        "expression_groups.run_id",
        "analysis_runs.id",
      )
        .select("analysis_runs.options").where("expression_groups.id", "=", groupId).executeTakeFirst();
      const clip = plan.segments[0].type === "clip" ? plan.segments[0] : undefined;
      const sidecar = buildSidecar({
        kind: plan.kind,
        durationMs: info.durationMs ?? plan.durationMs,
        expressions: output.expressions,
        episode: { show: episode.show, code: episodeCode(episode.season, episode.episode) },
        sourceLanguage: (run?.options as { sourceLanguage?: string } | undefined)?.sourceLanguage ?? "en",
        scene: { startMs: clip?.fromMs ?? 0, endMs: clip?.toMs ?? 0 },
      });
      const sidecarPath = output.path.replace(/\.mp4$/, ".json");
      try {
        await Deno.writeTextFile(`${sidecarPath}.part`, JSON.stringify(sidecar, null, 2) + "\n");
        await Deno.rename(`${sidecarPath}.part`, sidecarPath);
      } catch (error) {
        // a video without its sidecar cannot be published: neither is kept
        await Deno.remove(`${sidecarPath}.part`).catch(() => {});
        await Deno.remove(output.path).catch(() => {});
        if (isNoSpace(error)) throw await this.#noSpace(groupId, plan.kind, output.path, error);
        throw error;
      }
      const values = {
        group_id: groupId,
        episode_id: episode.id,
        expression_ids: output.expressions.map((e) => e.id),
        kind: plan.kind as RenderKind,
        path: output.path,
        sidecar_path: sidecarPath,
        sidecar: JSON.stringify(sidecar),
        duration_ms: info.durationMs ?? plan.durationMs,
        size_bytes: (await Deno.stat(output.path)).size,
        width: info.width ?? plan.width,
        height: info.height ?? plan.height,
        render_ms: renderMs,
      };
      const row = await this.deps.db.insertInto("renders").values(values)
        .onConflict((oc) => oc.column("path").doUpdateSet({ ...values, created_at: new Date() }))
        .returningAll().executeTakeFirstOrThrow();
      const render = toRender(row);
      this.deps.log.info("rendered", {
        path: output.path,
        kind: plan.kind,
        durationMs: render.durationMs,
        renderMs,
      });
      this.deps.onDone?.(render);
      return render;
    } finally {
      await Deno.remove(partial).catch(() => {});
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  }
}

/** Room kept free in the output directory beyond a render's estimated size. */
const RESERVE_BYTES = 64 * 1024 ** 2;

type ExpressionSet<E extends { contextStartMs: number; contextEndMs: number }> = {
  expressions: E[];
  context: { startMs: number; endMs: number };
};

/**
 * Plans a set as one video, or — when it is too long (a Short) — as several, each taking as many
 * consecutive expressions as fit, with the part of the scene they need. A single expression that
 * does not fit is refused (its {@link PlanTooLongError}).
 */
export function splitToFit<E extends { contextStartMs: number; contextEndMs: number }>(
  set: ExpressionSet<E>,
  build: (set: ExpressionSet<E>) => RenderPlan,
): { set: ExpressionSet<E>; plan: RenderPlan }[] {
  try {
    return [{ set, plan: build(set) }];
  } catch (error) {
    if (!(error instanceof PlanTooLongError) || set.expressions.length < 2) throw error;
  }
  const parts: { set: ExpressionSet<E>; plan: RenderPlan }[] = [];
  let start = 0;
  while (start < set.expressions.length) {
    let best: { set: ExpressionSet<E>; plan: RenderPlan } | undefined;
    for (let end = start + 1; end <= set.expressions.length; end++) {
      const expressions = set.expressions.slice(start, end);
      const part = {
        expressions,
        context: {
          startMs: Math.max(set.context.startMs, Math.min(...expressions.map((e) => e.contextStartMs))),
          endMs: Math.min(set.context.endMs, Math.max(...expressions.map((e) => e.contextEndMs))),
        },
      };
      try {
        best = { set: part, plan: build(part) };
      } catch (error) {
        if (!(error instanceof PlanTooLongError) || end === start + 1) throw error;
        break;
      }
    }
    parts.push(best!);
    start += best!.set.expressions.length;
  }
  return parts;
}
