/**
 * Uploads against the local fake YouTube (resumable protocol, quota errors, OAuth), with the
 * real scheduler, ledger and BullMQ queue on the test PostgreSQL and Redis.
 */
import { assert, assertEquals, assertNotEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import { encodeHex } from "@std/encoding/hex";
import { nextPacificMidnight, pacificDay } from "../daemon/clock.ts";
import { migrateToLatest, openDatabase } from "../daemon/db/mod.ts";
import { FfprobeRunner } from "../daemon/library/mod.ts";
import { QueueHub } from "../daemon/queue/mod.ts";
import { redisOptions } from "../daemon/redis/mod.ts";
import { Scheduler } from "../daemon/schedule/mod.ts";
import { SettingsStore } from "../daemon/settings/mod.ts";
import { Uploader, YouTubeAuth, YouTubeClient } from "../daemon/youtube/mod.ts";
import { FakeClock } from "./fakes/fake_clock.ts";
import { startYouTubeServer, type YouTubeServer } from "./fakes/youtube_server.ts";
import { waitFor } from "./helpers/pipeline_fixture.ts";
import { createTestSchema, memoryLogger, testRedisUrl, uniqueName } from "./helpers/services.ts";
import { seedRenders } from "./helpers/schedule_fixture.ts";
import { writeTestVideo } from "./helpers/media.ts";

const CHUNK = 256 * 1024;

/** Scheduler, ledger, queue, OAuth and uploader wired as the daemon wires them, on a clock of the test's. */
async function harness(
  yt: YouTubeServer,
  clock: FakeClock,
  options: { kind?: "short" | "long"; size?: string } = {},
) {
  const dir = await Deno.makeTempDir({ prefix: "lingoreel-upload-" });
  const schema = await createTestSchema();
  const log = memoryLogger();
  const database = await openDatabase({ databaseUrl: schema.url, dataDir: dir, log });
  await migrateToLatest(database.db, log);
  const db = database.db;
  const settings = new SettingsStore(db);
  await settings.update({
    "schedule.calendar": {
      timeZone: "UTC",
      slots: ["00:00", "06:00", "12:00", "18:00"],
      capacityPerSlot: 5,
      perKindPerDay: { short: 10, long: 10 },
      maxPerDay: 20,
      horizonDays: 7,
      leadMinutes: 30,
    },
    "youtube.upload": { privacy: "scheduled", chunkBytes: CHUNK, categoryId: "27", thumbnail: false },
  }, "test");
  const video = join(dir, "video.mp4");
  // a Short unless told otherwise, at a bitrate that makes several 256 KiB chunks
  await writeTestVideo(video, { size: options.size ?? "360x640", bitrate: "2M" });
  const [renderId] = await seedRenders(db, 1, options.kind ?? "short");
  await db.updateTable("renders").set({
    path: video,
    size_bytes: (await Deno.stat(video)).size,
    sidecar: JSON.stringify({
      titles: { es: "«Call it a day»: terminar la jornada" },
      description: "Learn it in context.",
      tags: ["english", "call it a day"],
      language: "en",
      madeForKids: false,
    }),
  }).where("id", "=", renderId).execute();

  const secret = join(dir, "client.json");
  await Deno.writeTextFile(
    secret,
    JSON.stringify({ installed: { client_id: yt.clientId, client_secret: yt.clientSecret } }),
  );
  const auth = new YouTubeAuth({ dataDir: dir, clientSecretFile: secret, tokenBaseUrl: yt.url, clock, log });
  const client = new YouTubeClient({
    apiBaseUrl: yt.url,
    uploadBaseUrl: yt.url,
    token: (force) => auth.token(force),
  });
  const queues = new QueueHub({
    connection: redisOptions({ kind: "url", url: testRedisUrl() }),
    role: "all",
    log,
    prefix: uniqueName("up"),
    lockMs: 2_000,
  });
  const late: { uploader?: Uploader } = {};
  const scheduler = new Scheduler({
    db,
    settings,
    clock,
    onChanged: ({ scheduleIds }) => void late.uploader?.sync(scheduleIds),
  });
  const uploader = late.uploader = new Uploader({
    db,
    queues,
    scheduler,
    youtube: client,
    settings,
    prober: new FfprobeRunner(() => Promise.resolve("ffprobe")),
    clock,
    log,
    ffmpeg: () => Promise.resolve("ffmpeg"),
    retryDelayMs: 200,
  });
  uploader.start();
  const sha = encodeHex(new Uint8Array(await crypto.subtle.digest("SHA-256", await Deno.readFile(video))));
  return {
    db,
    auth,
    scheduler,
    renderId,
    video,
    sha,
    log,
    async ledger(day = pacificDay(clock.now())) {
      return await db.selectFrom("quota_ledger").selectAll().where("day", "=", day).where(
        "bucket",
        "=",
        "videos.insert",
      )
        .executeTakeFirst();
    },
    async uploaded(id: number) {
      return await waitFor("the upload", async () => {
        const s = await scheduler.get(id);
        if (s.state === "failed") throw new Error(`failed: ${s.error}`);
        return s.state === "uploaded" ? s : undefined;
      }, 30_000);
    },
    async [Symbol.asyncDispose]() {
      await queues.closeWorkers(1_000);
      await queues.closeQueues();
      client.close();
      await auth.close();
      await database[Symbol.asyncDispose]();
      await schema[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("an interrupted upload resumes from the confirmed offset without re-sending a byte; quota moves from reserved to used", async () => {
  await using yt = await startYouTubeServer();
  using clock = new FakeClock(Date.now());
  await using h = await harness(yt, clock);
  await h.auth.complete({ refreshToken: yt.issueRefreshToken() });
  // the third chunk is cut after 1,000 bytes, the fourth gets a 503
  yt.script(
    { on: "chunk", kind: "ok" },
    { on: "chunk", kind: "ok" },
    { on: "chunk", kind: "drop", afterBytes: 1_000 },
    { on: "chunk", kind: "server_error", status: 503 },
  );
  const schedule = await h.scheduler.create(h.renderId);
  assertEquals((await h.ledger())?.reserved, 1);
  const done = await h.uploaded(schedule.id);

  assertEquals(yt.videos.size, 1);
  const [video] = [...yt.videos.values()];
  assertEquals(video.sha256, h.sha, "the stored video is the file");
  assertEquals(done.videoId, video.id);
  assertEquals(video.status.privacyStatus, "private");
  assertEquals(video.status.publishAt, done.slotAt);
  assertEquals(video.snippet.title, "«Call it a day»: terminar la jornada");
  const [session] = [...yt.sessions.values()];
  assertEquals(yt.sessions.size, 1, "one session, resumed");
  assertEquals(session.resentBytes, 0, "no byte was sent twice");
  assert(session.statusQueries >= 1, "the offset was asked after the failures");
  const ledger = await h.ledger();
  assertEquals({ used: ledger?.used, reserved: ledger?.reserved }, { used: 1, reserved: 0 });
  // an uploaded video cannot be cancelled from the calendar
  await assertRejects(() => h.scheduler.cancel(schedule.id), Error, "is on YouTube");
});

Deno.test("quotaExceeded marks the day's bucket spent; the upload waits for the next Pacific midnight, then goes", async () => {
  await using yt = await startYouTubeServer();
  // two seconds before Pacific midnight
  const start = nextPacificMidnight(Date.now()) - 2_000;
  using clock = new FakeClock(start);
  await using h = await harness(yt, clock);
  await h.auth.complete({ refreshToken: yt.issueRefreshToken() });
  yt.script({ on: "insert", kind: "quota_exceeded" });
  const today = pacificDay(start);
  const schedule = await h.scheduler.create(h.renderId);
  assertEquals(schedule.quotaDay, today);
  const waiting = await waitFor("the upload to wait", async () => {
    const s = await h.scheduler.get(schedule.id);
    return s.quotaDay !== today ? s : undefined;
  }, 15_000);
  const tomorrow = pacificDay(start + 3_600_000);
  assertEquals(waiting.quotaDay, tomorrow);
  assertEquals(waiting.state, "scheduled", "it waits; it does not fail");
  const spent = await h.ledger(today);
  assertNotEquals(spent?.exhausted_at, null);
  assertEquals(spent?.reserved, 0);
  const status = await h.scheduler.quotaStatus(today);
  assertEquals(status.buckets.find((b) => b.name === "videos.insert")?.exhausted, true);
  // nothing more is tried before midnight
  await new Promise((r) => setTimeout(r, 800));
  assertEquals(yt.videos.size, 0);
  await clock.advance(3_000);
  const done = await h.uploaded(schedule.id);
  assertEquals(yt.videos.size, 1);
  assertEquals(done.quotaDay, tomorrow);
  const used = await h.ledger(tomorrow);
  assertEquals({ used: used?.used, reserved: used?.reserved }, { used: 1, reserved: 0 });
});

Deno.test("a refused upload fails with Google's reason and releases its quota and slot; a 401 refreshes the token once", async () => {
  await using yt = await startYouTubeServer();
  using clock = new FakeClock(Date.now());
  await using h = await harness(yt, clock);
  await h.auth.complete({ refreshToken: yt.issueRefreshToken() });
  const refreshes = () => yt.tokenRequests.filter((t) => t.grantType === "refresh_token").length;
  const before = refreshes();
  yt.script(
    { on: "insert", kind: "unauthorized" },
    {
      on: "insert",
      kind: "raw",
      status: 400,
      body: {
        error: {
          code: 400,
          message: "The request metadata specifies an invalid video category.",
          errors: [{
            message: "The request metadata specifies an invalid video category.",
            domain: "youtube.video",
            reason: "invalidCategoryId",
          }],
        },
      },
    },
  );
  const schedule = await h.scheduler.create(h.renderId);
  const failed = await waitFor("the upload to fail", async () => {
    const s = await h.scheduler.get(schedule.id);
    return s.state === "failed" ? s : undefined;
  }, 15_000);
  assertStringIncludes(failed.error!, "invalidCategoryId");
  assertEquals(refreshes(), before + 1, "one refresh after the 401");
  const ledger = await h.ledger();
  assertEquals({ used: ledger?.used, reserved: ledger?.reserved }, { used: 0, reserved: 0 });
  const [day] = await h.scheduler.slots({ from: failed.localDay, days: 1 });
  assertEquals(day.shorts, 0, "the slot and the day's count are free again");
  // the video can go on the calendar again
  const again = await h.scheduler.create(h.renderId);
  assertEquals(again.state === "scheduled" || again.state === "uploading", true);
});

Deno.test("pre-flight stops a horizontal Short before any quota is spent", async () => {
  await using yt = await startYouTubeServer();
  using clock = new FakeClock(Date.now());
  await using h = await harness(yt, clock, { size: "640x360" });
  await h.auth.complete({ refreshToken: yt.issueRefreshToken() });
  const schedule = await h.scheduler.create(h.renderId);
  const failed = await waitFor("pre-flight", async () => {
    const s = await h.scheduler.get(schedule.id);
    return s.state === "failed" ? s : undefined;
  }, 15_000);
  assertStringIncludes(failed.error!, "not vertical");
  assertEquals(yt.requests.filter((r) => r.kind === "insert").length, 0);
});

Deno.test("OAuth: the loopback flow with PKCE stores tokens (mode 0600) and never shows them; invalid_grant asks to authorise again", async () => {
  await using yt = await startYouTubeServer({ refreshTokenLifetimeSec: 7 * 86_400 });
  using clock = new FakeClock(Date.now());
  await using h = await harness(yt, clock);
  const { url, port, redirectUri } = await h.auth.start();
  const params = new URL(url).searchParams;
  assertEquals(params.get("code_challenge_method"), "S256");
  assertEquals(params.get("redirect_uri"), redirectUri);
  assertEquals(params.get("access_type"), "offline");
  assertStringIncludes(params.get("scope")!, "youtube.upload");
  assertEquals((await h.auth.status()).pending?.port, port);
  // the browser comes back to the loopback listener with a code bound to the challenge
  const code = yt.issueCode({
    redirectUri,
    codeChallenge: params.get("code_challenge")!,
    codeChallengeMethod: "S256",
  });
  const wrong = await fetch(`${redirectUri}/?code=${code}&state=forged`);
  assertEquals(wrong.status, 400);
  await wrong.body?.cancel();
  const answer = await fetch(`${redirectUri}/?code=${encodeURIComponent(code)}&state=${params.get("state")}`);
  assertStringIncludes(await answer.text(), "authorised");
  const status = await h.auth.status();
  assertEquals(status.connected, true);
  assertStringIncludes(status.warnings.join(" "), "Testing mode");
  const file = join((h.video.split("/").slice(0, -1)).join("/"), "youtube-token.json");
  assertEquals((await Deno.stat(file)).mode! & 0o777, 0o600);
  const stored = JSON.parse(await Deno.readTextFile(file));
  assert(!JSON.stringify(status).includes(stored.refreshToken), "status shows no token");
  assert(!JSON.stringify(h.log.lines).includes(stored.refreshToken), "the log shows no token");

  // revoked: the next refresh gets invalid_grant, and the status says what to do
  yt.revokeRefreshToken();
  await assertRejects(() => h.auth.token(true), Error, "authorise again");
  const after = await h.auth.status();
  assertEquals(after.connected, false);
  assertStringIncludes(after.warnings.join(" "), "invalid_grant");
});

Deno.test("a lesson gets its thumbnail and playlist item, each charged; an expired session starts over", async () => {
  await using yt = await startYouTubeServer();
  using clock = new FakeClock(Date.now());
  await using h = await harness(yt, clock, { kind: "long", size: "640x360" });
  await h.auth.complete({ refreshToken: yt.issueRefreshToken() });
  const [playlistId] = [...yt.playlists.keys()];
  await h.db.updateTable("settings").set({
    value: JSON.stringify({
      privacy: "scheduled",
      chunkBytes: CHUNK,
      categoryId: "27",
      thumbnail: true,
      playlistId,
    }),
  }).where("key", "=", "youtube.upload").execute();
  // the first chunk is cut; asked afterwards, the session is gone (404): a new one is started
  yt.script(
    { on: "chunk", kind: "drop", afterBytes: 0 },
    { on: "status", kind: "raw", status: 404, body: { error: { code: 404, message: "Not Found" } } },
  );
  const schedule = await h.scheduler.create(h.renderId);
  assertEquals(schedule.reservation, { "videos.insert": 1, pool: 100 });
  const done = await h.uploaded(schedule.id);
  assertEquals(yt.sessions.size, 2);
  const video = yt.videos.get(done.videoId!)!;
  assertEquals(video.sha256, h.sha);
  assert(video.thumbnail && video.thumbnail.size > 1_000, "a thumbnail was set");
  assertEquals(yt.playlists.get(playlistId)!.items.map((i) => i.videoId), [done.videoId]);
  const pool = await h.db.selectFrom("quota_ledger").selectAll().where("bucket", "=", "pool")
    .executeTakeFirst();
  assertEquals({ used: pool?.used, reserved: pool?.reserved }, { used: 100, reserved: 0 });
  assertEquals((await h.ledger())?.used, 2, "two sessions, two videos.insert calls");
});

Deno.test("uploadLimitExceeded puts the channel on a 24-hour cooldown; the upload waits", async () => {
  await using yt = await startYouTubeServer();
  using clock = new FakeClock(Date.now());
  await using h = await harness(yt, clock);
  await h.auth.complete({ refreshToken: yt.issueRefreshToken() });
  yt.script({ on: "insert", kind: "upload_limit_exceeded" });
  const schedule = await h.scheduler.create(h.renderId);
  const waiting = await waitFor("the cooldown", async () => {
    const status = await h.scheduler.quotaStatus();
    return status.cooldownUntil ? status : undefined;
  }, 15_000);
  assertEquals(Date.parse(waiting.cooldownUntil!), clock.now() + 24 * 3_600_000);
  const s = await waitFor("the schedule to wait", async () => {
    const x = await h.scheduler.get(schedule.id);
    return x.state === "scheduled" && x.error ? x : undefined;
  }, 5_000);
  assertStringIncludes(s.error!, "upload limit");
  assertEquals(yt.videos.size, 0);
});
