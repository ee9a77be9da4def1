/**
 * Access control: the token on every procedure and subscription (over the real WebSocket), the
 * rate limit of failed attempts per address, read-only tokens, and the warning for a bind
 * address other machines can reach.
 */
import { assert, assertEquals, assertExists, assertRejects, assertStringIncludes } from "@std/assert";
import { TRPCError } from "@trpc/server";
import type { CreateWSSContextFnOptions } from "@trpc/server/adapters/ws";
import { createTRPCClient, createWSClient, type TRPCClientError, wsLink } from "@trpc/client";
import { join } from "@std/path";
import { connect, ConnectError } from "../shared/client.ts";
import type { AppRouter } from "../shared/router.ts";
import {
  AuthLimiter,
  bindWarning,
  type Context,
  createCallerFactory,
  createContextFactory,
  isLoopbackHost,
  limitKey,
  startServer,
} from "../daemon/rpc/mod.ts";
import { appRouter } from "../daemon/rpc/router.ts";
import { FakeClock } from "./fakes/fake_clock.ts";
import { startTestDaemon, type TestDaemon } from "./helpers/test_daemon.ts";

const createCaller = createCallerFactory(appRouter);

/** What a subscription over the real WebSocket got: refused with a code, or started. */
async function subscribeOver(
  url: string,
  token: string | undefined,
): Promise<{ started: true } | { started: false; code?: string; message: string }> {
  // without connectionParams at all when no token is given, as a hand-written client would
  const ws = createWSClient({
    url,
    ...(token === undefined ? {} : { connectionParams: { token } }),
    retryDelayMs: () => 200,
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the subscription got no answer within 10 s")), 10_000);
      const subscription = client.events.subscribe.subscribe({}, {
        onStarted: () => {
          clearTimeout(timer);
          subscription.unsubscribe();
          resolve({ started: true });
        },
        onError: (error) => {
          clearTimeout(timer);
          resolve({ started: false, code: error.data?.code, message: error.message });
        },
      });
    });
  } finally {
    await ws.close();
  }
}

/** The tRPC code of a rejected client call. */
function codeOf(error: unknown): string | undefined {
  return (error as TRPCClientError<AppRouter>).data?.code;
}

/** A context as the WebSocket server builds it, for a peer at `address` presenting `token`. */
function wsOptions(address: string, token: string | undefined): CreateWSSContextFnOptions {
  return {
    req: { socket: { remoteAddress: address, remotePort: 40_000 } },
    info: { connectionParams: token === undefined ? null : { token } },
  } as unknown as CreateWSSContextFnOptions;
}

function warnings(t: TestDaemon, prefix: string) {
  return t.log.lines.filter((l) => l.level === "warn" && String(l.msg).startsWith(prefix));
}

Deno.test("over the WebSocket: a subscription without a token, or with a wrong one, is refused with UNAUTHORIZED", async () => {
  await using t = await startTestDaemon();
  const missing = await subscribeOver(t.daemon.url, undefined);
  assertEquals(missing.started, false);
  assertEquals(missing.started === false && missing.code, "UNAUTHORIZED");
  const empty = await subscribeOver(t.daemon.url, "");
  assertEquals(empty.started === false && empty.code, "UNAUTHORIZED");
  const wrong = await subscribeOver(t.daemon.url, "a-wrong-token-for-the-subscription");
  assertEquals(wrong.started === false && wrong.code, "UNAUTHORIZED");
  assertStringIncludes(wrong.started === false ? wrong.message : "", "<data dir>/token");
  // the right token is let through (so the refusals above are about the token)
  assertEquals(await subscribeOver(t.daemon.url, t.token), { started: true });
  const refused = t.log.lines.filter((l) => l.msg === "rejected a call without a valid token");
  assertEquals(refused.map((l) => l.path), ["events.subscribe", "events.subscribe", "events.subscribe"]);
  assertEquals(JSON.stringify(t.log.lines).includes("a-wrong-token-for-the-subscription"), false);
});

