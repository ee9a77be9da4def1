import { assert, assertEquals, assertLess } from "@std/assert";
import { join } from "@std/path";
import { Redis } from "ioredis";
import { connect } from "../shared/client.ts";
import type { AppEvent } from "../shared/schemas.ts";
import { CLOSE_FELL_BEHIND } from "../daemon/rpc/events_router.ts";
import { holdSubscribers, offerCalls } from "../scripts/bench/_load.ts";
import { showDaemon, waitFor } from "./helpers/pipeline_fixture.ts";
import { SRT, writeText, writeVideo } from "./helpers/media.ts";
import { testRedisUrl } from "./helpers/services.ts";
import { startTestDaemon, type TestDaemon } from "./helpers/test_daemon.ts";

const FAST = { render: { preset: "ultrafast" as const, kinds: ["short" as const] } };

/** The stream's entries after `after` up to `until` (inclusive), in order. */
async function streamEntries(
  t: TestDaemon,
  after: string,
  until = "+",
): Promise<{ id: string; event: AppEvent }[]> {
  const redis = new Redis(testRedisUrl());
  try {
    const out: { id: string; event: AppEvent }[] = [];
    let cursor = `(${after}`;
    while (true) {
      const entries = await redis.xrange(t.daemon.services.events.stream, cursor, until, "COUNT", 5_000);
      for (const [id, fields] of entries) {
        out.push({ id, event: JSON.parse(fields[fields.indexOf("e") + 1]) });
      }
      if (entries.length < 5_000) return out;
      cursor = `(${entries.at(-1)![0]}`;
    }
  } finally {
    redis.disconnect();
  }
}

const logEvent = (message: string) => ({ type: "log" as const, data: { level: "info" as const, message } });

Deno.test("200 WebSocket subscribers each receive every event of a batch, in stream order, none lost", async () => {
  await using s = await showDaemon(1);
  const { t, api, episodes } = s;
  const events = t.daemon.services.events;
  const heapBefore = Deno.memoryUsage().heapUsed;
  // every subscriber resumes after this id, so none misses what is published while others connect
  const start = await events.publish(logEvent("load test: start"));
  await using pool = await holdSubscribers({
    url: t.daemon.url,
    token: t.token,
    count: 200,
    lastEventId: start,
  });
  await waitFor("200 live subscriptions", () => Promise.resolve(events.subscriberCount >= 200 || undefined));

  const { batchId } = await api.batches.create({ episodeIds: episodes.map((e) => e.id), options: FAST });
  // more events than a one-episode batch makes, published while it runs
  await Promise.all(Array.from({ length: 300 }, (_, i) => events.publish(logEvent(`load test: ${i}`))));
  await waitFor(
    "the batch to finish",
    async () => (await api.batches.get({ id: batchId })).finishedAt ?? undefined,
  );
  const end = await events.publish(logEvent("load test: end"));
  await waitFor(
    "every subscriber to receive the last event",
    () => Promise.resolve(pool.subscribers.every((sub) => sub.ids.includes(end)) || undefined),
    60_000,
  );

  const stream = await streamEntries(t, start, end);
  const expected = stream.map((e) => e.id);
  assert(
    stream.some((e) => e.event.type === "batch.state" && e.event.data.batchId === batchId),
    "the batch's events are among those compared",
  );
  assert(stream.some((e) => e.event.type === "job.progress"), "with its progress");
  assert(expected.length > 300, `${expected.length} events`);
  for (const [i, sub] of pool.subscribers.entries()) {
    assertEquals(sub.error, undefined, `subscriber ${i} failed`);
    assertEquals(sub.ids.slice(0, sub.ids.indexOf(end) + 1), expected, `subscriber ${i}'s events`);
  }
  await pool.close();
  await waitFor("the subscriptions to end", () => Promise.resolve(events.subscriberCount === 0 || undefined));
  // this process holds the daemon and the clients' 200 × ~400 ids; far less than unbounded buffering would
  assertLess(Deno.memoryUsage().heapUsed - heapBefore, 256 * 1024 * 1024);
});

