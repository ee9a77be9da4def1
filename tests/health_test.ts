import { assertEquals, assertStringIncludes } from "@std/assert";
import { delay } from "@std/async/delay";
import type { ComponentHealth, ComponentName } from "../shared/schemas.ts";
import {
  ffmpegCheck,
  HealthMonitor,
  llmCheck,
  overallStatus,
  storageCheck,
  youtubeCheck,
} from "../daemon/health/mod.ts";
import { locateFfmpeg } from "../daemon/render/mod.ts";
import { ManagedRedis } from "../daemon/redis/mod.ts";
import { memoryLogger } from "./helpers/services.ts";
import { startTestDaemon } from "./helpers/test_daemon.ts";

const ok: ComponentHealth = { status: "ok", detail: "", latencyMs: 1 };
function components(over: Partial<Record<ComponentName, ComponentHealth["status"]>>) {
  const all = { db: ok, redis: ok, ffmpeg: ok, storage: ok, llm: ok, youtube: ok };
  for (const [name, status] of Object.entries(over)) all[name as ComponentName] = { ...ok, status };
  return all;
}

Deno.test("the overall status is down only when the database or storage is down", () => {
  assertEquals(overallStatus(components({})), "ok");
  assertEquals(overallStatus(components({ llm: "degraded" })), "degraded");
  assertEquals(overallStatus(components({ redis: "down" })), "degraded");
  assertEquals(overallStatus(components({ ffmpeg: "down" })), "degraded");
  assertEquals(overallStatus(components({ db: "down" })), "down");
  assertEquals(overallStatus(components({ storage: "down" })), "down");
});

Deno.test("health.check reports degraded, not a crash, while Redis is stopped, and ok when it is back", async () => {
  const redisDir = await Deno.makeTempDir();
  let redis = await ManagedRedis.start({ dataDir: redisDir, log: memoryLogger() });
  try {
    await using t = await startTestDaemon({ REDIS_URL: `unix://${redis.socketPath}` });
    const caller = t.caller();
    assertEquals((await caller.health.check()).components.redis.status, "ok");

    await redis.stop();
    await delay(1_100); // older reports are reused for up to a second
    const report = await caller.health.check();
    assertEquals(report.components.redis.status, "down");
    assertStringIncludes(report.components.redis.detail, "does not answer");
    assertEquals(report.status, "degraded");
    assertEquals(report.components.db.status, "ok");
    assertEquals((await caller.health.ping()).version, report.version, "the API keeps answering");

    redis = await ManagedRedis.start({ dataDir: redisDir, log: memoryLogger() });
    const deadline = Date.now() + 10_000;
    let status = "down";
    while (status !== "ok" && Date.now() < deadline) {
      await delay(1_100);
      status = (await caller.health.check()).components.redis.status;
    }
    assertEquals(status, "ok", "the health probe reconnects by itself");
  } finally {
    await redis.stop();
    await Deno.remove(redisDir, { recursive: true });
  }
});

Deno.test("a check that hangs is reported down after the timeout, and a status change is announced", async () => {
  const changes: string[] = [];
  let hang = false;
  await using monitor = new HealthMonitor({
    version: "t",
    startedAt: Date.now(),
    log: memoryLogger(),
    timeoutMs: 100,
    checks: {
      db: () => Promise.resolve({ status: "ok", detail: "" }),
      redis: (signal) =>
        hang
          ? new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted"))))
          : Promise.resolve({ status: "ok", detail: "" }),
      ffmpeg: () => Promise.resolve({ status: "ok", detail: "" }),
      storage: () => Promise.resolve({ status: "ok", detail: "" }),
      llm: () => Promise.resolve({ status: "ok", detail: "" }),
      youtube: () => Promise.reject(new Error("boom")),
    },
    onChange: (report) => changes.push(`${report.status}/${report.components.redis.status}`),
  });
  const first = await monitor.check();
  assertEquals(first.components.youtube, {
    status: "down",
    detail: "boom",
    latencyMs: first.components.youtube.latencyMs,
  });
  hang = true;
  const second = await monitor.check();
  assertEquals(second.components.redis.status, "down");
  assertStringIncludes(second.components.redis.detail, "no answer within 100 ms");
  await monitor.check();
  assertEquals(changes, ["degraded/ok", "degraded/down"], "only changes are announced");
});

Deno.test("storage is down when a directory is not writable", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/file`, "");
    const result = await storageCheck({ data: dir, output: `${dir}/file` })(new AbortController().signal);
    assertEquals(result.status, "down");
    assertStringIncludes(result.detail, "output directory");
    const fine = await storageCheck({ data: dir, output: dir })(new AbortController().signal);
    assertEquals(fine.status === "ok" || fine.status === "degraded", true);
    assertStringIncludes(fine.detail, "free");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ffmpeg: a configured path that is not executable is an error naming FFMPEG_PATH", async () => {
  const signal = new AbortController().signal;
  const notExecutable = await Deno.makeTempFile();
  await Deno.chmod(notExecutable, 0o644);
  const locate = () => locateFfmpeg({ ffmpegPath: notExecutable, pathEnv: "" });
  const error = await ffmpegCheck(locate)(signal).catch((e: Error) => e);
  await Deno.remove(notExecutable);
  assertStringIncludes(String(error), `FFMPEG_PATH=${notExecutable} is not an executable file`);
  const found = await ffmpegCheck(() => locateFfmpeg({ pathEnv: Deno.env.get("PATH") ?? "" }))(signal);
  assertEquals(found.status, "ok");
  assertStringIncludes(found.detail, "ffmpeg version");
  const missing = await locateFfmpeg({ pathEnv: "/nonexistent" }).catch((e: Error) => e.message);
  assertStringIncludes(String(missing), "apt-get install ffmpeg");
});

Deno.test("llm and youtube say what to configure", async () => {
  const signal = new AbortController().signal;
  assertStringIncludes((await llmCheck({ model: "m" })(signal)).detail, "GEMINI_API_KEY");
  assertEquals((await llmCheck({ model: "m", apiKey: "k" })(signal)).status, "ok");
  const paused = await llmCheck(
    { model: "m", apiKey: "k" },
    () => ({ kind: "paused", until: 0, reason: "PerDay" }),
  )(
    signal,
  );
  assertEquals(paused.status, "degraded");
  assertStringIncludes(paused.detail, "daily quota");
  assertStringIncludes((await youtubeCheck(undefined)(signal)).detail, "YOUTUBE_CLIENT_SECRET_FILE");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bad.json`, "{");
    assertEquals((await youtubeCheck(`${dir}/bad.json`)(signal)).status, "down");
    await Deno.writeTextFile(`${dir}/web.json`, JSON.stringify({ other: {} }));
    assertStringIncludes((await youtubeCheck(`${dir}/web.json`)(signal)).detail, "installed.client_id");
    await Deno.writeTextFile(`${dir}/good.json`, JSON.stringify({ installed: { client_id: "1234.apps" } }));
    assertEquals((await youtubeCheck(`${dir}/good.json`)(signal)).status, "ok");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