Deno.test("AuthLimiter blocks an address after maxFailures within the window, for blockMs, and only that address", async () => {
  using clock = new FakeClock(Date.parse("2030-01-01T12:00:00Z"));
  const limiter = new AuthLimiter({ limits: { maxFailures: 3, windowMs: 60_000, blockMs: 30_000 }, clock });
  assertEquals(limiter.fail("10.0.0.1"), undefined);
  await clock.advance(61_000); // the first failure leaves the window
  assertEquals(limiter.fail("10.0.0.1"), undefined);
  assertEquals(limiter.fail("10.0.0.1"), undefined);
  assertEquals(limiter.blockedUntil("10.0.0.1"), undefined, "two failures within the window");
  const until = limiter.fail("10.0.0.1");
  assertEquals(until, clock.now() + 30_000);
  assertEquals(limiter.block("10.0.0.1"), { until: until!, retryInMs: 30_000 });
  assertEquals(limiter.blockedUntil("10.0.0.2"), undefined, "other addresses are not affected");
  limiter.succeed("10.0.0.1"); // a valid token does not lift a block
  assertEquals(limiter.blockedUntil("10.0.0.1"), until);
  await clock.advance(29_999);
  assertEquals(limiter.block("10.0.0.1"), { until: until!, retryInMs: 1 });
  await clock.advance(1);
  assertEquals(limiter.blockedUntil("10.0.0.1"), undefined, "the block is over");
  // a clean slate afterwards, and a valid token clears earlier failures
  limiter.fail("10.0.0.1");
  limiter.fail("10.0.0.1");
  limiter.succeed("10.0.0.1");
  limiter.fail("10.0.0.1");
  limiter.fail("10.0.0.1");
  assertEquals(limiter.blockedUntil("10.0.0.1"), undefined);
});

Deno.test("AuthLimiter uses ten failures a minute by default, counts an IPv4-mapped peer as its IPv4 address, and remembers a bounded number of addresses", () => {
  const limiter = new AuthLimiter();
  assertEquals(limiter.limits, { maxFailures: 10, windowMs: 60_000, blockMs: 60_000 });
  for (let i = 0; i < 9; i++) assertEquals(limiter.fail("192.0.2.7"), undefined);
  assertExists(limiter.fail("192.0.2.7"));
  assertEquals(limitKey("::ffff:127.0.0.1"), "127.0.0.1");
  assertEquals(limitKey("::1"), "::1");
  assertEquals(limitKey(undefined), "unknown");
  const small = new AuthLimiter({ maxAddresses: 100 });
  for (let i = 0; i < 1_000; i++) small.fail(`198.51.100.${i % 256}-${i}`);
  assert(small.size <= 100, `${small.size} addresses remembered`);
});

Deno.test("the context factory: a blocked address is refused with TOO_MANY_REQUESTS and a retry time even with the right token; a correct token from another address is unaffected", async () => {
  await using t = await startTestDaemon();
  using clock = new FakeClock(Date.parse("2030-01-01T12:00:00Z"));
  const limiter = new AuthLimiter({
    limits: { maxFailures: 2, windowMs: 60_000, blockMs: 60_000 },
    clock,
    log: t.daemon.services.log,
  });
  const factory = createContextFactory(t.daemon.services, t.token, { limiter });
  const early = createCaller(factory(wsOptions("203.0.113.5", t.token))); // before the block
  const stale = createCaller(factory(wsOptions("203.0.113.5", "wrong-one-0000000")));
  factory(wsOptions("::ffff:203.0.113.5", undefined)); // the same peer over IPv6: the second failure

  const blocked = createCaller(factory(wsOptions("203.0.113.5", t.token)));
  const error = await assertRejects(() => blocked.health.ping(), TRPCError);
  assertEquals(error.code, "TOO_MANY_REQUESTS");
  assertStringIncludes(error.message, "try again in 60 s (at 12:01:00 UTC)");
  // a connection that failed before the block is refused the same way now
  assertEquals((await assertRejects(() => stale.health.check(), TRPCError)).code, "TOO_MANY_REQUESTS");
  // one that presented the right token before the block keeps working
  assertEquals((await early.health.ping()).version, t.daemon.services.version);
  const other = createCaller(factory(wsOptions("198.51.100.9", t.token)));
  assertEquals((await other.health.ping()).version, t.daemon.services.version);

  const block = warnings(t, "blocking 203.0.113.5 for 60 s after 2 failed API token attempts");
  assertEquals(block.length, 1, JSON.stringify(t.log.lines.filter((l) => l.level === "warn")));
  assertEquals(block[0].remote, "203.0.113.5");
  assertEquals(JSON.stringify(t.log.lines).includes("wrong-one-0000000"), false);

  await clock.advance(60_000);
  const later = createCaller(factory(wsOptions("203.0.113.5", t.token)));
  assertEquals((await later.health.ping()).version, t.daemon.services.version);
});

