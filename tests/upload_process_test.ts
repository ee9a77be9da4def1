/**
 * A real daemon killed with SIGKILL in the middle of an upload: the restarted daemon asks the
 * fake YouTube how far the session got and finishes it; YouTube ends up with exactly one video.
 */
import { assert, assertEquals } from "@std/assert";
import { join } from "@std/path";
import { encodeHex } from "@std/encoding/hex";
import { connect } from "../shared/client.ts";
import { openDatabase } from "../daemon/db/mod.ts";
import { startDaemonProcess } from "./helpers/daemon_process.ts";
import { startYouTubeServer } from "./fakes/youtube_server.ts";
import { waitFor } from "./helpers/pipeline_fixture.ts";
import { seedRenders } from "./helpers/schedule_fixture.ts";
import { writeTestVideo } from "./helpers/media.ts";
import { createTestSchema, memoryLogger, testRedisUrl, uniqueName } from "./helpers/services.ts";

Deno.test("a daemon killed mid-upload resumes after restart; YouTube holds exactly one video", async () => {
  await using yt = await startYouTubeServer();
  const schema = await createTestSchema();
  const dir = await Deno.makeTempDir({ prefix: "lingoreel-upload-kill-" });
  const dataDir = join(dir, "data");
  await Deno.mkdir(dataDir, { mode: 0o700 });
  try {
    const video = join(dir, "video.mp4");
    await writeTestVideo(video, { size: "360x640", bitrate: "3M" });
    const size = (await Deno.stat(video)).size;
    const secret = join(dir, "client.json");
    await Deno.writeTextFile(
      secret,
      JSON.stringify({ installed: { client_id: yt.clientId, client_secret: yt.clientSecret } }),
    );
    const env = {
      DATABASE_URL: schema.url,
      REDIS_URL: testRedisUrl(),
      LINGOREEL_REDIS_PREFIX: uniqueName("lr"),
      LINGOREEL_TOKEN: crypto.randomUUID(),
      LINGOREEL_QUEUE_LOCK_MS: "2000",
      YOUTUBE_CLIENT_SECRET_FILE: secret,
      YOUTUBE_API_BASE_URL: yt.url,
      YOUTUBE_UPLOAD_BASE_URL: yt.url,
      GOOGLE_OAUTH_BASE_URL: yt.url,
    };

    const first = await startDaemonProcess({ env, dataDir });
    let api = await connect({ url: first.info.url, token: env.LINGOREEL_TOKEN });
    await api.youtube.authComplete.mutate({ refreshToken: yt.issueRefreshToken() });
    await api.settings.update.mutate({
      "youtube.upload": { privacy: "scheduled", chunkBytes: 256 * 1024, categoryId: "27", thumbnail: false },
    });
    // the render row points at the video (the calendar needs no more)
    const log = memoryLogger();
    await using database = await openDatabase({ databaseUrl: schema.url, dataDir: dir, log });
    const [renderId] = await seedRenders(database.db, 1);
    await database.db.updateTable("renders").set({
      path: video,
      size_bytes: size,
      sidecar: JSON.stringify({
        titles: { es: "Un vídeo" },
        description: "d",
        tags: ["t"],
        language: "en",
        madeForKids: false,
      }),
    }).where("id", "=", renderId).execute();
    // every chunk takes a while, so that the kill lands mid-upload
    yt.script(
      ...Array.from({ length: 40 }, () => ({ on: "chunk" as const, kind: "ok" as const, delayMs: 400 })),
    );
    const schedule = await api.schedule.create.mutate({ renderId });
    await waitFor("part of the video to be confirmed", () => {
      const session = [...yt.sessions.values()][0];
      return Promise.resolve(session && session.received > 0 ? session : undefined);
    }, 30_000);
    api.close();
    await first.stop("SIGKILL");
    const [session] = [...yt.sessions.values()];
    assert(session.received < size, "killed before the end");

    await using second = await startDaemonProcess({ env, dataDir });
    api = await connect({ url: second.info.url, token: env.LINGOREEL_TOKEN });
    const done = await waitFor("the upload to finish after the restart", async () => {
      const [s] = await api.schedule.list.query({});
      if (s?.state === "failed") throw new Error(s.error ?? "failed");
      return s?.state === "uploaded" ? s : undefined;
    }, 60_000);
    api.close();
    assertEquals(done.id, schedule.id);
    assertEquals(yt.videos.size, 1, "exactly one video");
    assertEquals(yt.sessions.size, 1, "the same session, resumed");
    const [stored] = [...yt.videos.values()];
    const sha = encodeHex(new Uint8Array(await crypto.subtle.digest("SHA-256", await Deno.readFile(video))));
    assertEquals(stored.sha256, sha);
    assert(session.statusQueries >= 1, "the restarted daemon asked for the offset");
  } finally {
    await schema[Symbol.asyncDispose]();
    await Deno.remove(dir, { recursive: true });
  }
});
