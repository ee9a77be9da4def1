/**
 * Faults of the services the daemon stands on: Redis restarted in the middle of a batch, and
 * PostgreSQL restarted under a running daemon. Both run on private servers of the test's own
 * (the suite's shared ones are never stopped).
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { delay } from "@std/async/delay";
import type { Job } from "../shared/jobs.ts";
import { startTestDaemon, type TestDaemon } from "./helpers/test_daemon.ts";
import { filesUnder, geminiEnv, startPhraseGemini, waitFor, writeShow } from "./helpers/pipeline_fixture.ts";
import { startPrivatePostgres, startPrivateRedis } from "./helpers/private_services.ts";

const FAST = { render: { preset: "ultrafast" as const, kinds: ["short" as const] } };

async function finished(t: TestDaemon, batchId: number, timeoutMs = 150_000): Promise<Job[]> {
  return await waitFor("the batch to finish", async () => {
    const batch = await t.caller().batches.get({ id: batchId });
    return batch.finishedAt ? batch.jobs : undefined;
  }, timeoutMs);
}

/** Every stage attempt of the batch's jobs, oldest first. */
async function attemptsOf(t: TestDaemon, jobIds: number[]) {
  return await t.daemon.services.database.db.selectFrom("job_attempts")
    .select(["job_id", "stage", "outcome", "error"]).where("job_id", "in", jobIds).orderBy("id").execute();
}

Deno.test("Redis restarted mid-batch: the workers reconnect, every job completes, and no stage runs twice", async () => {
  await using redis = await startPrivateRedis();
  await using gemini = await startPhraseGemini(400);
  const { root } = await writeShow(3);
  await using t = await startTestDaemon({
    LINGOREEL_MEDIA_ROOTS: root,
    REDIS_URL: redis.url,
    LINGOREEL_QUEUE_LOCK_MS: "5000",
    ...geminiEnv(gemini),
  });
  try {
    const api = t.caller();
    await api.library.scan();
    const episodes = (await api.library.list({})).items;
    const { batchId, jobIds } = await api.batches.create({
      episodeIds: episodes.map((e) => e.id),
      options: FAST,
    });
    // while one job renders and the others are analysed or waiting
    await waitFor("a render under way", async () => {
      const jobs = (await api.batches.get({ id: batchId })).jobs;
      return jobs.some((j) => j.stage === "render" && j.state === "active") ? true : undefined;
    });
    await redis.stop("SIGKILL");
    const down = await t.daemon.services.health.check();
    assertEquals(down.components.redis.status, "down");
    assertStringIncludes(down.components.redis.detail, "does not answer");
    // requests that need only PostgreSQL still answer
    assertEquals((await api.batches.get({ id: batchId })).jobs.length, 3);
    await delay(1_500);
    await redis.start();

    const jobs = await finished(t, batchId);
    assertEquals(jobs.map((j) => `${j.state}:${j.error ?? ""}`), ["completed:", "completed:", "completed:"]);
    const attempts = await attemptsOf(t, jobIds);
    for (const jobId of jobIds) {
      const mine = attempts.filter((a) => a.job_id === jobId);
      assertEquals(
        mine.map((a) => `${a.stage}:${a.outcome}`),
        ["analyze:completed", "render:completed"],
        `job ${jobId}: each stage attempt is recorded once`,
      );
    }
    // the episodes say the same lines: a later one may take the first one's cached reply
    assert(gemini.requests.length <= 3, `${gemini.requests.length} LLM calls for 3 episodes`);
    const videos = (await filesUnder(t.daemon.services.config.outputDir)).filter((f) => f.endsWith(".mp4"));
    assertEquals(videos.length, 3, videos.join("\n"));
    await waitFor("health to see Redis again", async () => {
      const report = await t.daemon.services.health.check();
      return report.components.redis.status === "ok" ? true : undefined;
    }, 15_000);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("PostgreSQL restarted: calls fail fast with an error naming the database and what to do, health says db down, and both recover without a daemon restart", async () => {
  await using pg = await startPrivatePostgres();
  await using t = await startTestDaemon({ DATABASE_URL: pg.url });
  const api = t.caller();
  assertEquals((await api.health.check()).components.db.status, "ok");
  const before = await api.batches.list({});

  await pg.stop();
  const started = performance.now();
  const error = await assertRejects(() => api.batches.list({}));
  const elapsed = performance.now() - started;
  assert(elapsed < 7_000, `failed within the connection timeout, not a hang (${Math.round(elapsed)} ms)`);
  const message = (error as Error).message;
  assertStringIncludes(message, `127.0.0.1:${pg.port}`);
  assertStringIncludes(message, "PostgreSQL");
  assertStringIncludes(message, "DATABASE_URL");
  assert(!message.includes("    at "), `no stack trace in the message: ${message}`);
  assertEquals((error as { code?: string }).code, "SERVICE_UNAVAILABLE");

  const report = await t.daemon.services.health.check();
  assertEquals(report.status, "down");
  assertEquals(report.components.db.status, "down");
  assertStringIncludes(report.components.db.detail, `127.0.0.1:${pg.port}`);
  assertStringIncludes(report.components.db.detail, "does not answer");

  await pg.start();
  // the pool opens new connections by itself: the same daemon answers again
  const after = await waitFor("calls to succeed again", async () => await api.batches.list({}), 15_000);
  assertEquals(after, before);
  assertEquals((await t.daemon.services.health.check()).components.db.status, "ok");
  // a connection the restart broke while idle is replaced too: every pooled call succeeds
  await Promise.all(Array.from({ length: 12 }, () => api.health.check()));
  assertEquals((await api.batches.list({})).length, before.length);
});
