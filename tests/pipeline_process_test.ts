/**
 * The pipeline across real daemon processes sharing one PostgreSQL and one Redis: a daemon
 * killed mid-render, and two workers sharing a batch.
 */
import { assert, assertEquals } from "@std/assert";
import { join } from "@std/path";
import { connect, type LingoreelClient } from "../shared/client.ts";
import type { Job } from "../shared/jobs.ts";
import { startDaemonProcess } from "./helpers/daemon_process.ts";
import { createTestSchema, testRedisUrl, uniqueName } from "./helpers/services.ts";
import {
  ffmpegProcesses,
  filesUnder,
  geminiEnv,
  startPhraseGemini,
  waitFor,
  writeShow,
} from "./helpers/pipeline_fixture.ts";

/** Environment shared by the daemons of one test. */
async function sharedEnv(mediaRoot: string, gemini: { apiKey: string; url: string }) {
  const schema = await createTestSchema();
  const outputDir = await Deno.makeTempDir({ prefix: "lingoreel-output-" });
  return {
    schema,
    outputDir,
    env: {
      DATABASE_URL: schema.url,
      REDIS_URL: testRedisUrl(),
      LINGOREEL_REDIS_PREFIX: uniqueName("lr"),
      LINGOREEL_MEDIA_ROOTS: mediaRoot,
      LINGOREEL_OUTPUT_DIR: outputDir,
      LINGOREEL_TOKEN: crypto.randomUUID(),
      LINGOREEL_QUEUE_LOCK_MS: "2000",
      ...geminiEnv(gemini as never),
    },
  };
}

/** Waits until the job's render has started encoding. */
async function renderUnderWay(api: LingoreelClient, jobId: number): Promise<void> {
  await waitFor("the render to be under way", async () => {
    const job = await api.jobs.get.query({ id: jobId });
    return job.stage === "render" && job.stagePercent > 0 ? job : undefined;
  });
}

async function jobsOf(api: LingoreelClient, batchId: number): Promise<Job[]> {
  return (await api.batches.get.query({ id: batchId })).jobs;
}

