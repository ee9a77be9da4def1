/**
 * Load drivers shared by `bench:load` and tests/load_test.ts: many WebSocket subscribers of
 * `events.subscribe`, calls offered at a fixed rate (open loop), percentiles and a process's
 * memory from /proc.
 */
import { connect, type LingoreelClient } from "../../shared/client.ts";
import type { AppEvent, AppEventType } from "../../shared/schemas.ts";

/** Nearest-rank percentile; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** A process's resident memory now and its peak so far, in bytes, from /proc/<pid>/status. */
export async function processMemory(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat. */
export async function processCpuMs(pid: number | "self"): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  // the fields after the command name, which is in parentheses and may hold spaces
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticksPerSecond = 100; // USER_HZ, 100 on every Linux we run on
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** One subscriber: its own connection and what it received, in order. */
export interface HeldSubscriber {
  readonly client: LingoreelClient;
  /** Tracked ids of the events received, in arrival order. */
  readonly ids: string[];
  /** The subscription's error, if it ended with one. */
  error?: unknown;
}

/** Subscribers held open; dispose to unsubscribe and close their connections. */
export interface SubscriberPool extends AsyncDisposable {
  readonly subscribers: readonly HeldSubscriber[];
  /** Resolves once every subscriber has received `count` events (or rejects after `timeoutMs`). */
  waitForEach(count: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens `count` connections (each with `connect()`) and subscribes each to `events.subscribe`,
 * after `lastEventId` when given (so that none misses an event published while the others are
 * still subscribing). `onEvent` sees every event as it arrives.
 */
export async function holdSubscribers(options: {
  url: string;
  token: string;
  count: number;
  lastEventId?: string;
  types?: AppEventType[];
  onEvent?: (event: AppEvent, id: string, subscriber: HeldSubscriber) => void;
}): Promise<SubscriberPool> {
  const subscribers: HeldSubscriber[] = [];
  const stops: (() => void)[] = [];
  const close = async () => {
    for (const stop of stops.splice(0)) stop();
    await Promise.all(subscribers.map((s) => s.client.close()));
  };
  try {
    // a few at a time: 200 simultaneous handshakes only measure the accept queue
    for (let i = 0; i < options.count; i += 20) {
      const batch = await Promise.all(
        Array.from(
          { length: Math.min(20, options.count - i) },
          () => connect({ url: options.url, token: options.token, timeoutMs: 30_000 }),
        ),
      );
      for (const client of batch) {
        const subscriber: HeldSubscriber = { client, ids: [] };
        subscribers.push(subscriber);
        const subscription = client.events.subscribe.subscribe(
          { lastEventId: options.lastEventId, types: options.types },
          {
            onData: ({ id, data }) => {
              subscriber.ids.push(id);
              options.onEvent?.(data, id, subscriber);
            },
            onError: (error) => (subscriber.error = error),
          },
        );
        stops.push(() => subscription.unsubscribe());
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    subscribers,
    async waitForEach(count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (true) {
        const failed = subscribers.find((s) => s.error);
        if (failed) throw failed.error;
        const behind = subscribers.filter((s) => s.ids.length < count);
        if (!behind.length) return;
        if (Date.now() > deadline) {
          throw new Error(
            `${behind.length} of ${subscribers.length} subscribers still wait for events after ${timeoutMs} ms (the slowest has ${
              Math.min(...behind.map((s) => s.ids.length))
            } of ${count})`,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** What {@link offerCalls} measured. */
export interface OfferedLoad {
  offered: number;
  succeeded: number;
  errors: { index: number; error: unknown }[];
  /** Per successful call, from its issue to its answer, in ms. */
  latencies: number[];
  /** From the first issue to the last answer, in ms. */
  wallMs: number;
  /** How far behind its scheduled time the issuing loop fell at worst, in ms. */
  maxIssueLagMs: number;
}

/**
 * Issues `rate × seconds` calls at `rate` per second, open loop: each call is issued at its
 * scheduled time whether or not earlier ones have been answered, so a slow server shows up as
 * latency, not as a lower offered rate. `call` gets the call's index; it rejects to count an error.
 */
export async function offerCalls(options: {
  rate: number;
  seconds: number;
  call: (index: number) => Promise<void>;
}): Promise<OfferedLoad> {
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  const errors: OfferedLoad["errors"] = [];
  const pending: Promise<void>[] = [];
  let maxIssueLagMs = 0;
  const started = performance.now();
  let issued = 0;
  while (issued < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - started) / 1000) * options.rate) + 1);
    if (due > issued) maxIssueLagMs = Math.max(maxIssueLagMs, now - started - (issued / options.rate) * 1000);
    for (; issued < due; issued++) {
      const index = issued;
      const at = performance.now();
      pending.push(
        options.call(index).then(
          () => void latencies.push(performance.now() - at),
          (error) => void errors.push({ index, error }),
        ),
      );
    }
    // timers are ~1 ms at best; each wake issues every call that fell due meanwhile
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  return {
    offered: total,
    succeeded: latencies.length,
    errors,
    latencies,
    wallMs: performance.now() - started,
    maxIssueLagMs,
  };
}
