import { Redis, type RedisOptions } from "ioredis";
import { type AppEvent, appEventSchema, type AppEventType } from "../../shared/schemas.ts";
import type { Logger, LogRecord } from "../log.ts";

/** An event with its stream id (the id clients resume from). */
export interface StreamedEvent {
  id: string;
  event: AppEvent;
}

/** What a publisher supplies; the bus stamps `at` and `source`. */
export type NewEvent = AppEvent extends infer E ? E extends AppEvent ? Omit<E, "at" | "source"> : never
  : never;

/** A subscriber fell too far behind; it should resubscribe from its last event id. */
export class SlowSubscriberError extends Error {
  constructor(readonly lastEventId: string | undefined) {
    super("This event subscriber fell too far behind; resubscribe from the last event id to resume.");
    this.name = "SlowSubscriberError";
  }
}

/** Compares Redis stream ids (`ms-seq`). */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split("-").map(BigInt);
  const [bm, bs] = b.split("-").map(BigInt);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}

interface Subscriber {
  types?: ReadonlySet<AppEventType>;
  buffer: StreamedEvent[];
  overflowed: boolean;
  onOverflow?: () => void;
  wake?: () => void;
}

function parseEntry(id: string, fields: string[], log: Logger): StreamedEvent | undefined {
  const json = fields[fields.indexOf("e") + 1];
  try {
    const parsed = appEventSchema.safeParse(JSON.parse(json ?? "null"));
    if (parsed.success) return { id, event: parsed.data };
    log.warn("skipped an event that does not match the schema", { id, issues: parsed.error.issues });
  } catch (error) {
    log.warn("skipped an event that is not JSON", { id, error });
  }
  return undefined;
}

/**
 * Events on a Redis stream shared by every daemon on the same Redis. One blocking reader per
 * daemon fans events out to its subscribers; a subscriber that gives a `lastEventId` first gets
 * what it missed from the stream, then live events, without gaps or repeats.
 */
export class EventBus implements AsyncDisposable {
  #lagMs = 0;
  readonly stream: string;
  readonly #writer: Redis;
  readonly #options: RedisOptions;
  readonly #subscribers = new Set<Subscriber>();
  readonly #maxLen: number;
  readonly #maxBuffer: number;
  readonly #source: string;
  readonly #log: Logger;
  #reader?: Redis;
  #readerLoop?: Promise<void>;
  /** Resolves once the reader knows where in the stream it starts; see subscribe(). */
  #readerPositioned = Promise.withResolvers<void>();
  #closed = false;