Deno.test("a daemon killed with SIGKILL mid-render restarts and completes the job, with exactly one output per video", async () => {
  await using gemini = await startPhraseGemini();
  const { root } = await writeShow(1);
  const { schema, outputDir, env } = await sharedEnv(root, gemini);
  const dataDir = await Deno.makeTempDir({ prefix: "lingoreel-test-" });
  try {
    const first = await startDaemonProcess({ env, dataDir });
    let api = await connect({ url: first.info.url, token: env.LINGOREEL_TOKEN });
    await api.library.scan.mutate({});
    const [episode] = (await api.library.list.query({})).items;
    const { batchId, jobIds: [jobId] } = await api.batches.create.mutate({
      episodeIds: [episode.id],
      options: { render: { preset: "medium", kinds: ["short", "long"] } },
    });
    await renderUnderWay(api, jobId);
    api.close();
    await first.stop("SIGKILL");
    // under systemd the unit's cgroup goes with it; here the orphaned ffmpeg is ended by hand
    for (const pid of await ffmpegProcesses(dataDir)) Deno.kill(pid, "SIGKILL");

    await using second = await startDaemonProcess({ env, dataDir });
    api = await connect({ url: second.info.url, token: env.LINGOREEL_TOKEN });
    const [job] = await waitFor("the job to complete after the restart", async () => {
      const jobs = await jobsOf(api, batchId);
      return jobs[0].state === "completed" ? jobs : undefined;
    }, 120_000);
    assertEquals(job.renderIds.length, 2);
    const renders = await api.renders.list.query({ episodeId: episode.id });
    assertEquals(renders.length, 2);
    const files = await filesUnder(outputDir);
    assertEquals(files.filter((f) => f.endsWith(".mp4")).length, 2, files.join("\n"));
    assertEquals(files.filter((f) => f.endsWith(".part")), [], "no partial file is left");
    assertEquals(await filesUnder(join(dataDir, "tmp")), [], "no temp file is left");
    const attempts = await api.jobs.logs.query({ id: jobId });
    assert(attempts.filter((l) => l.message === "render started").length >= 2, "the render ran again");
    api.close();
  } finally {
    await schema[Symbol.asyncDispose]();
    await Deno.remove(root, { recursive: true });
    await Deno.remove(outputDir, { recursive: true });
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});

Deno.test("SIGTERM lets a running job finish up to the grace time, then returns it to waiting for the next daemon", async () => {
  await using gemini = await startPhraseGemini();
  const { root } = await writeShow(1);
  const { schema, outputDir, env } = await sharedEnv(root, gemini);
  try {
    const first = await startDaemonProcess({ env: { ...env, LINGOREEL_SHUTDOWN_GRACE_MS: "500" } });
    let api = await connect({ url: first.info.url, token: env.LINGOREEL_TOKEN });
    await api.library.scan.mutate({});
    const [episode] = (await api.library.list.query({})).items;
    const { jobIds: [jobId] } = await api.batches.create.mutate({
      episodeIds: [episode.id],
      options: { render: { preset: "medium", kinds: ["short", "long"] } },
    });
    await renderUnderWay(api, jobId);
    api.close();
    const stopped = await first.stop("SIGTERM");
    assertEquals(stopped.code, 0);
    assertEquals(await ffmpegProcesses(first.dataDir), [], "its ffmpeg stopped with it");
    assert(first.log().includes("returning them to waiting"), "the grace time ran out");

    await using second = await startDaemonProcess({ env });
    api = await connect({ url: second.info.url, token: env.LINGOREEL_TOKEN });
    try {
      const lines = await api.jobs.logs.query({ id: jobId });
      assert(
        lines.some((l) => l.message.includes("interrupted by shutdown")),
        "the job went back to waiting",
      );
      const job = await waitFor("the job to complete on the next daemon", async () => {
        const j = await api.jobs.get.query({ id: jobId });
        return j.state === "completed" ? j : undefined;
      }, 120_000);
      assertEquals(job.renderIds.length, 2);
    } finally {
      api.close();
    }
    await first[Symbol.asyncDispose]();
  } finally {
    await schema[Symbol.asyncDispose]();
    await Deno.remove(root, { recursive: true });
    await Deno.remove(outputDir, { recursive: true });
  }
});

Deno.test("two worker daemons share a batch: each job runs once, and events from both reach a client of the API daemon", async () => {
  await using gemini = await startPhraseGemini(300);
  const { root } = await writeShow(4);
  const { schema, outputDir, env } = await sharedEnv(root, gemini);
  try {
    await using apiDaemon = await startDaemonProcess({ env: { ...env, LINGOREEL_ROLE: "api" } });
    await using one = await startDaemonProcess({ env: { ...env, LINGOREEL_ROLE: "worker" } });
    await using two = await startDaemonProcess({ env: { ...env, LINGOREEL_ROLE: "worker" } });
    const api = await connect({ url: apiDaemon.info.url, token: env.LINGOREEL_TOKEN });
    try {
      await api.library.scan.mutate({});
      const episodes = (await api.library.list.query({})).items;
      const sources = new Set<string>();
      const subscription = api.events.subscribe.subscribe({ types: ["job.state"] }, {
        onData: ({ data }) => sources.add(data.source),
      });
      const { batchId } = await api.batches.create.mutate({
        episodeIds: episodes.map((e) => e.id),
        options: { render: { preset: "ultrafast", kinds: ["short"] } },
      });
      const jobs = await waitFor("the batch to finish", async () => {
        const b = await api.batches.get.query({ id: batchId });
        return b.finishedAt ? b.jobs : undefined;
      }, 180_000);
      subscription.unsubscribe();
      assertEquals(jobs.map((j) => j.state), ["completed", "completed", "completed", "completed"]);
      // every stage of every job ran exactly once, and both workers took part
      const logs = await Promise.all(jobs.map((j) => api.jobs.logs.query({ id: j.id })));
      const workers = new Set<string>();
      for (const lines of logs) {
        const starts = lines.filter((l) => l.message.endsWith(" started"));
        assertEquals(starts.map((l) => l.message), ["analyze started", "render started"]);
        for (const l of starts) workers.add(String(l.fields?.worker));
      }
      assertEquals(
        [...workers].map((w) => Number(w.split(":").at(-1))).sort(),
        [one.info.pid, two.info.pid].sort(),
      );
      assertEquals(gemini.requests.length, 4);
      const mp4 = (await filesUnder(outputDir)).filter((f) => f.endsWith(".mp4"));
      assertEquals(mp4.length, 4);
      // the API daemon runs no stage, yet its subscribers saw both workers' events
      assertEquals(sources.size >= 2, true, [...sources].join(", "));
      const stats = await api.queue.stats.query();
      assertEquals(stats.find((q) => q.name === "render")!.workers, 2);
    } finally {
      api.close();
    }
  } finally {
    await schema[Symbol.asyncDispose]();
    await Deno.remove(root, { recursive: true });
    await Deno.remove(outputDir, { recursive: true });
  }
});
