import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { connect, ConnectError } from "../shared/client.ts";
import { healthReportSchema } from "../shared/schemas.ts";
import { startTestDaemon } from "./helpers/test_daemon.ts";
import { MAX_MESSAGE_BYTES } from "../daemon/rpc/server.ts";

Deno.test("over the WebSocket: connect(), queries, a live event, /healthz, /metrics and a 404", async () => {
  await using t = await startTestDaemon();
  const url = t.daemon.url;
  await using api = await connect({ url, token: t.token });
  assertEquals(api.connection.kind, "connected");
  assertEquals((await api.health.ping.query()).version, t.daemon.services.version);
  healthReportSchema.parse(await api.health.check.query());

  const received = Promise.withResolvers<string>();
  const subscription = api.events.subscribe.subscribe({ types: ["log"] }, {
    onData: ({ data }) => {
      if (data.type === "log" && data.data.message === "hello over the socket") received.resolve(data.source);
    },
    onError: (error) => received.reject(error),
  });
  await new Promise((r) => setTimeout(r, 200)); // the subscription is registered on the daemon
  t.daemon.services.log.info("hello over the socket");
  assertEquals(await received.promise, t.daemon.services.instanceId);
  subscription.unsubscribe();

  const http = url.replace("ws://", "http://");
  const healthz = await fetch(`${http}/healthz`);
  assertEquals(healthz.status, 200, "degraded (no Gemini key) still serves");
  assertEquals(healthReportSchema.parse(await healthz.json()).components.db.status, "ok");
  const metrics = await fetch(`${http}/metrics`);
  assertEquals(metrics.headers.get("content-type")?.startsWith("text/plain; version=0.0.4"), true);
  const text = await metrics.text();
  assertStringIncludes(text, 'lingoreel_component_up{component="db"} 1');
  assertStringIncludes(text, "lingoreel_websocket_clients 1");
  const other = await fetch(`${http}/api`);
  assertEquals(other.status, 404);
  await other.body?.cancel();
});

Deno.test("over the WebSocket: a wrong or missing token is refused with a message saying where the token is", async () => {
  await using t = await startTestDaemon();
  const wrong = await assertRejects(
    () => connect({ url: t.daemon.url, token: "not-the-token-at-all" }),
    ConnectError,
  );
  assertStringIncludes(wrong.message, "refused the API token");
  const dataDir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dataDir}/token`, "");
    await assertRejects(() => connect({ url: t.daemon.url, dataDir }), ConnectError, "refused the API token");
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
  assertEquals(
    t.log.lines.some((l) => l.msg === "WebSocket connection without a valid token"),
    true,
  );
  assertEquals(JSON.stringify(t.log.lines).includes("not-the-token-at-all"), false);
});

Deno.test("connect() without a running daemon says how to start one", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const error = await assertRejects(() => connect({ dataDir, timeoutMs: 1_500 }), ConnectError);
    assertStringIncludes(error.message, "deno task daemon");
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a subscribed client follows a daemon restart and receives the events it missed, once each", async () => {
  const dataDir = await Deno.makeTempDir();
  const token = crypto.randomUUID();
  const states: string[] = [];
  const messages: string[] = [];
  const arrived = (n: number) =>
    new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 15_000;
      const poll = () => {
        if (messages.length >= n) resolve();
        else if (Date.now() > deadline) reject(new Error(`only ${JSON.stringify(messages)} arrived`));
        else setTimeout(poll, 20);
      };
      poll();
    });
  try {
    const first = await startTestDaemon({}, { dataDir, token });
    await using api = await connect({
      dataDir,
      token,
      maxRetryDelayMs: 300,
      onStateChange: (s) => states.push(s.kind),
    });
    const subscription = api.events.subscribe.subscribe({ types: ["log"] }, {
      onData: ({ data }) => {
        if (data.type === "log" && data.data.message.startsWith("restart-test")) {
          messages.push(data.data.message);
        }
      },
    });
    await new Promise((r) => setTimeout(r, 200));
    first.daemon.services.log.info("restart-test 1");
    await arrived(1);

    await first[Symbol.asyncDispose]();
    const second = await startTestDaemon({}, { dataDir, token }); // a new port, same data dir
    second.daemon.services.log.info("restart-test 2"); // may come before the client is back
    await arrived(2);
    second.daemon.services.log.info("restart-test 3");
    await arrived(3);
    await new Promise((r) => setTimeout(r, 200));
    assertEquals(messages, ["restart-test 1", "restart-test 2", "restart-test 3"]);
    assertEquals(states.includes("reconnecting"), true, states.join(" "));
    assertEquals(states.at(-1), "connected");
    subscription.unsubscribe();
    await api.close();
    await second[Symbol.asyncDispose]();
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("over the WebSocket: a message over the size limit closes only that connection, with a warning; the client reconnects", async () => {
  await using t = await startTestDaemon();
  await using api = await connect({ url: t.daemon.url, token: t.token });
  await assertRejects(() => api.library.list.query({ query: "x".repeat(MAX_MESSAGE_BYTES + 1) }));
  assertEquals(
    t.log.lines.filter((l) => String(l.msg).includes("over the 1024 KiB limit")).length,
    1,
    "logged as a warning, not as a failed procedure",
  );
  assertEquals(t.log.lines.filter((l) => l.msg === "procedure failed").length, 0);
  assertEquals((await api.health.ping.query()).version, t.daemon.services.version, "the client reconnected");
});
