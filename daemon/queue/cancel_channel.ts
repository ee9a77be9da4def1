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
  readonly #listeners = new Set<(id: string) => void>();
  readonly #ready: Promise<unknown>;

  constructor(options: { connection: RedisOptions; prefix: string; log: Logger }) {
    this.#channel = `${options.prefix}:cancel`;
    this.#publisher = new Redis({ ...options.connection, connectionName: "lingoreel-cancel-pub" });
    this.#subscriber = new Redis({ ...options.connection, connectionName: "lingoreel-cancel-sub" });
    for (const client of [this.#publisher, this.#subscriber]) {
      client.on("error", (error) => options.log.warn("cancel channel connection error", { error }));
    }
    this.#subscriber.on("message", (_channel: string, message: string) => {
      for (const listener of this.#listeners) listener(message);
    });
    this.#ready = this.#subscriber.subscribe(this.#channel)
      .catch((error) => options.log.warn("cannot subscribe to the cancel channel", { error }));
  }

  /** Calls `listener` with the id of everything cancelled anywhere (a job's id, an export's). */
  onCancel(listener: (id: string) => void): void {
    this.#listeners.add(listener);
  }

  /** Tells every daemon (this one included) to abort the work with this id if it runs it. */
  async cancel(id: number | string): Promise<void> {
    await this.#ready;
    await this.#publisher.publish(this.#channel, String(id));
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.#subscriber, this.#publisher].map((c) => c.quit().catch(() => c.disconnect())),
    );
  }
}