Deno.test("over the WebSocket: failed token attempts from one address block it with TOO_MANY_REQUESTS, while ::1 with the right token still gets in", async () => {
  await using t = await startTestDaemon();
  using clock = new FakeClock(Date.parse("2030-01-01T12:00:00Z"));
  const services = t.daemon.services;
  const limiter = new AuthLimiter({
    limits: { maxFailures: 3, windowMs: 60_000, blockMs: 60_000 },
    clock,
    log: services.log,
  });
  // a second listener of the same daemon, on both loopback addresses (127.0.0.1 and ::1)
  await using server = await startServer({
    host: "::",
    port: 0,
    api: true,
    createContext: createContextFactory(services, t.token, { limiter }),
    health: () => services.health.recent(2_000),
    metrics: () => Promise.resolve(""),
    log: services.log,
  });
  const v4 = `ws://127.0.0.1:${server.port}`;
  const v6 = `ws://[::1]:${server.port}`;
  await using before = await connect({ url: v4, token: t.token });
  for (let i = 0; i < 2; i++) {
    await assertRejects(
      () => connect({ url: v4, token: `guess-number-${i}-abcdef` }),
      ConnectError,
      "refused",
    );
  }
  // the attempt that reaches the limit is told at once that the address is now blocked
  const third = await assertRejects(() => connect({ url: v4, token: "guess-number-2-abcdef" }));
  assertEquals(codeOf(third), "TOO_MANY_REQUESTS");
  const refused = await assertRejects(() => connect({ url: v4, token: t.token }));
  assertEquals(codeOf(refused), "TOO_MANY_REQUESTS");
  assertStringIncludes((refused as Error).message, "Too many failed API token attempts from this address");
  assertStringIncludes((refused as Error).message, "try again in 60 s");
  const subscription = await subscribeOver(v4, t.token);
  assertEquals(subscription.started === false && subscription.code, "TOO_MANY_REQUESTS");
  // /healthz stays public, for a blocked address too
  const healthz = await fetch(`http://127.0.0.1:${server.port}/healthz`);
  assertEquals(healthz.status, 200);
  await healthz.body?.cancel();
  // the connection that had the right token before the block is not cut off
  assertEquals((await before.health.ping.query()).version, services.version);
  // another address is unaffected
  await using fromV6 = await connect({ url: v6, token: t.token });
  assertEquals((await fromV6.health.ping.query()).version, services.version);
  assertEquals(await subscribeOver(v6, t.token), { started: true });

  const block = warnings(t, "blocking 127.0.0.1 for 60 s after 3 failed API token attempts");
  assertEquals(block.length, 1);
  const log = JSON.stringify(t.log.lines);
  assertEquals(log.includes("guess-number-"), false, "attempted tokens are never logged");
  assertEquals(log.includes(t.token), false);

  await clock.advance(60_000);
  await using after = await connect({ url: v4, token: t.token });
  assertEquals((await after.health.ping.query()).version, services.version);
});

Deno.test("the daemon itself blocks an address after ten failed token attempts", async () => {
  await using t = await startTestDaemon();
  for (let i = 0; i < 9; i++) {
    await assertRejects(() => connect({ url: t.daemon.url, token: `not-the-token-${i}-x` }), ConnectError);
  }
  const tenth = await assertRejects(() => connect({ url: t.daemon.url, token: "not-the-token-9-x" }));
  assertEquals(codeOf(tenth), "TOO_MANY_REQUESTS");
  const error = await assertRejects(() => connect({ url: t.daemon.url, token: t.token }));
  assertEquals(codeOf(error), "TOO_MANY_REQUESTS");
  assertEquals(warnings(t, "blocking 127.0.0.1 for 60 s after 10 failed API token attempts").length, 1);
});

Deno.test("a read-only context may call every query and subscription; every mutation is FORBIDDEN with a message naming it and the fix", async () => {
  await using t = await startTestDaemon();
  const ctx: Context = { services: t.daemon.services, authenticated: true, access: "read", remote: "test" };
  const caller = createCaller(ctx) as unknown as Record<string, Record<string, (input?: unknown) => unknown>>;
  const procedures = Object.entries(
    appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
  );
  const mutations = procedures.filter(([, p]) => p._def.type === "mutation").map(([path]) => path);
  assert(mutations.length >= 15, mutations.join(" "));
  for (const path of mutations) {
    const [namespace, name] = path.split(".");
    const error = await assertRejects(async () => await caller[namespace][name](undefined), TRPCError);
    assertEquals(error.code, "FORBIDDEN", path);
    assertStringIncludes(error.message, `${path} changes the daemon's state`);
    assertStringIncludes(error.message, "read-only token");
    assertStringIncludes(error.message, "<data dir>/token");
  }
  // queries and subscriptions pass the access check (some then want input: BAD_REQUEST, not FORBIDDEN)
  for (const [path, p] of procedures.filter(([, p]) => p._def.type !== "mutation")) {
    const [namespace, name] = path.split(".");
    try {
      const result = await caller[namespace][name](undefined);
      if (p._def.type === "subscription") await (result as AsyncGenerator).return?.(undefined);
    } catch (error) {
      if (!(error instanceof TRPCError)) throw error;
      assert(!["FORBIDDEN", "UNAUTHORIZED"].includes(error.code), `${path}: ${error.code} ${error.message}`);
    }
  }
  const refusals = t.log.lines.filter((l) => l.msg === "refused a mutation on a read-only connection");
  assertEquals(refusals.map((l) => l.path), mutations);
});

