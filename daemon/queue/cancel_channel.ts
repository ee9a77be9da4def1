import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "../log.ts";

/**
 * Cancels reach every daemon on the same Redis through one pub/sub channel: the daemon running
 * the job aborts it (killing its ffmpeg, dropping its LLM calls), whichever daemon was asked.
 */
export class CancelChannel {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #listeners = new Set<(jobId: number) => void>();
  readonly #ready: Promise<unknown>;

  constructor(options: { connection: RedisOptions; prefix: string; log: Logger }) {
    this.#channel = `${options.prefix}:cancel`;
    this.#publisher = new Redis({ ...options.connection, connectionName: "lingoreel-cancel-pub" });
    this.#subscriber = new Redis({ ...options.connection, connectionName: "lingoreel-cancel-sub" });
    for (const client of [this.#publisher, this.#subscriber]) {
      client.on("error", (error) => options.log.warn("cancel channel connection error", { error }));
    }
    this.#subscriber.on("message", (_channel: string, message: string) => {
      const jobId = Number(message);
      if (Number.isInteger(jobId)) { for (const listener of this.#listeners) listener(jobId); }
    });
    this.#ready = this.#subscriber.subscribe(this.#channel)
      .catch((error) => options.log.warn("cannot subscribe to the cancel channel", { error }));
  }

  /** Calls `listener` with the id of every job cancelled anywhere. */
  onCancel(listener: (jobId: number) => void): void {
    this.#listeners.add(listener);
  }

  /** Tells every daemon (this one included) to abort the job if it runs it. */
  async cancel(jobId: number): Promise<void> {
    await this.#ready;
    await this.#publisher.publish(this.#channel, String(jobId));
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.#subscriber, this.#publisher].map((c) => c.quit().catch(() => c.disconnect())),
    );
  }
}