  constructor(
    options: {
      redis: RedisOptions;
      source: string;
      log: Logger;
      stream?: string;
      maxLen?: number;
      maxBuffer?: number;
    },
  ) {
    this.stream = options.stream ?? "lingoreel:events";
    this.#options = options.redis;
    this.#maxLen = options.maxLen ?? 50_000;
    this.#maxBuffer = options.maxBuffer ?? 10_000;
    this.#source = options.source;
    this.#log = options.log.child({ component: "events" });
    this.#writer = new Redis({
      ...options.redis,
      maxRetriesPerRequest: 2,
      connectionName: "lingoreel-events",
    });
    this.#writer.on("error", () => {}); // reported by the publish that fails and by health checks
  }

  /** Number of live subscribers in this process. */
  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** How long after publication the last event was read from the stream, in ms. */
  get deliveryLagMs(): number {
    return this.#lagMs;
  }

  /** Appends an event to the stream; resolves to its id. */
  async publish(event: NewEvent): Promise<string> {
    const full = { ...event, at: new Date().toISOString(), source: this.#source } as AppEvent;
    const id = await this.#writer.xadd(
      this.stream,
      "MAXLEN",
      "~",
      this.#maxLen,
      "*",
      "e",
      JSON.stringify(full),
    );
    if (id === null) throw new Error(`Redis refused to append to ${this.stream}`);
    return id;
  }

  /** A log sink that publishes info, warning and error lines as `log` events. */
  logSink(): (record: LogRecord) => void {
    return (record) => {
      if (record.level === "debug" || record.fields.component === "events" || this.#closed) return;
      const { component: _c, ...fields } = record.fields;
      this.publish({
        type: "log",
        data: { level: record.level, message: record.message, fields },
      }).catch(() => {/* Redis is down: the line is on stderr already */});
    };
  }

  /**
   * Live events (and, with `lastEventId`, those after it first) until `signal` aborts. Throws
   * {@link SlowSubscriberError} if the consumer lets more than `maxBuffer` events pile up; the
   * moment that happens `onOverflow` is called, so that a consumer waiting for something else
   * (its client to read) learns it without pulling.
   */
  async *subscribe(
    options: {
      lastEventId?: string | null;
      types?: readonly AppEventType[];
      signal?: AbortSignal;
      onOverflow?: () => void;
    } = {},
  ): AsyncGenerator<StreamedEvent> {
    const sub: Subscriber = {
      types: options.types ? new Set(options.types) : undefined,
      buffer: [],
      overflowed: false,
      onOverflow: options.onOverflow,
    };
    const signal = options.signal;
    const onAbort = () => sub.wake?.();
    signal?.addEventListener("abort", onAbort);
    this.#subscribers.add(sub);
    this.#ensureReader();
    let last = options.lastEventId ?? undefined;
    try {
      // Everything after the reader's starting point reaches `sub.buffer`; the backlog must be
      // read after that point is fixed, or events published in between would fall in the gap.
      const aborted = new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve()));
      await Promise.race([this.#readerPositioned.promise, aborted]);
      if (last) {
        for await (const entry of this.#backlog(last)) {
          if (signal?.aborted) return;
          // live events are being dropped meanwhile: the rest of the backlog would be wasted
          if (sub.overflowed) throw new SlowSubscriberError(last);
          last = entry.id;
          if (!sub.types || sub.types.has(entry.event.type)) yield entry;
        }
      }
      // Live events up to the backlog's end were sent from it already; once one is past it, the
      // rest are too (the reader delivers in stream order), so only the first few are compared.
      let overlap = last !== undefined;
      while (!signal?.aborted && !this.#closed) {
        if (sub.overflowed) throw new SlowSubscriberError(last);
        const next = sub.buffer.shift();
        if (next) {
          if (overlap) {
            if (compareStreamIds(next.id, last!) <= 0) continue;
            overlap = false;
          }
          last = next.id;
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => (sub.wake = resolve));
        sub.wake = undefined;
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.#subscribers.delete(sub);
    }
  }

  async *#backlog(after: string): AsyncGenerator<StreamedEvent> {
    let cursor = after;
    while (true) {
      const entries = await this.#writer.xrange(this.stream, `(${cursor}`, "+", "COUNT", 500);
      for (const [id, fields] of entries) {
        cursor = id;
        const parsed = parseEntry(id, fields, this.#log);
        if (parsed) yield parsed;
      }
      if (entries.length < 500) return;
    }
  }

  #ensureReader(): void {
    if (this.#readerLoop || this.#closed) return;
    this.#reader = new Redis({
      ...this.#options,
      maxRetriesPerRequest: null,
      connectionName: "lingoreel-events-reader",
    });
    this.#reader.on("error", () => {}); // the loop below reports and retries
    this.#readerLoop = this.#readLoop(this.#reader);
  }

  async #readLoop(reader: Redis): Promise<void> {
    let cursor: string | undefined;
    let failing = false;
    while (!this.#closed) {
      try {
        if (cursor === undefined) {
          const newest = await reader.xrevrange(this.stream, "+", "-", "COUNT", 1);
          cursor = newest[0]?.[0] ?? "0-0";
          this.#readerPositioned.resolve();
        }
        const reply = await reader.xread("COUNT", 1000, "BLOCK", 2_000, "STREAMS", this.stream, cursor);
        if (failing) this.#log.info("event stream reader recovered");
        failing = false;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            cursor = id;
            const parsed = parseEntry(id, fields, this.#log);
            if (parsed) {
              // how long after its publication this daemon read the event (the stream id is its time)
              this.#lagMs = Math.max(0, Date.now() - Number(id.split("-")[0]));
              this.#fanOut(parsed);
            }
          }
        }
      } catch (error) {
        if (this.#closed) return;
        if (!failing) this.#log.warn("event stream reader failed; retrying", { error });
        failing = true;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  #fanOut(entry: StreamedEvent): void {
    for (const sub of this.#subscribers) {
      if (sub.types && !sub.types.has(entry.event.type)) continue;
      if (sub.buffer.length >= this.#maxBuffer) {
        if (!sub.overflowed) {
          sub.overflowed = true;
          sub.onOverflow?.();
        }
      } else {
        sub.buffer.push(entry);
      }
      sub.wake?.();
    }
  }

  /** Ends every subscription and closes the Redis connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#readerPositioned.resolve();
    for (const sub of this.#subscribers) sub.wake?.();
    this.#reader?.disconnect();
    await this.#readerLoop;
    await this.#writer.quit().catch(() => this.#writer.disconnect());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