Deno.test("over the WebSocket: LINGOREEL_READONLY_TOKEN connects with connect(), queries and subscribes, and gets FORBIDDEN for a mutation", async () => {
  const readOnly = `dashboard-${crypto.randomUUID()}`;
  await using t = await startTestDaemon({ LINGOREEL_READONLY_TOKEN: readOnly });
  await using api = await connect({ url: t.daemon.url, token: readOnly });
  assertEquals((await api.health.ping.query()).version, t.daemon.services.version);
  assertEquals((await api.library.list.query({})).items, []);
  assertEquals(await subscribeOver(t.daemon.url, readOnly), { started: true });
  const error = await assertRejects(() => api.library.scan.mutate({}));
  assertEquals(codeOf(error), "FORBIDDEN");
  assertStringIncludes((error as Error).message, "library.scan changes the daemon's state");
  // the full token still does everything
  await using full = await connect({ url: t.daemon.url, token: t.token });
  assertEquals((await full.library.scan.mutate({})).added, 0);
  assertEquals(JSON.stringify(t.log.lines).includes(readOnly), false, "the read-only token is never logged");
});

Deno.test("the daemon tightens an open data directory to 0700 and a readonly-token file to 0600 and uses that token; without the file there is no read-only access", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "lingoreel-test-" });
  try {
    const readOnly = `file-dashboard-${crypto.randomUUID()}`;
    await Deno.writeTextFile(join(dataDir, "readonly-token"), `${readOnly}\n`);
    await Deno.chmod(join(dataDir, "readonly-token"), 0o644);
    await Deno.chmod(dataDir, 0o755);
    {
      await using t = await startTestDaemon({}, { dataDir });
      assertEquals((await Deno.stat(dataDir)).mode! & 0o777, 0o700);
      assertEquals(warnings(t, "the data directory was open to other users (mode 0755)").length, 1);
      assertEquals((await Deno.stat(join(dataDir, "readonly-token"))).mode! & 0o777, 0o600);
      assertEquals(warnings(t, "the credential file readonly-token was open to other users").length, 1);
      await using api = await connect({ url: t.daemon.url, token: readOnly });
      assertEquals(codeOf(await assertRejects(() => api.queue.pause.mutate())), "FORBIDDEN");
    }
    await Deno.remove(join(dataDir, "readonly-token"));
    await using t = await startTestDaemon({}, { dataDir });
    await assertRejects(() => connect({ url: t.daemon.url, token: readOnly }), ConnectError, "refused");
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("isLoopbackHost knows this machine's addresses in every spelling", () => {
  for (
    const host of [
      "127.0.0.1",
      "127.0.0.2",
      "127.1",
      "localhost",
      "LOCALHOST",
      "::1",
      "[::1]",
      "0:0:0:0:0:0:0:1",
    ]
  ) {
    assertEquals(isLoopbackHost(host), true, host);
  }
  assertEquals(isLoopbackHost("::ffff:127.0.0.1"), true);
  for (
    const host of [
      "0.0.0.0",
      "::",
      "[::]",
      "192.168.1.20",
      "10.0.0.1",
      "lingoreel.example",
      "127.0.0.1.nip.io",
    ]
  ) {
    assertEquals(isLoopbackHost(host), false, host);
  }
});

Deno.test("bindWarning says what is exposed, why it is risky and how to fix it, for any address but loopback", () => {
  assertEquals(bindWarning("127.0.0.1", 7470, true), undefined);
  assertEquals(bindWarning("::1", 7470, true), undefined);
  const everywhere = bindWarning("0.0.0.0", 7470, true)!;
  assertStringIncludes(everywhere, "SECURITY WARNING");
  assertStringIncludes(everywhere, "on every network interface (LINGOREEL_HOST=0.0.0.0), port 7470");
  assertStringIncludes(everywhere, "unencrypted");
  assertStringIncludes(everywhere, "set LINGOREEL_HOST=127.0.0.1");
  assertStringIncludes(everywhere, "ssh -L 7470:127.0.0.1:7470");
  assertStringIncludes(bindWarning("192.168.1.20", 7470, true)!, "on 192.168.1.20 (LINGOREEL_HOST)");
  assertStringIncludes(bindWarning("::", 7470, false)!, "/healthz and /metrics answer anyone");
});

Deno.test("the daemon warns loudly when bound to every interface, and not on 127.0.0.1", async () => {
  {
    await using t = await startTestDaemon();
    assertEquals(warnings(t, "SECURITY WARNING").length, 0);
  }
  await using t = await startTestDaemon({ LINGOREEL_HOST: "0.0.0.0" });
  const [warning] = warnings(t, "SECURITY WARNING");
  assertExists(warning, "a warning in the daemon's log");
  assertStringIncludes(String(warning.msg), "every network interface");
  assertEquals(warning.host, "0.0.0.0");
});
