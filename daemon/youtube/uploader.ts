/**
 * The upload stage: one BullMQ job per scheduled video on the `upload` queue, due when its quota
 * day begins (or at its slot, for videos published at once). It checks everything YouTube would
 * refuse before spending quota, then uploads with the resumable protocol — the session URI and
 * the confirmed offset are kept in PostgreSQL, so a crash or a 5xx resumes from the last
 * confirmed byte — and charges every call to the ledger.
 */
import { DelayedError, type Job as BullJob, UnrecoverableError } from "bullmq";
import type { Kysely } from "kysely";
import type { RenderSidecar } from "../../shared/render.ts";
import { type Clock, nextPacificMidnight, pacificDayStart } from "../clock.ts";
import type { DB } from "../db/schema.ts";
import type { Logger } from "../log.ts";
import type { Prober } from "../library/mod.ts";
import { toMediaInfo } from "../library/mod.ts";
import type { QueueHub } from "../queue/mod.ts";
import { tagsLength } from "../render/sidecar.ts";
import type { Scheduler } from "../schedule/mod.ts";
import type { SettingsStore } from "../settings/mod.ts";
import { type VideoMetadata, YouTubeApiError, type YouTubeClient } from "./client.ts";
import { YouTubeAuthError } from "./oauth.ts";

/** A check before spending quota failed: the upload would be refused. */
export class PreflightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PreflightError";
  }
}

interface UploadData {
  scheduleId: number;
}

const QUEUE = "upload";

export class Uploader {
  readonly #log: Logger;
  #lastProgress = new Map<number, number>();

  constructor(
    private readonly deps: {
      db: Kysely<DB>;
      queues: QueueHub;
      scheduler: Scheduler;
      youtube: YouTubeClient;
      settings: SettingsStore;
      prober: Prober;
      clock: Clock;
      log: Logger;
      /** ffmpeg, for a thumbnail frame of a lesson. */
      ffmpeg: () => Promise<string>;
      /** Why uploads cannot run now (YouTube not configured or not authorised), if so. */
      blocked?: () => Promise<string | undefined>;
      /** First wait before retrying a failed transfer (doubling; default 30 s). */
      retryDelayMs?: number;
      /** A schedule's upload moved on (progress, state). */
      onProgress?: (scheduleId: number) => void;
    },
  ) {
    this.#log = deps.log.child({ component: "upload" });
  }

  /** Starts the upload worker (none on an API-only daemon). */
  start(): void {
    this.deps.queues.registerWorker<UploadData, unknown>(
      QUEUE,
      (job, token, signal) => this.#process(job, token, signal),
      { concurrency: 1 },
    );
  }

