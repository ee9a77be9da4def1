import { assertEquals, assertNotEquals, assertRejects, assertStringIncludes } from "@std/assert";
import {
  acquireInstanceLock,
  AlreadyRunningError,
  ensurePrivateDir,
  loadOrCreateToken,
  removeDaemonFile,
  writeDaemonFile,
} from "../daemon/instance/mod.ts";
import { memoryLogger } from "./helpers/services.ts";

async function withTempDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the data directory is created with mode 0700 and tightened if it was open", async () => {
  await withTempDir(async (root) => {
    const log = memoryLogger();
    await ensurePrivateDir(`${root}/a/b`, log);
    assertEquals((await Deno.stat(`${root}/a/b`)).mode! & 0o777, 0o700);
    await Deno.chmod(`${root}/a/b`, 0o755);
    await ensurePrivateDir(`${root}/a/b`, log);
    assertEquals((await Deno.stat(`${root}/a/b`)).mode! & 0o777, 0o700);
    assertEquals(log.lines.some((l) => String(l.msg).includes("0700")), true);
  });
});

Deno.test("a token is generated once with mode 0600 and reused; a configured one wins", async () => {
  await withTempDir(async (dir) => {
    const log = memoryLogger();
    const first = await loadOrCreateToken(dir, undefined, log);
    assertEquals(first.length >= 40, true);
    assertEquals((await Deno.stat(`${dir}/token`)).mode! & 0o777, 0o600);
    assertEquals(await loadOrCreateToken(dir, undefined, log), first);
    assertEquals(await loadOrCreateToken(dir, "configured-token-123", log), "configured-token-123");
    assertEquals(
      log.lines.some((l) => JSON.stringify(l).includes(first)),
      false,
      "the token is never logged",
    );
  });
});

Deno.test("a second holder of the data directory is refused with the first one's pid", async () => {
  await withTempDir(async (dir) => {
    await using _lock = await acquireInstanceLock(dir);
    const error = await assertRejects(() => acquireInstanceLock(dir, 999_999_999), AlreadyRunningError);
    assertStringIncludes(error.message, `pid ${Deno.pid}`);
    assertStringIncludes(error.message, "LINGOREEL_DATA_DIR");
  });
});

Deno.test("a lock left by a process that no longer exists is taken over", async () => {
  await withTempDir(async (dir) => {
    const gone = new Deno.Command("true").spawn();
    await gone.status;
    await Deno.writeTextFile(`${dir}/daemon.lock`, `${gone.pid}\n`);
    await using lock = await acquireInstanceLock(dir);
    assertEquals((await Deno.readTextFile(lock.path)).trim(), String(Deno.pid));
  });
});

Deno.test("daemon.json is replaced atomically and removed only by its own daemon", async () => {
  await withTempDir(async (dir) => {
    await writeDaemonFile(dir, { url: "ws://127.0.0.1:1", pid: 42, version: "1" });
    await removeDaemonFile(dir, 43);
    assertNotEquals(await Deno.readTextFile(`${dir}/daemon.json`), "");
    await removeDaemonFile(dir, 42);
    await assertRejects(() => Deno.stat(`${dir}/daemon.json`), Deno.errors.NotFound);
  });
});
