/**
 * The daemon SIGKILLed at random points of its batches, ten times over: whatever the moment
 * (analysis, render, scheduling, upload), every job ends completed, or failed with its reason,
 * exactly once; no temporary or partial file is left; and YouTube gets each video once.
 *
 * The kill points come from a seeded generator: the seed is printed, and
 * `LINGOREEL_CHAOS_SEED=<seed>` replays a run.
 */
import { assert, assertEquals } from "@std/assert";
import { join } from "@std/path";
import { connect, type LingoreelClient } from "../shared/client.ts";
import { openDatabase } from "../daemon/db/mod.ts";
import { type DaemonProcess, startDaemonProcess } from "./helpers/daemon_process.ts";
import { createTestSchema, memoryLogger, testRedisUrl, uniqueName } from "./helpers/services.ts";
import {
  ffmpegProcesses,
  filesUnder,
  geminiEnv,
  startPhraseGemini,
  waitFor,
  writeShow,
} from "./helpers/pipeline_fixture.ts";
import { startYouTubeServer } from "./fakes/youtube_server.ts";

const ROUNDS = 10;
const EPISODES = 3;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

Deno.test("the daemon SIGKILLed at random points of its batches: every job ends once, nothing is left behind, no video is uploaded twice", async () => {
  const seed = Number(Deno.env.get("LINGOREEL_CHAOS_SEED") ?? Math.floor(Math.random() * 2 ** 31));
  Deno.stderr.writeSync(
    new TextEncoder().encode(`chaos seed ${seed} (LINGOREEL_CHAOS_SEED=${seed} replays it)\n`),
  );
  const random = seededRandom(seed);
  const why = (text: string) => `${text} (chaos seed ${seed})`;

  await using gemini = await startPhraseGemini(300);
  await using yt = await startYouTubeServer();
  const { root } = await writeShow(EPISODES);
  const schema = await createTestSchema();
  const dir = await Deno.makeTempDir({ prefix: "lingoreel-chaos-" });
  const dataDir = join(dir, "data");
  const outputDir = join(dir, "output");
  await Deno.mkdir(dataDir, { mode: 0o700 });
  const secret = join(dir, "client.json");
  await Deno.writeTextFile(
    secret,
    JSON.stringify({ installed: { client_id: yt.clientId, client_secret: yt.clientSecret } }),
  );
  const env = {
    DATABASE_URL: schema.url,
    REDIS_URL: testRedisUrl(),
    LINGOREEL_REDIS_PREFIX: uniqueName("lr"),
    LINGOREEL_MEDIA_ROOTS: root,
    LINGOREEL_OUTPUT_DIR: outputDir,
    LINGOREEL_TOKEN: crypto.randomUUID(),
    LINGOREEL_QUEUE_LOCK_MS: "2000",
    YOUTUBE_CLIENT_SECRET_FILE: secret,
    YOUTUBE_API_BASE_URL: yt.url,
    YOUTUBE_UPLOAD_BASE_URL: yt.url,
    GOOGLE_OAUTH_BASE_URL: yt.url,
    ...geminiEnv(gemini),
  };
  let daemon: DaemonProcess | undefined;
  let api: LingoreelClient | undefined;
  const start = async () => {
    daemon = await startDaemonProcess({ env, dataDir, timeoutMs: 60_000 });
    api = await connect({ url: daemon.info.url, token: env.LINGOREEL_TOKEN });
    return api;
  };
  const kill = async () => {
    api?.close();
    await daemon!.stop("SIGKILL");
    // under systemd the unit's cgroup goes with it; here the orphaned ffmpeg is ended by hand
    for (const pid of await ffmpegProcesses(dataDir)) Deno.kill(pid, "SIGKILL");
  };
  try {
    let client = await start();
    await client.youtube.authComplete.mutate({ refreshToken: yt.issueRefreshToken() });
    await client.settings.update.mutate({
      "youtube.upload": { privacy: "scheduled", chunkBytes: 256 * 1024, categoryId: "27", thumbnail: false },
      "schedule.calendar": {
        timeZone: "UTC",
        slots: ["00:00", "04:00", "08:00", "12:00", "16:00", "20:00"],
        capacityPerSlot: 10,
        perKindPerDay: { short: 100, long: 10 },
        maxPerDay: 100,
        horizonDays: 14,
        leadMinutes: 30,
      },
    });
    await client.library.scan.mutate({});
    const episodeIds = (await client.library.list.query({})).items.map((e) => e.id);
    assertEquals(episodeIds.length, EPISODES);
    const options = {
      render: { preset: "ultrafast" as const, kinds: ["short" as const] },
      autoSchedule: true,
    };

    const batches: number[] = [];
    const kills: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // a new batch whenever the last one is over, so that every kill lands in running work
      const last = batches.at(-1);
      if (last === undefined || (await client.batches.get.query({ id: last })).finishedAt) {
        batches.push((await client.batches.create.mutate({ episodeIds, options })).batchId);
      }
      const afterMs = Math.round(300 + random() * 5_000);
      await new Promise((r) => setTimeout(r, afterMs));
      const jobs = (await client.batches.get.query({ id: batches.at(-1)! })).jobs;
      kills.push(`${afterMs} ms: ${jobs.map((j) => `${j.stage}/${j.state}`).join(" ")}`);
      await kill();
      client = await start();
    }

    // the last daemon finishes the work: every batch, then every upload
    let states = "";
    const jobs = await waitFor("every batch to finish", async () => {
      const all = await Promise.all(batches.map((id) => client.batches.get.query({ id })));
      states = all.flatMap((b) => b.jobs).map((j) => `job ${j.id} ${j.stage}/${j.state}`).join(", ");
      return all.every((b) => b.finishedAt) ? all.flatMap((b) => b.jobs) : undefined;
    }, 180_000).catch((error) => {
      throw new Error(`${error.message}; jobs: ${states}; ${why(`kills at:\n${kills.join("\n")}`)}`);
    });
    const schedules = await waitFor("every scheduled video to be uploaded", async () => {
      const list = await client.schedule.list.query({});
      return list.every((s) => s.state === "uploaded" || s.state === "failed") ? list : undefined;
    }, 120_000);

    const report = why(`kills at:\n${kills.join("\n")}`);
    const outcomes = jobs.map((j) => j.state).join(", ");
    Deno.stderr.writeSync(
      new TextEncoder().encode(`${batches.length} batches (${outcomes}); ${report}\n`),
    );
    const database = await openDatabase({ databaseUrl: schema.url, dataDir: dir, log: memoryLogger() });
    try {
      const db = database.db;
      for (const job of jobs) {
        assert(
          job.state === "completed" || (job.state === "failed" && job.error),
          `job ${job.id} ended ${job.state} (${job.error}); ${report}`,
        );
        const lines = await client.jobs.logs.query({ id: job.id, limit: 1000 });
        const endings = lines.filter((l) => l.message === "completed" || / failed: /.test(l.message));
        assertEquals(
          endings.length,
          1,
          `job ${job.id} ended once: ${endings.map((l) => l.message)}; ${report}`,
        );
        // each stage completed at most once: never analysed or rendered twice
        const attempts = await db.selectFrom("job_attempts").select(["stage", "outcome"])
          .where("job_id", "=", job.id).execute();
        for (const stage of ["analyze", "render"]) {
          const completed = attempts.filter((a) => a.stage === stage && a.outcome === "completed").length;
          assert(completed <= 1, `job ${job.id}: ${stage} completed ${completed} times; ${report}`);
        }
        assertEquals(attempts.filter((a) => a.outcome === null).length, 0, `no attempt left open; ${report}`);
      }
      const completed = jobs.filter((j) => j.state === "completed");
      assert(completed.length > 0, report);
      // one file per video: every render row has its file and sidecar, and nothing else is there
      const renders = await db.selectFrom("renders").select(["id", "path", "sidecar_path"]).execute();
      const files = await filesUnder(outputDir);
      assertEquals(
        files.filter((f) => f.endsWith(".mp4")).sort(),
        renders.map((r) => r.path).sort(),
        report,
      );
      assertEquals(files.filter((f) => f.endsWith(".part")), [], `no partial file; ${report}`);
      assertEquals(await filesUnder(join(dataDir, "tmp")), [], `no temp file; ${report}`);
      // each video on the calendar once, and on YouTube once
      assertEquals(new Set(schedules.map((s) => s.renderId)).size, schedules.length, report);
      const uploaded = schedules.filter((s) => s.state === "uploaded");
      assertEquals(uploaded.length, schedules.length, `${schedules.map((s) => s.error)}; ${report}`);
      assertEquals(yt.videos.size, uploaded.length, `no video uploaded twice; ${report}`);
      assertEquals(new Set(uploaded.map((s) => s.videoId)).size, uploaded.length, report);
    } finally {
      await database[Symbol.asyncDispose]();
    }
  } finally {
    api?.close();
    await daemon?.[Symbol.asyncDispose]();
    await schema[Symbol.asyncDispose]();
    await Deno.remove(root, { recursive: true });
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
