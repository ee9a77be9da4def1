import { assert, assertEquals, assertGreater, assertRejects, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import type { AppEvent } from "../shared/schemas.ts";
import type { Job } from "../shared/jobs.ts";
import { startTestDaemon, type TestDaemon } from "./helpers/test_daemon.ts";
import { settleFinishedBatches } from "../daemon/queue/repository.ts";
import { ffmpegProcesses, filesUnder, showDaemon, waitFor } from "./helpers/pipeline_fixture.ts";

const FAST = { render: { preset: "ultrafast" as const, kinds: ["short" as const] } };

/** Collects events of the given types until stopped. */
function collect(t: TestDaemon, types: AppEvent["type"][]) {
  const controller = new AbortController();
  const seen: AppEvent[] = [];
  const done = (async () => {
    for await (const { event } of t.daemon.services.events.subscribe({ types, signal: controller.signal })) {
      seen.push(event);
    }
  })().catch(() => {});
  return {
    seen,
    async stop() {
      controller.abort();
      await done;
    },
  };
}

async function finished(t: TestDaemon, batchId: number, timeoutMs = 120_000): Promise<Job[]> {
  return await waitFor("the batch to finish", async () => {
    const batch = await t.caller().batches.get({ id: batchId });
    return batch.finishedAt ? batch.jobs : undefined;
  }, timeoutMs);
}

Deno.test("a batch runs end to end through the router; a corrupt episode fails alone, and a retry after fixing it succeeds", async () => {
  await using s = await showDaemon(3);
  const { t, api, gemini, videos } = s;
  const { episodes } = s;
  assertEquals(episodes.length, 3);
  // the third episode's video is broken after the scan: analysis works, its render cannot
  const good = await Deno.readFile(videos[2]);
  await Deno.writeFile(videos[2], good.slice(0, 4_000));

  const events = collect(t, ["job.progress", "job.state", "batch.state", "render.done"]);
  const { batchId, jobIds } = await api.batches.create({
    episodeIds: episodes.map((e) => e.id),
    options: { ...FAST, autoSchedule: true },
  });
  assertEquals(jobIds.length, 3);
  const jobs = await finished(t, batchId);
  // the batch's last event follows its end time
  await waitFor("the batch's failed event", () =>
    Promise.resolve(
      events.seen.some((e) => e.type === "batch.state" && e.data.state === "failed") ? true : undefined,
    ), 5_000);
  await events.stop();
  // a batch whose settling was lost (its daemon killed just after its last job ended) is found
  // by the sweep every worker daemon runs at start and now and then; one with work left is not
  const db = t.daemon.services.database.db;
  await db.updateTable("batches").set({ finished_at: null }).where("id", "=", batchId).execute();
  assertEquals(await settleFinishedBatches(db), [batchId]);
  assert((await api.batches.get({ id: batchId })).finishedAt);
  assertEquals(await settleFinishedBatches(db), []);

  const byEpisode = new Map(jobs.map((j) => [j.episodeId, j]));
  const [ok1, ok2, broken] = episodes.map((e) => byEpisode.get(e.id)!);
  for (const job of [ok1, ok2]) {
    assertEquals(job.state, "completed", job.error ?? "");
    assertEquals(job.stage, "done");
    assertEquals(job.percent, 100);
    assertEquals(job.renderIds.length, 1);
    const render = await api.renders.get({ id: job.renderIds[0] });
    assertEquals((await Deno.stat(render.path)).size > 10_000, true);
  }
  assertEquals(broken.state, "failed");
  assertStringIncludes(broken.error!, videos[2]);
  assertEquals(broken.attempts, 2, "analysed once, rendered once: a corrupt file is not retried");
  const batch = await api.batches.get({ id: batchId });
  assertEquals(batch.state, "failed");
  assertEquals(batch.counts.completed, 2);
  assertEquals(batch.counts.failed, 1);

  // events: progress never goes backwards within a stage, and each job's last state is final
  const progress = events.seen.filter((e) => e.type === "job.progress");
  assertGreater(progress.length, 3);
  for (const jobId of jobIds) {
    const mine = progress.filter((e) => e.data.jobId === jobId);
    for (let i = 1; i < mine.length; i++) {
      if (mine[i].data.stage === mine[i - 1].data.stage) {
        assert(mine[i].data.stagePercent >= mine[i - 1].data.stagePercent, "monotonic within a stage");
      }
    }
  }
  const states = events.seen.filter((e) => e.type === "job.state" && e.data.jobId === ok1.id)
    .map((e) => e.type === "job.state" ? `${e.data.stage}:${e.data.state}` : "");
  assertEquals(states.at(-1), "done:completed");
  assert(states.includes("render:active"), states.join(" "));
  assertEquals(events.seen.filter((e) => e.type === "render.done").length, 2);
  assertEquals(events.seen.some((e) => e.type === "batch.state" && e.data.state === "failed"), true);

  // the job's own log tells its story
  const logs = await api.jobs.logs({ id: broken.id });
  assert(logs.some((l) => l.level === "error" && l.message.includes("render failed")));

  // fix the file, retry: only the render runs again (no new LLM call)
  const calls = gemini.requests.length;
  await Deno.writeFile(videos[2], good);
  const retried = await api.jobs.retry({ id: broken.id });
  assert(["waiting", "active"].includes(retried.state), retried.state);
  assertEquals(retried.stage, "render");
  const after = await finished(t, batchId);
  const fixed = after.find((j) => j.id === broken.id)!;
  assertEquals(fixed.state, "completed", fixed.error ?? "");
  assertEquals(fixed.renderIds.length, 1);
  assertEquals(gemini.requests.length, calls);
  // auto-scheduled: every finished video is on the calendar, in its own slot
  const scheduled = await api.schedule.list();
  assertEquals(scheduled.map((x) => x.renderId).sort(), after.flatMap((j) => j.renderIds).sort());
  assertEquals(new Set(scheduled.map((x) => x.slotAt)).size, scheduled.length);
  assertEquals((await api.batches.get({ id: batchId })).state, "completed");
  // retrying a completed job is refused with a reason
  const error = await assertRejects(() => api.jobs.retry({ id: fixed.id }));
  assertStringIncludes((error as Error).message, "only failed or cancelled jobs");
});

Deno.test("cancelling a job mid-render stops ffmpeg within 2 s, leaves no temp or partial files, and is not retried", async () => {
  await using s = await showDaemon(1);
  const { t, api } = s;
  const [episode] = s.episodes;
  // slow settings, so that the render is still running when it is cancelled
  const { jobIds: [jobId] } = await api.batches.create({
    episodeIds: [episode.id],
    options: { render: { preset: "medium", kinds: ["short", "long"] } },
  });
  await waitFor("the render to be under way", async () => {
    const job = await api.jobs.get({ id: jobId });
    return job.stage === "render" && job.stagePercent > 0 ? job : undefined;
  });
  assertGreater((await ffmpegProcesses(t.dataDir)).length, 0);
  const started = performance.now();
  const cancelled = await api.jobs.cancel({ id: jobId });
  assertEquals(cancelled.state, "cancelled");
  await waitFor(
    "ffmpeg to stop",
    async () => (await ffmpegProcesses(t.dataDir)).length ? undefined : true,
    2_000,
  );
  const stoppedMs = performance.now() - started;
  assert(stoppedMs < 2_000, `ffmpeg stopped after ${stoppedMs} ms`);
  await waitFor(
    "the temp files to go",
    async () => (await filesUnder(join(t.dataDir, "tmp"))).length ? undefined : true,
    2_000,
  );
  const output = t.daemon.services.config.outputDir;
  assertEquals((await filesUnder(output)).filter((f) => f.endsWith(".part")), []);
  // still cancelled a moment later: no retry picked it up
  await new Promise((r) => setTimeout(r, 500));
  const job = await api.jobs.get({ id: jobId });
  assertEquals(job.state, "cancelled");
  assertEquals(job.renderIds, []);
  const attempts = await t.daemon.services.database.db.selectFrom("job_attempts").selectAll()
    .where("job_id", "=", jobId).orderBy("id").execute();
  assertEquals(attempts.map((a) => `${a.stage}:${a.outcome}`), ["analyze:completed", "render:cancelled"]);
  // a finished job cannot be cancelled again
  await assertRejects(() => api.jobs.cancel({ id: jobId }), Error, "already cancelled");
});

Deno.test("cancelling a job during analysis drops its LLM calls within 2 s", async () => {
  await using s = await showDaemon(1, 20_000);
  const { t, api, gemini } = s;
  const [episode] = s.episodes;
  const { jobIds: [jobId] } = await api.batches.create({ episodeIds: [episode.id] });
  await waitFor("the LLM call", () => Promise.resolve(gemini.inFlight > 0 ? true : undefined));
  const started = performance.now();
  await api.jobs.cancel({ id: jobId });
  const db = t.daemon.services.database.db;
  const attempt = await waitFor("the analysis to stop", async () => {
    const row = await db.selectFrom("job_attempts").selectAll().where("job_id", "=", jobId)
      .executeTakeFirst();
    return row?.outcome ? row : undefined;
  }, 2_000);
  assert(performance.now() - started < 2_000);
  assertEquals(attempt.outcome, "cancelled");
  assertEquals((await api.jobs.get({ id: jobId })).state, "cancelled");
});

Deno.test("a batch that waits for review holds each job until its expressions are decided; paused queues start nothing; one episode goes before a long batch", async () => {
  await using s = await showDaemon(3);
  const { t, api, gemini } = s;
  const { episodes } = s;

  // paused: batches queue up, nothing starts
  const paused = await api.queue.pause();
  assertEquals(paused.every((q) => q.paused), true);
  const long = await api.batches.create({
    episodeIds: episodes.slice(0, 2).map((e) => e.id),
    options: { ...FAST, review: "wait" },
  });
  const single = await api.batches.create({
    episodeIds: [episodes[2].id],
    options: { ...FAST, review: "wait" },
  });
  await new Promise((r) => setTimeout(r, 700));
  const analyze = (await api.queue.stats()).find((q) => q.name === "analyze")!;
  assertEquals(analyze.waiting, 3);
  assertEquals(analyze.active, 0);
  assertEquals(gemini.requests.length, 0);

  await api.queue.resume();
  const held = await waitFor("every job to wait for review", async () => {
    const jobs = await api.jobs.list({});
    return jobs.every((j) => j.state === "waiting-review") ? jobs : undefined;
  });
  assertEquals(held.map((j) => j.stage), ["review", "review", "review"]);
  assertEquals((await api.batches.get({ id: long.batchId })).state, "waiting-review");
  // the single episode was taken first (priority), before the long batch's second episode
  const attempts = await t.daemon.services.database.db.selectFrom("job_attempts").select(["job_id"])
    .orderBy("started_at").orderBy("id").execute();
  assert(attempts.slice(0, 2).some((a) => a.job_id === single.jobIds[0]), JSON.stringify(attempts));

  // rejecting everything of the single episode: it completes with nothing to render
  const mine = await api.expressions.list({ batchId: single.batchId, status: "pending" });
  assertEquals(mine.length, 1);
  await api.expressions.review({ ids: mine.map((e) => e.id), decision: "reject" });
  const done = await finished(t, single.batchId);
  assertEquals(done[0].state, "completed");
  assertEquals(done[0].renderIds, []);
  // approving one of the long batch: that job renders, the other keeps waiting
  const [first] = await api.expressions.list({ episodeId: episodes[0].id, status: "pending" });
  await api.expressions.review({ ids: [first.id], decision: "approve" });
  const job = await waitFor("the approved episode to render", async () => {
    const j = (await api.jobs.list({ batchId: long.batchId })).find((x) => x.episodeId === episodes[0].id)!;
    return j.state === "completed" ? j : undefined;
  });
  assertEquals(job.renderIds.length, 1);
  const other = (await api.jobs.list({ batchId: long.batchId })).find((x) => x.episodeId === episodes[1].id)!;
  assertEquals(other.state, "waiting-review");
  // cancelling the batch cancels what is left
  const cancelled = await api.batches.cancel({ id: long.batchId });
  assertEquals(cancelled.counts.cancelled, 1);
  assertEquals(cancelled.counts.completed, 1);
});

Deno.test("bad batch input names the problem", async () => {
  await using t = await startTestDaemon();
  const api = t.caller();
  await assertRejects(() => api.batches.create({ episodeIds: [] }), Error, "episodeIds");
  await assertRejects(() => api.batches.create({ episodeIds: [1, 1] }), Error, "an episode appears twice");
  await assertRejects(
    () => api.batches.create({ episodeIds: [424242] }),
    Error,
    "Episode 424242 does not exist",
  );
  await assertRejects(() => api.jobs.get({ id: 9999 }), Error, "No job with id 9999");
  await assertRejects(() => api.batches.cancel({ id: 9999 }), Error, "No batch with id 9999");
});

Deno.test("a batch that asks for an export ends each job with its episode's deck", async () => {
  await using s = await showDaemon(1);
  const { t, api } = s;
  const [episode] = s.episodes;
  const events = collect(t, ["job.progress"]);
  const { batchId } = await api.batches.create({
    episodeIds: [episode.id],
    options: { ...FAST, export: { format: "anki", options: { paddingBeforeMs: 100 } } },
  });
  const [job] = await finished(t, batchId);
  await events.stop();
  assertEquals(job.state, "completed", job.error ?? "");
  assertEquals(job.renderIds.length, 1);
  assertStringIncludes(job.exportPath!, ".apkg");
  assert((await Deno.stat(job.exportPath!)).size > 1_000);
  assert(
    events.seen.some((e) => e.type === "job.progress" && e.data.stage === "export"),
    "export progress",
  );
  const logs = await api.jobs.logs({ id: job.id });
  assert(logs.some((l) => l.message.startsWith("exported 1 notes")), logs.map((l) => l.message).join("; "));
});
