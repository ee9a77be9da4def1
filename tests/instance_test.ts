import { assertEquals, assertNotEquals, assertRejects, assertStringIncludes } from "@std/assert";
import {
  acquireInstanceLock,
  AlreadyRunningError,
  ensurePrivateDir,
  loadOrCreateToken,
  loadReadOnlyToken,
  removeDaemonFile,
  tightenSecretFiles,
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
    const warned = log.lines.filter((l) => l.level === "warn");
    assertEquals(warned.length, 1, "warned once, when it was open");
    assertStringIncludes(String(warned[0].msg), "mode 0755");
    assertStringIncludes(String(warned[0].msg), "set it to 0700");
    assertEquals(warned[0].path, `${root}/a/b`);
  });
});

Deno.test("credential files open to other users are set to mode 0600 with a warning; private and missing ones are left alone", async () => {
  await withTempDir(async (dir) => {
    const log = memoryLogger();
    await Deno.writeTextFile(`${dir}/token`, "copied-in-by-hand-0123456789\n", { mode: 0o644 });
    await Deno.chmod(`${dir}/token`, 0o644);
    await Deno.writeTextFile(`${dir}/youtube-token.json`, `{"refreshToken":"1//x"}`);
    await Deno.chmod(`${dir}/youtube-token.json`, 0o640);
    await Deno.writeTextFile(`${dir}/readonly-token`, "already-private-0123456789", { mode: 0o600 });
    await Deno.chmod(`${dir}/readonly-token`, 0o600);
    await Deno.writeTextFile(`${dir}/daemon.json`, "{}", { mode: 0o644 });
    await Deno.chmod(`${dir}/daemon.json`, 0o644);
    await tightenSecretFiles(dir, log);
    for (const name of ["token", "youtube-token.json", "readonly-token"]) {
      assertEquals((await Deno.stat(`${dir}/${name}`)).mode! & 0o777, 0o600, name);
    }
    assertEquals((await Deno.stat(`${dir}/daemon.json`)).mode! & 0o777, 0o644, "not a credential");
    const warned = log.lines.filter((l) => l.level === "warn").map((l) => String(l.msg));
    assertEquals(warned.length, 2, warned.join("\n"));
    assertStringIncludes(warned[0], "the credential file token was open to other users (mode 0644)");
    assertStringIncludes(
      warned[1],
      "the credential file youtube-token.json was open to other users (mode 0640)",
    );
    // nothing to do on an empty directory
    await withTempDir((empty) => tightenSecretFiles(empty, log));
  });
});

Deno.test("the read-only token: LINGOREEL_READONLY_TOKEN, else the readonly-token file; never generated; a short one or the API token itself is ignored with a warning", async () => {
  await withTempDir(async (dir) => {
    const log = memoryLogger();
    const full = "the-full-api-token-0123456789";
    assertEquals(await loadReadOnlyToken(dir, undefined, full, log), undefined);
    await assertRejects(
      () => Deno.stat(`${dir}/readonly-token`),
      Deno.errors.NotFound,
      undefined,
      "not generated",
    );
    assertEquals(
      await loadReadOnlyToken(dir, "configured-read-token-01", full, log),
      "configured-read-token-01",
    );
    await Deno.writeTextFile(`${dir}/readonly-token`, "  from-the-file-0123456789\n");
    assertEquals(await loadReadOnlyToken(dir, undefined, full, log), "from-the-file-0123456789");
    assertEquals(
      await loadReadOnlyToken(dir, "configured-read-token-01", full, log),
      "configured-read-token-01",
    );
    assertEquals(log.lines.length, 0);

    await Deno.writeTextFile(`${dir}/readonly-token`, "short\n");
    assertEquals(await loadReadOnlyToken(dir, undefined, full, log), undefined);
    assertStringIncludes(String(log.lines.at(-1)?.msg), "shorter than 16 characters and is ignored");
    await Deno.writeTextFile(`${dir}/readonly-token`, `${full}\n`);
    assertEquals(await loadReadOnlyToken(dir, undefined, full, log), undefined);
    assertStringIncludes(String(log.lines.at(-1)?.msg), "is the API token itself and is ignored");
    assertEquals(await loadReadOnlyToken(dir, full, full, log), undefined);
    assertStringIncludes(String(log.lines.at(-1)?.msg), "(LINGOREEL_READONLY_TOKEN) is the API token itself");
    assertEquals(JSON.stringify(log.lines).includes(full), false, "no token in the log");
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
