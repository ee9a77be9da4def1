import { assertEquals, assertLess, assertRejects } from "@std/assert";
import { Redis } from "ioredis";
import { compareStreamIds, EventBus, SlowSubscriberError, type StreamedEvent } from "../daemon/events/mod.ts";
import { redisOptions } from "../daemon/redis/mod.ts";
import { memoryLogger, testRedisUrl, uniqueName } from "./helpers/services.ts";

function bus(stream: string, source = "test:1", maxBuffer?: number): EventBus {
  return new EventBus({
    redis: redisOptions({ kind: "url", url: testRedisUrl() }),
    source,
    log: memoryLogger(),
    stream,
    maxBuffer,
  });
}

async function dropStream(stream: string) {
  const redis = new Redis(testRedisUrl());
  await redis.del(stream);
  await redis.quit();
}

/** Collects `count` events from a subscription, failing after `timeoutMs`. */
async function take(
  iterator: AsyncGenerator<StreamedEvent>,
  count: number,
  timeoutMs = 5_000,
): Promise<StreamedEvent[]> {
  const out: StreamedEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`only ${out.length} of ${count} events arrived`)), timeoutMs);
  });
  try {
    while (out.length < count) {
      const next = await Promise.race([iterator.next(), timeout]);
      if (next.done) break;
      out.push(next.value);
    }
    return out;
  } finally {
    clearTimeout(timer);
  }
}

const logEvent = (message: string) => ({ type: "log" as const, data: { level: "info" as const, message } });

Deno.test("compareStreamIds orders by time, then sequence", () => {
  assertEquals(compareStreamIds("5-0", "10-0") < 0, true);
  assertEquals(compareStreamIds("10-2", "10-10") < 0, true);
  assertEquals(compareStreamIds("10-1", "10-1"), 0);
  assertEquals(compareStreamIds("1732147200000-0", "999-5") > 0, true);
});

Deno.test("a subscriber receives live events stamped with time and source, in order", async () => {
  const stream = uniqueName("events");
  await using events = bus(stream, "host:7");
  const controller = new AbortController();
  const iterator = events.subscribe({ signal: controller.signal });
  const first = iterator.next(); // registers the subscriber
  await new Promise((r) => setTimeout(r, 100));
  for (const m of ["one", "two", "three"]) await events.publish(logEvent(m));
  const received = [(await first).value as StreamedEvent, ...await take(iterator, 2)];
  assertEquals(received.map((e) => e.event.type === "log" && e.event.data.message), ["one", "two", "three"]);
  assertEquals(received[0].event.source, "host:7");
  assertEquals(typeof received[0].event.at, "string");
  controller.abort();
  await iterator.return(undefined);
  await dropStream(stream);
});

Deno.test("resuming from a lastEventId delivers what was missed, then live events, without repeats", async () => {
  const stream = uniqueName("events");
  await using events = bus(stream);
  const ids: string[] = [];
  for (const m of ["a", "b", "c", "d"]) ids.push(await events.publish(logEvent(m)));
  const controller = new AbortController();
  const iterator = events.subscribe({ lastEventId: ids[1], signal: controller.signal });
  const missed = await take(iterator, 2);
  assertEquals(missed.map((e) => e.id), [ids[2], ids[3]]);
  const liveId = await events.publish(logEvent("e"));
  const [live] = await take(iterator, 1);
  assertEquals(live.id, liveId);
  controller.abort();
  await iterator.return(undefined);
  await dropStream(stream);
});

Deno.test("a type filter delivers only the asked-for events", async () => {
  const stream = uniqueName("events");
  await using events = bus(stream);
  const start = await events.publish(logEvent("before"));
  const components = {
    db: "ok",
    redis: "ok",
    ffmpeg: "ok",
    storage: "ok",
    llm: "ok",
    youtube: "ok",
  } as const;
  await events.publish({ type: "health", data: { status: "ok", components } });
  await events.publish(logEvent("after"));
  const controller = new AbortController();
  const iterator = events.subscribe({ lastEventId: start, types: ["health"], signal: controller.signal });
  const [only] = await take(iterator, 1);
  assertEquals(only.event.type, "health");
  controller.abort();
  assertEquals((await iterator.next()).done, true, "an aborted subscription ends");
  await dropStream(stream);
});

Deno.test("events published by one daemon reach the subscribers of another on the same stream", async () => {
  const stream = uniqueName("events");
  await using a = bus(stream, "a:1");
  await using b = bus(stream, "b:2");
  const controller = new AbortController();
  const iterator = b.subscribe({ signal: controller.signal });
  const pending = iterator.next();
  await new Promise((r) => setTimeout(r, 100));
  await a.publish(logEvent("from a"));
  const got = (await pending).value as StreamedEvent;
  assertEquals(got.event.source, "a:1");
  controller.abort();
  await iterator.return(undefined);
  await dropStream(stream);
});

Deno.test("a subscriber that stops reading is cut off with a resumable error instead of growing memory", async () => {
  const stream = uniqueName("events");
  await using events = bus(stream, "s:1", 5);
  const controller = new AbortController();
  const iterator = events.subscribe({ signal: controller.signal });
  const first = iterator.next();
  await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < 20; i++) await events.publish(logEvent(`m${i}`));
  await first;
  await new Promise((r) => setTimeout(r, 300)); // the reader fans the rest out meanwhile
  await assertRejects(async () => {
    for (let i = 0; i < 20; i++) await iterator.next();
  }, SlowSubscriberError);
  controller.abort();
  await dropStream(stream);
});

Deno.test("a subscriber that overflows while still catching up is cut off at once, not after its whole backlog", async () => {
  const stream = uniqueName("events");
  await using events = bus(stream, "s:1", 5);
  const first = await events.publish(logEvent("first"));
  await Promise.all(Array.from({ length: 1_000 }, (_, i) => events.publish(logEvent(`backlog ${i}`))));
  const controller = new AbortController();
  const iterator = events.subscribe({ lastEventId: first, signal: controller.signal });
  await iterator.next(); // reading the backlog now
  for (let i = 0; i < 20; i++) await events.publish(logEvent(`live ${i}`));
  await new Promise((r) => setTimeout(r, 300)); // the reader fans them out meanwhile
  let read = 1;
  await assertRejects(async () => {
    while (!(await iterator.next()).done) read++;
  }, SlowSubscriberError);
  assertLess(read, 1_000);
  controller.abort();
  await dropStream(stream);
});

Deno.test("closing the bus ends open subscriptions", async () => {
  const stream = uniqueName("events");
  const events = bus(stream);
  const iterator = events.subscribe({});
  const pending = iterator.next();
  await new Promise((r) => setTimeout(r, 50));
  await events.close();
  assertEquals((await pending).done, true);
  assertEquals(events.subscriberCount, 0);
});
