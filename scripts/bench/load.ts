/**
 * Load figures against a real daemon process (role `all`, on PostgreSQL and Redis):
 *
 * - events: `--subscribers` WebSocket connections (default 200), each subscribed to
 *   `events.subscribe`; this script publishes `log` events on the daemon's Redis stream (as a
 *   worker daemon would) at `--rate` per second for `--seconds`, then a burst of `--burst` as fast
 *   as Redis takes them. Reported: subscribers held, events delivered per second (summed over
 *   subscribers: from the first publication to the last receipt), delivery latency (receipt − the
 *   event's `at`, its publication), and events lost or out of order (each subscriber's ids are
 *   compared with the stream's);
 * - `library.list`: `--calls-per-second` (default 1,000) calls for `--seconds`, offered open loop
 *   over `--connections` WebSocket connections (the subscribers stay connected, idle), on a
 *   library of `--episodes` episodes (one page); each answer is compared with the expected page.
 *   Reported: calls/s achieved, p50/p99 latency (issue → answer), errors; then `health.check`;
 * - the daemon's memory from /proc/<pid>/status: VmRSS before the subscribers connect, the
 *   highest VmRSS sampled during each phase, and VmHWM at the end.
 *
 * The subscribers and callers run in this process, on the same machine as the daemon.
 * Needs TEST_DATABASE_URL and TEST_REDIS_URL, as scripts/test sets them (a schema and a Redis
 * prefix of its own, removed afterwards).
 *
 *   deno task bench:load [--json] [--subscribers 200] [--seconds 10] [--rate 100] [--burst 2000]
 *                        [--calls-per-second 1000] [--connections 8] [--episodes 20] [--only events|list]
 */
// deno-lint-ignore-file no-console -- a command-line entry point
import { delay } from "@std/async/delay";
import { join } from "@std/path";
import { Redis } from "ioredis";
import { EventBus } from "../../daemon/events/mod.ts";
import { createLogger } from "../../daemon/log.ts";
import { redisOptions } from "../../daemon/redis/mod.ts";
import { connect, type LingoreelClient } from "../../shared/client.ts";
import { type DaemonProcess, startDaemonProcess } from "../../tests/helpers/daemon_process.ts";
import { SRT, writeText, writeVideo } from "../../tests/helpers/media.ts";
import { createTestSchema, dropRedisPrefix, uniqueName } from "../../tests/helpers/services.ts";
import { holdSubscribers, offerCalls, percentile, processCpuMs, processMemory } from "./_load.ts";

