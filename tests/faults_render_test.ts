/**
 * Faults under a render: an output disk too small (refused before ffmpeg starts), a disk that
 * fills up while ffmpeg writes, and ffmpeg killed from outside.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import { FfprobeRunner, loadCues } from "../daemon/library/mod.ts";
import { FfmpegProcess, InsufficientSpaceError, Renderer } from "../daemon/render/mod.ts";
import { ffmpegProcesses, filesUnder, showDaemon, waitFor } from "./helpers/pipeline_fixture.ts";
import { mountSmallDisk } from "./helpers/small_disk.ts";

const FAST = { preset: "ultrafast" as const, kinds: ["short" as const] };

Deno.test("an output disk too small: the render is refused before ffmpeg starts, with the directory and the fix; health warns; a retry after freeing space completes", async () => {
  await using disk = await mountSmallDisk(2 * 1024 ** 2);
  await using s = await showDaemon(1, 0, { LINGOREEL_OUTPUT_DIR: disk.path });
  const { t, api, episodes } = s;
  const { batchId, jobIds: [jobId] } = await api.batches.create({
    episodeIds: [episodes[0].id],
    options: { render: FAST },
  });
  const job = await waitFor("the job to end", async () => {
    const j = await api.jobs.get({ id: jobId });
    return j.state === "completed" || j.state === "failed" ? j : undefined;
  });
  assertEquals(job.state, "failed");
  assertStringIncludes(job.error!, "Not enough free space");
  assertStringIncludes(job.error!, disk.path);
  assertStringIncludes(job.error!, "LINGOREEL_OUTPUT_DIR");
  assertStringIncludes(job.error!, "jobs.retry");
  assertEquals(job.attempts, 2, "analysed once, refused once: retrying seconds later would not help");
  assertEquals(await filesUnder(disk.path), [], "nothing written");
  assertEquals(await ffmpegProcesses(t.dataDir), []);
  // the daemon keeps running, and its storage line warns about the small disk
  const { storage } = (await api.health.check()).components;
  assertEquals(storage.status, "degraded");
  assertStringIncludes(storage.detail, "(low)");
  assertEquals((await api.batches.get({ id: batchId })).state, "failed");

  // space is freed (the small disk goes away): the retry renders
  await disk.unmount();
  await api.jobs.retry({ id: jobId });
  const retried = await waitFor("the retried job to complete", async () => {
    const j = await api.jobs.get({ id: jobId });
    return j.state === "completed" || j.state === "failed" ? j : undefined;
  }, 90_000);
  assertEquals(retried.state, "completed", retried.error ?? "");
  assertEquals((await filesUnder(disk.path)).filter((f) => f.endsWith(".mp4")).length, 1);
});

Deno.test("the disk fills up while ffmpeg writes: a clear error naming the output directory, and no partial file is left", async () => {
  await using disk = await mountSmallDisk(256 * 1024);
  await using s = await showDaemon(1);
  const { t, api, episodes } = s;
  await api.analysis.run({ episodeId: episodes[0].id });
  const [expression] = await api.expressions.list({ episodeId: episodes[0].id });
  const { db } = t.daemon.services.database;
  const ffmpeg = t.daemon.services.library.ffmpeg;
  const renderer = new Renderer({
    db,
    ffmpeg: new FfmpegProcess(ffmpeg),
    ffmpegPath: ffmpeg,
    prober: new FfprobeRunner(() => Promise.resolve("ffprobe")),
    dataDir: t.dataDir,
    outputDir: disk.path,
    log: t.log,
    cues: (episodeId, language) =>
      loadCues(db, { episodeId, language, ffmpeg, cacheDir: join(t.dataDir, "cache") }),
    // the free space looks ample, so the render starts and meets the full disk halfway
    freeBytes: () => Promise.resolve(Number.MAX_SAFE_INTEGER),
  });
  const error = await assertRejects(
    () => renderer.renderGroup(expression.groupId!, FAST),
    InsufficientSpaceError,
  );
  assertStringIncludes(error.message, `The output directory ${disk.path} ran out of space`);
  assertStringIncludes(error.message, "the partial video was removed");
  assertStringIncludes(error.message, "LINGOREEL_OUTPUT_DIR");
  assertEquals((await filesUnder(disk.path)).filter((f) => !f.endsWith("/")), [], "no partial file is left");
  assertEquals(await filesUnder(join(t.dataDir, "tmp")), [], "no temp file is left");
  assertEquals(await db.selectFrom("renders").selectAll().execute(), []);
});

Deno.test("ffmpeg killed from outside mid-render: the render is retried and the job completes", async () => {
  await using s = await showDaemon(1);
  const { t, api, episodes } = s;
  const { jobIds: [jobId] } = await api.batches.create({
    episodeIds: [episodes[0].id],
    options: { render: { preset: "veryfast", kinds: ["short"] } },
  });
  const pids = await waitFor("ffmpeg to be encoding", async () => {
    const job = await api.jobs.get({ id: jobId });
    if (job.stage !== "render" || job.stagePercent <= 0) return undefined;
    const found = await ffmpegProcesses(t.dataDir);
    return found.length ? found : undefined;
  });
  for (const pid of pids) Deno.kill(pid, "SIGKILL");

  const job = await waitFor("the job to end", async () => {
    const j = await api.jobs.get({ id: jobId });
    return j.state === "completed" || j.state === "failed" ? j : undefined;
  }, 120_000);
  assertEquals(job.state, "completed", job.error ?? "");
  assertEquals(job.renderIds.length, 1);
  const attempts = await t.daemon.services.database.db.selectFrom("job_attempts")
    .select(["stage", "outcome", "error"]).where("job_id", "=", jobId).orderBy("id").execute();
  assertEquals(attempts.map((a) => `${a.stage}:${a.outcome}`), [
    "analyze:completed",
    "render:retrying",
    "render:completed",
  ]);
  assertStringIncludes(attempts[1].error!, "killed by SIGKILL from outside lingoreel");
  const files = await filesUnder(t.daemon.services.config.outputDir);
  assertEquals(files.filter((f) => f.endsWith(".mp4")).length, 1);
  assertEquals(files.filter((f) => f.endsWith(".part")), []);
  assert(await filesUnder(join(t.dataDir, "tmp")).then((f) => f.length === 0), "no temp file is left");
});