Deno.test("library.list at 1,000 calls a second for 10 s over 8 connections: every call answered right, and health.check after", async () => {
  const root = await Deno.makeTempDir({ prefix: "lingoreel-load-" });
  try {
    for (let i = 1; i <= 20; i++) {
      const name = `Load Show - S01E${String(i).padStart(2, "0")}`;
      await writeVideo(join(root, "Load Show", "Season 01", `${name}.mp4`));
      await writeText(join(root, "Load Show", "Season 01", `${name}.en.srt`), SRT);
    }
    await using t = await startTestDaemon({ LINGOREEL_MEDIA_ROOTS: root });
    await t.caller().library.scan();
    const expected = await t.caller().library.list({});
    assertEquals(expected.items.length, 20);
    const clients = await Promise.all(
      Array.from({ length: 8 }, () => connect({ url: t.daemon.url, token: t.token })),
    );
    try {
      const load = await offerCalls({
        rate: 1_000,
        seconds: 10,
        call: async (i) => {
          const page = await clients[i % clients.length].library.list.query({});
          assertEquals(page, expected);
        },
      });
      assertEquals(load.errors.slice(0, 3), []);
      assertEquals(load.offered, 10_000);
      assertEquals(load.succeeded, 10_000);
      const health = await clients[0].health.check.query();
      assert(health.status !== "down", JSON.stringify(health.components));
      assertEquals(health.components.db.status, "ok");
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/**
 * A subscriber on a bare TCP connection that speaks just enough WebSocket. Unlike a WebSocket
 * library it reads nothing until asked to, so the kernel's buffers fill, then the daemon's.
 */
class RawSubscriber {
  readonly ids: string[] = [];
  /** Bytes of event messages received. */
  bytes = 0;
  closed?: { code: number; reason: string };
  #buffer = new Uint8Array(0);
  #pinger?: ReturnType<typeof setInterval>;
  private constructor(readonly conn: Deno.TcpConn) {}

  /** Connects, authenticates and subscribes after `lastEventId`; resolves once the daemon started it. */
  static async open(t: TestDaemon, lastEventId: string): Promise<RawSubscriber> {
    const url = new URL(t.daemon.url);
    const sub = new RawSubscriber(await Deno.connect({ hostname: url.hostname, port: Number(url.port) }));
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    await sub.#write(
      new TextEncoder().encode(
        `GET /?connectionParams=1 HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    let head = "";
    while (!head.includes("\r\n\r\n")) {
      await sub.#fill();
      head = new TextDecoder().decode(sub.#buffer);
    }
    assert(head.startsWith("HTTP/1.1 101"), head);
    sub.#buffer = sub.#buffer.slice(
      new TextEncoder().encode(head.slice(0, head.indexOf("\r\n\r\n") + 4)).length,
    );
    await sub.#send(JSON.stringify({ method: "connectionParams", data: { token: t.token } }));
    await sub.#send(JSON.stringify({
      id: 1,
      method: "subscription",
      params: { path: "events.subscribe", input: { lastEventId } },
    }));
    // a client that reads slowly still talks: its pings keep the daemon's keep-alive from ending it
    sub.#pinger = setInterval(() => sub.#send("PING").catch(() => {}), 2_000);
    let started = false;
    await sub.read((message) => (started ||= message.result?.type === "started"));
    return sub;
  }

  /** Reads messages until `done` says so or the daemon closes the connection. */
  async read(done: (message: { result?: { type: string; id?: string } }) => boolean): Promise<void> {
    while (!this.closed) {
      while (this.#buffer.length < 2) await this.#fill();
      const opcode = this.#buffer[0] & 0x0f;
      let length = this.#buffer[1] & 0x7f;
      let offset = 2;
      if (length >= 126) {
        const size = length === 126 ? 2 : 8;
        while (this.#buffer.length < 2 + size) await this.#fill();
        const view = new DataView(this.#buffer.buffer, this.#buffer.byteOffset + 2, size);
        length = size === 2 ? view.getUint16(0) : Number(view.getBigUint64(0));
        offset += size;
      }
      while (this.#buffer.length < offset + length) await this.#fill();
      const payload = this.#buffer.slice(offset, offset + length);
      this.#buffer = this.#buffer.slice(offset + length);
      if (opcode === 0x8) {
        this.closed = {
          code: (payload[0] << 8) | payload[1],
          reason: new TextDecoder().decode(payload.slice(2)),
        };
        return;
      }
      const text = new TextDecoder().decode(payload);
      if (opcode !== 0x1 || text === "PING" || text === "PONG") continue;
      const message = JSON.parse(text);
      if (message.error) throw new Error(`the subscription failed: ${text}`);
      if (message.result?.type === "data") {
        this.bytes += payload.length;
        this.ids.push(message.result.id);
      }
      if (done(message)) return;
    }
  }

  close(): void {
    clearInterval(this.#pinger);
    this.conn.close();
  }

  async #fill(): Promise<void> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.conn.read(chunk);
    if (n === null) throw new Error("the daemon closed the connection without a close frame");
    const next = new Uint8Array(this.#buffer.length + n);
    next.set(this.#buffer);
    next.set(chunk.subarray(0, n), this.#buffer.length);
    this.#buffer = next;
  }

  /** A masked text frame, as clients must send. */
  async #send(text: string): Promise<void> {
    const payload = new TextEncoder().encode(text);
    const extended = payload.length >= 126 ? 2 : 0;
    const frame = new Uint8Array(2 + extended + 4 + payload.length);
    frame[0] = 0x81;
    frame[1] = 0x80 | (extended ? 126 : payload.length);
    if (extended) new DataView(frame.buffer).setUint16(2, payload.length);
    const mask = crypto.getRandomValues(new Uint8Array(4));
    frame.set(mask, 2 + extended);
    for (let i = 0; i < payload.length; i++) frame[6 + extended + i] = payload[i] ^ mask[i % 4];
    await this.#write(frame);
  }

  async #write(bytes: Uint8Array): Promise<void> {
    for (let written = 0; written < bytes.length;) written += await this.conn.write(bytes.subarray(written));
  }
}

Deno.test("a subscriber that stops reading is cut off instead of the daemon queueing every event for it; it resumes without a gap and others are unaffected", async () => {
  await using t = await startTestDaemon();
  const events = t.daemon.services.events;
  const start = await events.publish(logEvent("slow test: start"));
  await using healthy = await holdSubscribers({
    url: t.daemon.url,
    token: t.token,
    count: 1,
    lastEventId: start,
  });
  const slow = await RawSubscriber.open(t, start);
  await waitFor("both subscriptions", () => Promise.resolve(events.subscriberCount === 2 || undefined));
  // from here on it reads nothing: the kernel's buffers fill, then the daemon's

  // 30 MB: more than the kernel's buffers and the bus's 10,000 events per subscriber hold
  const padding = "x".repeat(2_000);
  let last = start;
  for (let i = 0; i < 15_000; i += 500) {
    const ids = await Promise.all(
      Array.from({ length: 500 }, (_, j) => events.publish(logEvent(`slow test ${i + j} ${padding}`))),
    );
    last = ids.at(-1)!;
  }
  const published = 15_000 * padding.length;
  await waitFor(
    "the daemon to give up on the slow subscriber",
    () => Promise.resolve(events.subscriberCount === 1 || undefined),
    60_000,
  );
  assert(t.log.lines.some((l) => String(l.msg).startsWith("closed the connection of an event subscriber")));

  await slow.read(() => false);
  slow.close();
  assertEquals(slow.closed?.code, CLOSE_FELL_BEHIND, slow.closed?.reason);
  // only what was in flight when it was held back: its socket's bounded buffer and the kernel's
  assertLess(slow.bytes, published / 3, `${slow.bytes} of ${published} bytes reached it before the close`);

  // it resumes from the last event it received, as the tRPC client does after a close
  const resumed = await RawSubscriber.open(t, slow.ids.at(-1)!);
  await resumed.read(() => resumed.ids.includes(last));
  resumed.close();
  const expected = (await streamEntries(t, start, last)).map((e) => e.id);
  const all = [...slow.ids, ...resumed.ids];
  assertEquals(all.slice(0, all.indexOf(last) + 1), expected, "no event lost or repeated across the cut");

  await waitFor(
    "the healthy subscriber to receive everything",
    () => Promise.resolve(healthy.subscribers[0].ids.includes(last) || undefined),
    60_000,
  );
  const received = healthy.subscribers[0].ids;
  assertEquals(received.slice(0, received.indexOf(last) + 1), expected);
  assertEquals(healthy.subscribers[0].error, undefined);
});
