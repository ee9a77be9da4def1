import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { delay } from "@std/async/delay";
import { join } from "@std/path";
import { connect } from "../shared/client.ts";
import { startDaemonProcess } from "./helpers/daemon_process.ts";

const ROOT = new URL("../", import.meta.url).pathname;

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** The pid of the managed redis-server, from the daemon's log. */
function redisPid(log: string): number {
  const line = log.split("\n").find((l) => l.includes("managed redis-server is ready"));
  if (!line) throw new Error(`no managed redis in the log:\n${log}`);
  return JSON.parse(line).pid;
}

Deno.test("the real daemon starts on embedded defaults, serves connect() and health.check, and stops cleanly on SIGTERM", async () => {
  await using daemon = await startDaemonProcess();
  const dataDir = daemon.dataDir;
  {
    await using api = await connect({ dataDir }); // url and token found in the data directory
    const report = await api.health.check.query();
    assertEquals(report.components.db.status, "ok");
    assertStringIncludes(report.components.db.detail, "PGlite");
    assertEquals(report.components.redis.status, "ok");
    assertStringIncludes(report.components.redis.detail, "managed redis-server");
  }
  const redis = redisPid(daemon.log());
  assertEquals(await exists(`/proc/${redis}`), true);
  assertEquals((await Deno.stat(dataDir)).mode! & 0o777, 0o700);
  assertEquals((await Deno.stat(join(dataDir, "token"))).mode! & 0o777, 0o600);

  const started = performance.now();
  const status = await daemon.stop("SIGTERM");
  assertEquals(status.code, 0, daemon.log());
  assertEquals(performance.now() - started < 5_000, true, "shutdown is bounded");
  assertEquals(await exists(join(dataDir, "daemon.json")), false, "daemon.json removed");
  assertEquals(await exists(join(dataDir, "daemon.lock")), false, "lock released");
  assertEquals(await exists(join(dataDir, "redis.sock")), false, "redis socket removed");
  // redis-server exits on SIGTERM; give the kernel a moment to reap it
  for (let i = 0; i < 20 && await exists(`/proc/${redis}`); i++) await delay(50);
  assertEquals(await exists(`/proc/${redis}`), false, "managed redis-server stopped");
  const order = daemon.log().split("\n").filter(Boolean).map((l) => JSON.parse(l).msg);
  assertEquals(order.at(-1), "stopped");
});

Deno.test("a second daemon on the same data directory refuses to start and names the first", async () => {
  await using first = await startDaemonProcess();
  const second = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", join(ROOT, "daemon/main.ts")],
    env: { LINGOREEL_DATA_DIR: first.dataDir, LINGOREEL_PORT: "0" },
    cwd: first.dataDir,
    stdout: "null",
    stderr: "piped",
  }).output();
  assertEquals(second.code, 1);
  const message = new TextDecoder().decode(second.stderr);
  assertStringIncludes(message, `Another lingoreel daemon (pid ${first.child.pid}) is already running`);
  await using api = await connect({ dataDir: first.dataDir });
  assertEquals(
    (await api.health.ping.query()).instance.endsWith(`:${first.child.pid}`),
    true,
    "the first is untouched",
  );
});

Deno.test("a bad configuration value stops start-up with exit code 2 and names the variable", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", join(ROOT, "daemon/main.ts")],
      env: { LINGOREEL_DATA_DIR: dataDir, LINGOREEL_PORT: "seventy", LINGOREEL_ROLE: "boss" },
      cwd: dataDir,
      stdout: "null",
      stderr: "piped",
    }).output();
    assertEquals(out.code, 2);
    const message = new TextDecoder().decode(out.stderr);
    assertStringIncludes(message, `LINGOREEL_PORT="seventy": expected a port number from 0 to 65535`);
    assertStringIncludes(message, `LINGOREEL_ROLE="boss": expected one of all, api, worker`);
    assertEquals(await exists(join(dataDir, "daemon.json")), false);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a port already in use is reported with the variable to change, and nothing is left behind", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dataDir = await Deno.makeTempDir();
  try {
    const error = await assertRejects(() =>
      startDaemonProcess({ dataDir, env: { LINGOREEL_PORT: String(listener.addr.port) } })
    );
    assertStringIncludes((error as Error).message, "already in use");
    assertStringIncludes((error as Error).message, "LINGOREEL_PORT");
    assertEquals(await exists(join(dataDir, "daemon.lock")), false);
    assertEquals(await exists(join(dataDir, "redis.sock")), false);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
