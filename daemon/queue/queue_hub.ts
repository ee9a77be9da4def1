import { type ConnectionOptions, type Job, Queue, Worker } from "bullmq";
import type { RedisOptions } from "ioredis";
import type { Role } from "../config.ts";
import type { Logger } from "../log.ts";

/** Counts of a queue's jobs by state. */
export interface QueueCounts {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
  prioritized: number;
}

/** Times a job may lose its worker (a daemon killed or frozen) before BullMQ fails it. */
export const MAX_STALLED = 3;

/** BullMQ's reason for a job failed after losing its worker more than {@link MAX_STALLED} times. */
export const STALLED_REASON = "job stalled more than allowable limit";

/**
 * Owns every BullMQ queue and worker of this daemon. Stages register their processor here;
 * workers only start on daemons whose role does queue work (`all`, `worker`). BullMQ receives
 * connection options, never a shared client, so closing the hub closes every connection.
 */
export class QueueHub implements AsyncDisposable {
  readonly #queues = new Map<string, Queue>();
  readonly #workers = new Map<string, Worker>();
  readonly #connection: ConnectionOptions & RedisOptions;
  readonly #prefix: string;
  readonly #role: Role;
  readonly #log: Logger;

  readonly #lockMs: number;

  constructor(
    options: { connection: RedisOptions; role: Role; log: Logger; prefix?: string; lockMs?: number },
  ) {
    this.#connection = options.connection as ConnectionOptions & RedisOptions;
    this.#prefix = options.prefix ?? "lingoreel";
    this.#lockMs = options.lockMs ?? 30_000;
    this.#role = options.role;
    this.#log = options.log.child({ component: "queue" });
  }

  /** Whether this daemon runs workers. */
  get runsWorkers(): boolean {
    return this.#role !== "api";
  }

  /** The queue of a stage (created on first use). */
  queue<Data = unknown, Result = unknown>(name: string): Queue<Data, Result> {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.#connection, prefix: this.#prefix });
      queue.on("error", (error) => this.#log.warn("queue connection error", { queue: name, error }));
      this.#queues.set(name, queue);
    }
    return queue as unknown as Queue<Data, Result>;
  }

  /**
   * Starts the worker of a stage, unless this daemon is API-only (then returns undefined).
   * A stage has one worker per daemon; `concurrency` jobs run at once in it.
   */
  registerWorker<Data, Result>(
    name: string,
    processor: (job: Job<Data, Result>, token?: string, signal?: AbortSignal) => Promise<Result>,
    options: { concurrency?: number } = {},
  ): Worker<Data, Result> | undefined {
    if (!this.runsWorkers) return undefined;
    if (this.#workers.has(name)) throw new Error(`A worker for queue ${name} is already registered`);
    const worker = new Worker<Data, Result>(name, processor, {
      connection: { ...this.#connection, maxRetriesPerRequest: null },
      prefix: this.#prefix,
      concurrency: options.concurrency ?? 1,
      // a job whose daemon died is taken up again once its lock has expired
      lockDuration: this.#lockMs,
      stalledInterval: this.#lockMs,
      // a daemon killed mid-job is survivable; one that dies on the same job again and again
      // (out of memory on it?) has it failed, with STALLED_REASON, after this many times
      maxStalledCount: MAX_STALLED,
    });
    worker.on("error", (error) => this.#log.warn("worker error", { queue: name, error }));
    this.#workers.set(name, worker as unknown as Worker);
    this.#log.info("worker started", { queue: name, concurrency: options.concurrency ?? 1 });
    return worker;
  }

  /** Job counts of every queue known to this daemon. */
  async counts(): Promise<QueueCounts[]> {
    return await Promise.all(
      [...this.#queues.entries()].map(async ([name, queue]) => {
        const c = await queue.getJobCounts(
          "waiting",
          "active",
          "delayed",
          "completed",
          "failed",
          "prioritized",
        );
        return {
          name,
          waiting: c.waiting ?? 0,
          active: c.active ?? 0,
          delayed: c.delayed ?? 0,
          completed: c.completed ?? 0,
          failed: c.failed ?? 0,
          prioritized: c.prioritized ?? 0,
        };
      }),
    );
  }

  /**
   * Closes the workers: active jobs may finish within `graceMs`; after that they are aborted
   * with `reason` (their processors put them back to waiting).
   */
  async closeWorkers(graceMs = 5_000, reason = "shutdown"): Promise<void> {
    const workers = [...this.#workers.values()];
    const closed = Promise.all(workers.map((worker) => worker.close()));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const inTime = await Promise.race([
      closed.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (!inTime) {
      this.#log.warn("active jobs did not finish in time; returning them to waiting", { graceMs });
      for (const worker of workers) worker.cancelAllJobs(reason);
      await closed;
    }
    this.#workers.clear();
  }

  /** Closes the queues' connections. */
  async closeQueues(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((queue) => queue.close()));
    this.#queues.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.closeWorkers();
    await this.closeQueues();
  }
}