const args = Deno.args;
const json = args.includes("--json");
const option = (name: string, fallback: number) => {
  if (!args.includes(name)) return fallback;
  const value = Number(args[args.indexOf(name) + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} expects a positive integer`);
  return value;
};
const SUBSCRIBERS = option("--subscribers", 200);
const SECONDS = option("--seconds", 10);
const RATE = option("--rate", 100);
const BURST = option("--burst", 2_000);
const CALLS_PER_SECOND = option("--calls-per-second", 1_000);
const CONNECTIONS = option("--connections", 8);
const EPISODES = option("--episodes", 20);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
if (only && only !== "events" && only !== "list") throw new Error("--only expects events or list");

const databaseUrl = Deno.env.get("TEST_DATABASE_URL");
const redisUrl = Deno.env.get("TEST_REDIS_URL");
if (!databaseUrl || !redisUrl) {
  console.error(
    "bench:load needs TEST_DATABASE_URL (a PostgreSQL database it may create schemas in) and " +
      "TEST_REDIS_URL (a Redis), as scripts/test sets them.",
  );
  Deno.exit(2);
}

const MB = 1024 * 1024;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const mb = (bytes: number) => round(bytes / MB);
const stats = (values: number[]) => ({
  p50: round(percentile(values, 50)),
  p90: round(percentile(values, 90)),
  p99: round(percentile(values, 99)),
  max: round(values.reduce((a, b) => Math.max(a, b), -Infinity)),
});

/**
 * Watches a phase: the daemon's VmRSS sampled every 100 ms (the highest is kept) and the CPU
 * time the daemon and this process (the clients) used, as a share of one core.
 */
async function watchPhase(pid: number, url: string) {
  let running = true;
  let highest = 0;
  const started = performance.now();
  const cpu = [await processCpuMs(pid), await processCpuMs("self")];
  const loop = (async () => {
    while (running) {
      highest = Math.max(highest, (await processMemory(pid)).rss);
      await delay(100);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const wall = performance.now() - started;
      const [daemonCpu, benchCpu] = [await processCpuMs(pid), await processCpuMs("self")];
      return {
        peakRssMb: mb(highest),
        heapUsedAfterMb: mb(await heapUsed(url)),
        daemonCpuPercent: Math.round((100 * (daemonCpu - cpu[0])) / wall),
        clientsCpuPercent: Math.round((100 * (benchCpu - cpu[1])) / wall),
      };
    },
  };
}

/** The daemon's JavaScript heap in use, from its /metrics. */
async function heapUsed(url: string): Promise<number> {
  const text = await (await fetch(`${url.replace("ws://", "http://")}/metrics`)).text();
  return Number(/^lingoreel_heap_used_bytes (\S+)$/m.exec(text)?.[1] ?? NaN);
}

/** Subscribers, a timed stream of events and a burst; every subscriber's ids checked against the stream's. */
async function eventsPhase(daemon: DaemonProcess, stream: string) {
  const log = createLogger({ level: "warn", write: (line) => console.error(line) });
  await using publisher = new EventBus({
    redis: redisOptions({ kind: "url", url: redisUrl! }),
    source: "bench:load",
    log,
    stream,
  });
  // every subscriber starts after this id, so none misses an event published while others connect
  const marker = await publisher.publish({ type: "log", data: { level: "info", message: "load: start" } });
  const latencies: number[] = [];
  const received = new Map<object, number>(); // bench events per subscriber
  let lastReceipt = 0;
  if (!json) console.error(`connecting ${SUBSCRIBERS} subscribers …`);
  const connectStarted = performance.now();
  await using pool = await holdSubscribers({
    url: daemon.info.url,
    token: daemon.token,
    count: SUBSCRIBERS,
    lastEventId: marker,
    types: ["log"],
    onEvent: (event, _id, subscriber) => {
      if (event.source !== "bench:load") return;
      const now = Date.now();
      latencies.push(now - Date.parse(event.at));
      received.set(subscriber, (received.get(subscriber) ?? 0) + 1);
      lastReceipt = now;
    },
  });
  // each has its subscription running once it has an event published after it connected
  await publisher.publish({ type: "log", data: { level: "info", message: "load: subscribed" } });
  await pool.waitForEach(1, 30_000);
  const connectMs = performance.now() - connectStarted;
  const ready = received.size;
  latencies.length = 0;
  received.clear();

  const run = async (label: string, publish: () => Promise<{ first: number; count: number }>) => {
    if (!json) console.error(`${label} …`);
    const before = latencies.length;
    const phase = await watchPhase(daemon.child.pid, daemon.info.url);
    const { first, count } = await publish();
    const deadline = Date.now() + 120_000;
    while (latencies.length - before < count * SUBSCRIBERS && Date.now() < deadline) await delay(20);
    const watched = await phase.stop();
    const delivered = latencies.length - before;
    const mine = latencies.slice(before);
    return {
      published: count,
      delivered,
      expected: count * SUBSCRIBERS,
      perSecond: Math.round(delivered / ((lastReceipt - first) / 1000)),
      latencyMs: stats(mine),
      ...watched,
    };
  };

  const steady = await run(`publishing ${RATE} events/s for ${SECONDS} s`, async () => {
    const first = Date.now();
    const load = await offerCalls({
      rate: RATE,
      seconds: SECONDS,
      call: async (i) =>
        void await publisher.publish({ type: "log", data: { level: "info", message: `load ${i}` } }),
    });
    if (load.errors.length) throw load.errors[0].error;
    return { first, count: load.offered };
  });
  const burst = await run(`publishing a burst of ${BURST} events`, async () => {
    const first = Date.now();
    const writes: Promise<string>[] = [];
    for (let i = 0; i < BURST; i++) {
      writes.push(publisher.publish({ type: "log", data: { level: "info", message: `burst ${i}` } }));
    }
    await Promise.all(writes);
    return { first, count: BURST };
  });

  // every subscriber's ids against the stream's log entries after the marker
  const redis = new Redis(redisOptions({ kind: "url", url: redisUrl! }));
  const streamIds: string[] = [];
  try {
    let cursor = `(${marker}`;
    while (true) {
      const entries = await redis.xrange(stream, cursor, "+", "COUNT", 5_000);
      for (const [id, fields] of entries) {
        if ((JSON.parse(fields[fields.indexOf("e") + 1]) as { type: string }).type === "log") {
          streamIds.push(id);
        }
      }
      if (entries.length < 5_000) break;
      cursor = `(${entries.at(-1)![0]}`;
    }
  } finally {
    redis.disconnect();
  }
  const expectedIds = streamIds.join(",");
  const incomplete = pool.subscribers.filter((s) => s.ids.join(",") !== expectedIds);
  const failed = pool.subscribers.filter((s) => s.error);
  return {
    subscribers: pool.subscribers.length,
    subscribedWithin: { ms: Math.round(connectMs), ready },
    steady: { offeredPerSecond: RATE, seconds: SECONDS, ...steady },
    burst,
    streamEvents: streamIds.length,
    subscribersMissingOrMisordered: incomplete.length,
    subscriptionErrors: failed.map((s) => String(s.error)).slice(0, 5),
  };
}

/** `library.list` at a fixed offered rate over several connections. */
async function listPhase(daemon: DaemonProcess, clients: LingoreelClient[]) {
  const expected = await clients[0].library.list.query({});
  if (expected.items.length !== EPISODES) {
    throw new Error(`the library lists ${expected.items.length} episodes, ${EPISODES} were written`);
  }
  const expectedIds = expected.items.map((e) => e.id).join(",");
  if (!json) console.error(`library.list at ${CALLS_PER_SECOND}/s for ${SECONDS} s …`);
  const phase = await watchPhase(daemon.child.pid, daemon.info.url);
  const load = await offerCalls({
    rate: CALLS_PER_SECOND,
    seconds: SECONDS,
    call: async (i) => {
      const page = await clients[i % clients.length].library.list.query({});
      const ids = page.items.map((e) => e.id).join(",");
      if (ids !== expectedIds || page.nextCursor !== null) throw new Error(`wrong page: ${ids}`);
    },
  });
  const watched = await phase.stop();
  const health = await clients[0].health.check.query();
  const byMessage = new Map<string, number>();
  for (const { error } of load.errors) {
    const message = String((error as Error).message ?? error).slice(0, 120);
    byMessage.set(message, (byMessage.get(message) ?? 0) + 1);
  }
  return {
    offeredPerSecond: CALLS_PER_SECOND,
    seconds: SECONDS,
    connections: clients.length,
    episodes: EPISODES,
    offered: load.offered,
    succeeded: load.succeeded,
    errors: load.errors.length,
    errorMessages: Object.fromEntries(byMessage),
    achievedPerSecond: Math.round(load.succeeded / (load.wallMs / 1000)),
    latencyMs: stats(load.latencies),
    issueLagMaxMs: round(load.maxIssueLagMs),
    ...watched,
    healthAfter: health.status,
  };
}

const work = await Deno.makeTempDir({ prefix: "lingoreel-bench-load-" });
const cleanups: (() => PromiseLike<unknown>)[] = [() => Deno.remove(work, { recursive: true })];
const cleanUp = async () => {
  for (const step of cleanups.splice(0).reverse()) {
    try {
      await step();
    } catch (error) {
      console.error(`cleanup: ${error}`);
    }
  }
};
Deno.addSignalListener("SIGINT", async () => {
  await cleanUp();
  Deno.exit(130);
});

let daemon: DaemonProcess | undefined;
try {
  const media = join(work, "media");
  for (let i = 1; i <= EPISODES; i++) {
    const name = `Load Show - S01E${String(i).padStart(2, "0")}`;
    await writeVideo(join(media, "Load Show", "Season 01", `${name}.mp4`));
    await writeText(join(media, "Load Show", "Season 01", `${name}.en.srt`), SRT);
  }
  const schema = await createTestSchema();
  cleanups.push(() => schema[Symbol.asyncDispose]());
  const prefix = uniqueName("lrbench");
  cleanups.push(() => dropRedisPrefix(prefix, redisUrl!));
  daemon = await startDaemonProcess({
    env: {
      DATABASE_URL: schema.url,
      REDIS_URL: redisUrl!,
      LINGOREEL_REDIS_PREFIX: prefix,
      LINGOREEL_MEDIA_ROOTS: media,
      LINGOREEL_OUTPUT_DIR: join(work, "output"),
      LINGOREEL_TOKEN: crypto.randomUUID(),
    },
  });
  cleanups.push(() => daemon![Symbol.asyncDispose]());
  const clients: LingoreelClient[] = [];
  cleanups.push(() => Promise.all(clients.map((c) => c.close())));
  for (let i = 0; i < CONNECTIONS; i++) {
    clients.push(await connect({ url: daemon.info.url, token: daemon.token }));
  }
  await clients[0].library.scan.mutate({});
  await delay(1_000); // the scan's events and logs settle
  const before = await processMemory(daemon.child.pid);
  const heapBefore = await heapUsed(daemon.info.url);

  const events = only === "list" ? undefined : await eventsPhase(daemon, `${prefix}:events`);
  const list = only === "events" ? undefined : await listPhase(daemon, clients);
  const end = await processMemory(daemon.child.pid);
  const result = {
    cores: navigator.hardwareConcurrency,
    daemonRssMb: { before: mb(before.rss), end: mb(end.rss), peak: mb(end.peak) },
    daemonHeapUsedBeforeMb: mb(heapBefore),
    events,
    list,
  };

  const problems: string[] = [];
  if (events) {
    if (events.subscribersMissingOrMisordered) {
      problems.push(
        `${events.subscribersMissingOrMisordered} subscribers missed events or got them out of order`,
      );
    }
    if (events.subscriptionErrors.length) {
      problems.push(`subscriptions failed: ${events.subscriptionErrors[0]}`);
    }
  }
  if (list) {
    if (list.errors) {
      problems.push(`${list.errors} library.list calls failed: ${Object.keys(list.errorMessages)[0]}`);
    }
    if (list.healthAfter === "down") problems.push("health.check says down after the load");
  }

  if (json) {
    console.log(JSON.stringify({ ...result, problems }, null, 2));
  } else {
    console.log(`load figures (${result.cores} cores; daemon in its own process, clients in this one)`);
    console.log(
      `  daemon RSS              ${result.daemonRssMb.before} MB before load, peak ${result.daemonRssMb.peak} MB (VmHWM), ${result.daemonRssMb.end} MB at the end; heap in use before ${result.daemonHeapUsedBeforeMb} MB`,
    );
    if (events) {
      const e = events;
      console.log(
        `  subscribers held        ${e.subscribers} (each its own WebSocket; all subscribed in ${e.subscribedWithin.ms} ms)`,
      );
      for (const [label, p] of [["steady", e.steady], ["burst", e.burst]] as const) {
        const what = label === "steady"
          ? `${e.steady.offeredPerSecond} events/s for ${e.steady.seconds} s`
          : `${p.published} events at once`;
        console.log(
          `  ${label.padEnd(7)} ${
            what.padEnd(20)
          } ${p.delivered} of ${p.expected} delivered, ${p.perSecond} events/s delivered; latency p50 ${p.latencyMs.p50} ms, p99 ${p.latencyMs.p99} ms, max ${p.latencyMs.max} ms; daemon RSS peak ${p.peakRssMb} MB, heap after ${p.heapUsedAfterMb} MB, CPU ${p.daemonCpuPercent}% (clients ${p.clientsCpuPercent}%)`,
        );
      }
      console.log(
        `  lost or out of order    ${e.subscribersMissingOrMisordered} subscribers (ids compared with the stream's ${e.streamEvents} log events)`,
      );
    }
    if (list) {
      console.log(
        `  library.list            offered ${list.offeredPerSecond}/s for ${list.seconds} s over ${list.connections} connections (${list.episodes} episodes a page): ${list.achievedPerSecond} calls/s achieved, p50 ${list.latencyMs.p50} ms, p99 ${list.latencyMs.p99} ms, max ${list.latencyMs.max} ms; ${list.errors} errors of ${list.offered}; daemon RSS peak ${list.peakRssMb} MB, heap after ${list.heapUsedAfterMb} MB, CPU ${list.daemonCpuPercent}% (clients ${list.clientsCpuPercent}%); health afterwards ${list.healthAfter}`,
      );
    }
    for (const problem of problems) console.log(`  PROBLEM: ${problem}`);
  }
  if (problems.length) Deno.exitCode = 1;
} catch (error) {
  if (daemon) console.error(daemon.log().trimEnd().split("\n").slice(-15).join("\n"));
  throw error;
} finally {
  await cleanUp();
}