  /**
   * Queues (or re-times) the uploads of these schedules: due when their quota day begins, or at
   * their slot when published at once; removed when no longer scheduled.
   */
  async sync(scheduleIds: number[]): Promise<void> {
    const queue = this.deps.queues.queue<UploadData>(QUEUE);
    for (const id of scheduleIds) {
      const row = await this.deps.db.selectFrom("schedules").selectAll().where("id", "=", id)
        .executeTakeFirst();
      const jobId = `schedule-${id}`;
      const existing = await queue.getJob(jobId);
      if (existing && (await existing.isActive())) continue; // the running upload takes it from here
      await existing?.remove().catch(() => {});
      if (!row || (row.state !== "scheduled" && row.state !== "uploading")) continue;
      const due = row.privacy === "scheduled"
        ? pacificDayStart(Date.parse(`${row.quota_day}T12:00:00Z`))
        : new Date(row.slot_at).getTime();
      await queue.add("upload", { scheduleId: id }, {
        jobId,
        delay: Math.max(0, due - this.deps.clock.now()),
        attempts: 6,
        backoff: { type: "exponential", delay: this.deps.retryDelayMs ?? 30_000 },
        removeOnComplete: { age: 30 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      });
    }
  }

  /** Waits until `at`: the job goes back to the delayed set (a waiting upload is not a failure). */
  async #wait(job: BullJob<UploadData>, token: string | undefined, at: number, why: string): Promise<never> {
    this.#log.info(`upload waits: ${why}`, {
      scheduleId: job.data.scheduleId,
      until: new Date(at).toISOString(),
    });
    // BullMQ counts in real time; the clock may be a test's
    await job.moveToDelayed(Date.now() + Math.max(0, at - this.deps.clock.now()), token);
    throw new DelayedError();
  }

  async #process(
    job: BullJob<UploadData>,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const { scheduler, db } = this.deps;
    const id = job.data.scheduleId;
    const row = await scheduler.row(id).catch(() => undefined);
    if (!row || (row.state !== "scheduled" && row.state !== "uploading")) return { skipped: true };
    const now = this.deps.clock.now();

    // not configured or not authorised: nothing is checked or spent; the upload waits
    const blocked = await this.deps.blocked?.();
    if (blocked) return await this.#wait(job, token, now + 15 * 60_000, blocked);
    const cooldown = await scheduler.cooldownUntil();
    if (cooldown) {
      return await this.#wait(job, token, cooldown, "the channel's 24-hour upload limit was reached");
    }
    if (row.privacy === "scheduled" && (await scheduler.exhausted(row.project, row.quota_day))) {
      const next = await scheduler.quotaExhausted(id, "videos.insert");
      if (!next) {
        return await this.#fail(
          id,
          "the quota is spent on every day before its slot: move it to a later slot",
        );
      }
      return await this.#wait(job, token, nextPacificMidnight(now), `quota spent; waiting for ${next}`);
    }

    const render = await db.selectFrom("renders").selectAll().where("id", "=", row.render_id)
      .executeTakeFirstOrThrow();
    const sidecar = render.sidecar as RenderSidecar;
    const upload = await this.deps.settings.get("youtube.upload");
    let metadata: VideoMetadata;
    try {
      metadata = await this.#preflight(row, render, sidecar, upload.categoryId, signal);
    } catch (error) {
      if (!(error instanceof PreflightError)) throw error;
      return await this.#fail(id, error.message);
    }

    await db.updateTable("schedules").set({ state: "uploading", updated_at: new Date() }).where("id", "=", id)
      .execute();
    this.deps.onProgress?.(id);
    try {
      let videoId = row.video_id;
      if (!videoId) {
        videoId = await this.#upload(
          row,
          render.path,
          Number(render.size_bytes),
          metadata,
          upload.chunkBytes,
          signal,
        );
      }
      await this.#extras(id, videoId, render, upload, signal);
      await db.updateTable("schedules").set({ state: "uploaded", error: null, updated_at: new Date() })
        .where("id", "=", id).execute();
      this.#log.info("uploaded", { scheduleId: id, videoId, slotAt: new Date(row.slot_at).toISOString() });
      this.deps.onProgress?.(id);
      return { videoId };
    } catch (error) {
      if (error instanceof YouTubeApiError && error.quotaExceeded) {
        const next = await scheduler.quotaExhausted(id, "videos.insert");
        if (!next) {
          return await this.#fail(
            id,
            `YouTube quota spent (${error.message}) on every day before its slot: move it to a later slot`,
          );
        }
        return await this.#wait(
          job,
          token,
          nextPacificMidnight(this.deps.clock.now()),
          `quotaExceeded; waiting for ${next}`,
        );
      }
      if (error instanceof YouTubeApiError && error.uploadLimitExceeded) {
        const until = await scheduler.cooldown(error.message);
        await db.updateTable("schedules").set({
          state: "scheduled",
          error: "the channel's upload limit was reached: waiting 24 hours",
        })
          .where("id", "=", id).execute();
        return await this.#wait(job, token, until, "uploadLimitExceeded");
      }
      if (error instanceof YouTubeAuthError) {
        await db.updateTable("schedules").set({ state: "scheduled", error: error.message }).where(
          "id",
          "=",
          id,
        ).execute();
        this.deps.onProgress?.(id);
        return await this.#wait(job, token, this.deps.clock.now() + 15 * 60_000, error.message);
      }
      if ((error instanceof YouTubeApiError && error.transient) || signal?.aborted) {
        await db.updateTable("schedules").set({ error: (error as Error).message }).where("id", "=", id)
          .execute();
        throw error; // retried with backoff; the session and its offset are kept
      }
      return await this.#fail(id, (error as Error).message);
    }
  }

  async #fail(id: number, reason: string): Promise<never> {
    await this.deps.scheduler.fail(id, reason);
    this.#log.warn("upload failed", { scheduleId: id, reason });
    this.deps.onProgress?.(id);
    throw new UnrecoverableError(reason);
  }

  /** The session (new or resumed) and the bytes from the last confirmed offset; returns the video id. */
  async #upload(
    row: { id: number; session_uri: string | null },
    path: string,
    size: number,
    metadata: VideoMetadata,
    chunkBytes: number,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const { db, youtube } = this.deps;
    let session = row.session_uri;
    let offset = 0;
    if (session) {
      const known = await youtube.queryOffset(session, size, signal).catch((error) => {
        // an expired or unknown session starts over
        if (error instanceof YouTubeApiError && (error.status === 404 || error.status === 410)) {
          return undefined;
        }
        throw error;
      });
      if (known && "video" in known) return await this.#uploaded(row.id, known.video.id);
      if (known) offset = known.offset;
      else session = null;
      if (known) this.#log.info("resuming upload", { scheduleId: row.id, offset, size });
    }
    if (!session) {
      session = await youtube.startUpload(metadata, size, signal);
      await this.deps.scheduler.charge(row.id, "videos.insert");
      await db.updateTable("schedules").set({ session_uri: session, uploaded_bytes: 0 }).where(
        "id",
        "=",
        row.id,
      ).execute();
    }
    using file = await Deno.open(path, { read: true });
    const video = await youtube.sendFrom(session, file, size, offset, chunkBytes, {
      signal,
      onOffset: async (confirmed) => {
        await db.updateTable("schedules").set({ uploaded_bytes: confirmed, updated_at: new Date() }).where(
          "id",
          "=",
          row.id,
        )
          .execute();
        const last = this.#lastProgress.get(row.id) ?? 0;
        if (performance.now() - last > 250) {
          this.#lastProgress.set(row.id, performance.now());
          this.deps.onProgress?.(row.id);
        }
      },
    });
    return await this.#uploaded(row.id, video.id, size);
  }

  async #uploaded(id: number, videoId: string, size?: number): Promise<string> {
    await this.deps.db.updateTable("schedules").set({
      video_id: videoId,
      ...(size !== undefined ? { uploaded_bytes: size } : {}),
      updated_at: new Date(),
    }).where("id", "=", id).execute();
    return videoId;
  }

  /** Thumbnail (lessons only: Shorts take theirs from the video) and playlist, each charged. */
  async #extras(
    id: number,
    videoId: string,
    render: { path: string; kind: string; duration_ms: number },
    upload: { thumbnail: boolean; playlistId?: string },
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (upload.thumbnail && render.kind === "long") {
      const image = await this.#frame(render.path, render.duration_ms / 3);
      await this.deps.youtube.setThumbnail(videoId, image, "image/jpeg", signal);
      await this.deps.scheduler.charge(id, "thumbnails.set");
    }
    if (upload.playlistId) {
      await this.deps.youtube.addToPlaylist(upload.playlistId, videoId, signal);
      await this.deps.scheduler.charge(id, "playlistItems.insert");
    }
  }

  async #frame(path: string, atMs: number): Promise<Uint8Array<ArrayBuffer>> {
    const out = await new Deno.Command(await this.deps.ffmpeg(), {
      args: [
        "-v",
        "error",
        "-ss",
        (atMs / 1000).toFixed(2),
        "-i",
        path,
        "-frames:v",
        "1",
        "-vf",
        "scale=1280:-2",
        "-q:v",
        "3",
        "-f",
        "mjpeg",
        "-",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success || !out.stdout.length) {
      // past the end of a shorter file than recorded: its first frame will do
      if (atMs > 0) return await this.#frame(path, 0);
      throw new Error(
        `cannot take a thumbnail frame of ${path}: ${
          new TextDecoder().decode(out.stderr).trim() || "no frame"
        }`,
      );
    }
    return new Uint8Array(out.stdout);
  }

  /**
   * What YouTube would refuse, checked before any quota is spent: the file exists and is a
   * video, title ≤ 100, tags ≤ 500, publishAt in the future with privacy private, a Short is
   * vertical and ≤ 60 s, made-for-kids is set.
   */
  async #preflight(
    row: { slot_at: Date; privacy: string; kind: string },
    render: { path: string },
    sidecar: RenderSidecar,
    categoryId: string,
    signal: AbortSignal | undefined,
  ): Promise<VideoMetadata> {
    const info = await this.deps.prober.probe(render.path, signal).then((json) =>
      toMediaInfo(render.path, json)
    ).catch(
      (error) => {
        throw new PreflightError(
          `${render.path} cannot be uploaded: ${(error as Error).message}. Render it again.`,
        );
      },
    );
    const [language, title] = Object.entries(sidecar.titles)[0] ?? [];
    if (!title) throw new PreflightError(`${render.path} has no title in its sidecar: render it again.`);
    if (title.length > 100) {
      throw new PreflightError(
        `The title of ${render.path} is ${title.length} characters (YouTube allows 100).`,
      );
    }
    if (tagsLength(sidecar.tags) > 500) {
      throw new PreflightError(
        `The tags of ${render.path} take ${tagsLength(sidecar.tags)} characters (YouTube allows 500).`,
      );
    }
    if (typeof sidecar.madeForKids !== "boolean") {
      throw new PreflightError(`${render.path}: made-for-kids is not set in its sidecar.`);
    }
    if (row.kind === "short") {
      if ((info.width ?? 0) >= (info.height ?? 0)) {
        throw new PreflightError(
          `${render.path} is a Short but not vertical (${info.width}x${info.height}).`,
        );
      }
      if ((info.durationMs ?? 0) > 60_500) {
        throw new PreflightError(
          `${render.path} is a Short of ${Math.round((info.durationMs ?? 0) / 1000)} s (at most 60 s).`,
        );
      }
    }
    const slotAt = new Date(row.slot_at).getTime();
    const scheduled = row.privacy === "scheduled";
    if (scheduled && slotAt <= this.deps.clock.now()) {
      throw new PreflightError(
        `Its slot (${new Date(slotAt).toISOString()}) has passed: move it to a future slot.`,
      );
    }
    return {
      snippet: {
        title,
        description: sidecar.description,
        tags: sidecar.tags,
        categoryId,
        defaultLanguage: language,
        defaultAudioLanguage: sidecar.language,
      },
      status: scheduled
        ? {
          privacyStatus: "private",
          publishAt: new Date(slotAt).toISOString(),
          selfDeclaredMadeForKids: sidecar.madeForKids,
        }
        : { privacyStatus: row.privacy, selfDeclaredMadeForKids: sidecar.madeForKids },
    };
  }
}
