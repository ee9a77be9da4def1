/**
 * Exports asked for by hand (`export.anki`) run as jobs on the `exports` queue: whichever daemon
 * has a worker cuts the media and writes the deck, reports progress as `export.progress` events,
 * and stops when the caller cancels or goes away. The caller waits for the result.
 */
import { type ConnectionOptions, type Job as BullJob, QueueEvents, UnrecoverableError } from "bullmq";
import type { RedisOptions } from "ioredis";
import type { ExportRequestInput, ExportResult } from "../../shared/export.ts";
import type { NewEvent } from "../events/mod.ts";
import type { Logger } from "../log.ts";
import type { CancelChannel } from "./cancel_channel.ts";
import type { QueueHub } from "./queue_hub.ts";

const QUEUE = "exports";
/** How long a cancel is remembered for an export not queued or taken yet. */
const CANCEL_MEMORY_MS = 10 * 60_000;

interface ExportData {
  request: ExportRequestInput;
}

/** An export that failed on a worker, keeping the original error's name for the API's error codes. */
class RemoteExportError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class ExportJobs {
  readonly #running = new Map<string, AbortController>();
  readonly #lastProgress = new Map<string, number>();
  /** Exports cancelled lately (by id, when), whichever daemon was asked. */
  readonly #cancelled = new Map<string, number>();
  /** Callers waiting for an export, by id: a cancel ends their wait at once. */
  readonly #waiters = new Map<string, (error: Error) => void>();
  #events?: QueueEvents;

  constructor(
    private readonly deps: {
      queues: QueueHub;
      connection: RedisOptions;
      prefix: string;
      cancels: CancelChannel;
      export: (
        request: ExportRequestInput,
        hooks: { signal?: AbortSignal; onProgress?: (fraction: number) => void },
      ) => Promise<ExportResult>;
      publish: (event: NewEvent) => Promise<unknown>;
      log: Logger;
    },
  ) {
    deps.cancels.onCancel((id) => {
      // a cancel may come before the export is queued or taken: remembered for a while
      const now = Date.now();
      for (const [old, at] of this.#cancelled) if (now - at > CANCEL_MEMORY_MS) this.#cancelled.delete(old);
      this.#cancelled.set(id, now);
      this.#running.get(id)?.abort(new Error("cancelled"));
      this.#waiters.get(id)?.(new RemoteExportError("ExportCancelledError", `export ${id} was cancelled`));
    });
  }

  /** Starts this daemon's export worker (none on an API-only daemon). */
  start(): void {
    this.deps.queues.registerWorker<ExportData, ExportResult>(
      QUEUE,
      (job, _token, signal) => this.#process(job, signal),
      { concurrency: 1 },
    );
  }

  /**
   * Queues an export and waits for it; aborting `signal` (the caller hung up or cancelled)
   * cancels it wherever it runs.
   */
  async run(request: ExportRequestInput, options: { signal?: AbortSignal; id?: string } = {}): Promise<
    ExportResult
  > {
    this.#events ??= new QueueEvents(QUEUE, {
      connection: this.deps.connection as ConnectionOptions,
      prefix: this.deps.prefix,
    });
    await this.#events.waitUntilReady();
    const id = options.id ?? `export-${crypto.randomUUID()}`;
    const job = await this.deps.queues.queue<ExportData, ExportResult>(QUEUE).add("export", { request }, {
      jobId: id,
      attempts: 1,
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    const onAbort = () => void this.cancel(id);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const cancelled = new Promise<never>((_, reject) => this.#waiters.set(id, reject));
    if (this.#cancelled.has(id)) await this.cancel(id); // cancelled while it was being queued
    try {
      return await Promise.race([job.waitUntilFinished(this.#events), cancelled]);
    } catch (error) {
      const text = (error as Error).message;
      if (error instanceof RemoteExportError) throw error;
      const named = /^(\w+Error): ([\s\S]*)$/.exec(text);
      throw named ? new RemoteExportError(named[1], named[2]) : error;
    } finally {
      this.#waiters.delete(id);
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Stops an export wherever it runs (its ffmpeg is killed, its partial files removed). */
  async cancel(id: string): Promise<void> {
    const job = await this.deps.queues.queue(QUEUE).getJob(id);
    if (job && !(await job.isActive())) await job.remove().catch(() => {});
    await this.deps.cancels.cancel(id);
  }

  async #process(
    job: BullJob<ExportData, ExportResult>,
    signal: AbortSignal | undefined,
  ): Promise<ExportResult> {
    const id = job.id!;
    const controller = new AbortController();
    if (this.#cancelled.has(id)) controller.abort(new Error("cancelled"));
    this.#running.set(id, controller);
    const stop = signal ? AbortSignal.any([controller.signal, signal]) : controller.signal;
    try {
      const result = await this.deps.export(job.data.request, {
        signal: stop,
        onProgress: (fraction) => this.#progress(id, fraction),
      });
      this.#progress(id, 1, true);
      this.deps.log.info("exported", { exportId: id, path: result.path, notes: result.notes });
      return result;
    } catch (error) {
      const e = error as Error;
      // the caller gets the error's name back (and with it the API's error code)
      throw new UnrecoverableError(
        controller.signal.aborted
          ? "ExportCancelledError: the export was cancelled"
          : `${e.name}: ${e.message}`,
      );
    } finally {
      this.#running.delete(id);
      this.#lastProgress.delete(id);
    }
  }

  #progress(id: string, fraction: number, last = false): void {
    const now = performance.now();
    if (!last && now - (this.#lastProgress.get(id) ?? 0) < 250) return;
    this.#lastProgress.set(id, now);
    this.deps.publish({
      type: "export.progress",
      data: { exportId: id, percent: Math.round(fraction * 1000) / 10 },
    })
      .catch(() => {});
  }

  async close(): Promise<void> {
    await this.#events?.close();
  }
}
