import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { ManagedRedis, pingSocket, RedisStartError } from "../daemon/redis/mod.ts";
import { memoryLogger } from "./helpers/services.ts";

async function alive(pid: number): Promise<boolean> {
  return await Deno.stat(`/proc/${pid}`).then(() => true, () => false);
}

Deno.test("the managed redis-server answers on its socket and is gone after stop", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const redis = await ManagedRedis.start({ dataDir: dir, log: memoryLogger() });
    assertEquals(await pingSocket(redis.socketPath), true);
    assertEquals((await Deno.stat(redis.socketPath)).mode! & 0o777, 0o700);
    await redis.stop();
    assertEquals(await alive(redis.pid), false);
    assertEquals(await pingSocket(redis.socketPath), false);
    await assertRejects(() => Deno.stat(redis.socketPath), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a redis-server left behind by a killed daemon is shut down and replaced", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const orphan = await ManagedRedis.start({ dataDir: dir, log: memoryLogger() });
    const log = memoryLogger();
    await using next = await ManagedRedis.start({ dataDir: dir, log });
    await orphan.status;
    assertEquals(await alive(orphan.pid), false);
    assertEquals(await pingSocket(next.socketPath), true);
    assertEquals(log.lines.some((l) => String(l.msg).includes("left running")), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a missing redis-server binary gives an error saying how to install it or use REDIS_URL", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const error = await assertRejects(
      () => ManagedRedis.start({ dataDir: dir, log: memoryLogger(), binary: "redis-server-not-here" }),
      RedisStartError,
    );
    assertStringIncludes(error.message, "apt-get install redis-server");
    assertStringIncludes(error.message, "REDIS_URL");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a data directory path too long for a unix socket is refused with the fix", async () => {
  const error = await assertRejects(
    () => ManagedRedis.start({ dataDir: `/tmp/${"x".repeat(120)}`, log: memoryLogger() }),
    RedisStartError,
  );
  assertStringIncludes(error.message, "too long");
});
