import { assertEquals, assertExists, assertRejects, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import { TRPCError } from "@trpc/server";
import { migrateToLatest, openDatabase } from "../daemon/db/mod.ts";
import {
  FfprobeRunner,
  getEpisode,
  LibraryScanner,
  listEpisodes,
  type Prober,
} from "../daemon/library/mod.ts";
import { memoryLogger } from "./helpers/services.ts";
import { SRT, writeText, writeVideo, writeVideoWithSubtitles } from "./helpers/media.ts";
import { startTestDaemon } from "./helpers/test_daemon.ts";

/** ffprobe, counting its runs. */
function countingProber(): Prober & { calls: number } {
  const runner = new FfprobeRunner(() => Promise.resolve("ffprobe"));
  return {
    calls: 0,
    probe(path, signal) {
      this.calls++;
      return runner.probe(path, signal);
    },
  };
}

/** A library with every naming form and subtitle layout the scanner must understand. */
async function makeLibrary(root: string, outside: string) {
  await writeVideo(join(root, "Show A/Season 01/Show.A.S01E01.Pilot.1080p.WEB-DL.x264-GRP.mkv"));
  for (const suffix of ["en", "eng.forced", "es.sdh"]) {
    await writeText(
      join(root, `Show A/Season 01/Show.A.S01E01.Pilot.1080p.WEB-DL.x264-GRP.${suffix}.srt`),
      SRT,
    );
  }
  await writeVideo(join(root, "Show A/Season 01/Show.A.S01E02.mkv"));
  await writeVideo(join(root, "Show B - 1x02 - Second Coming.mp4"));
  await writeText(join(root, "Show B - 1x02 - Second Coming.srt"), SRT);
  await writeVideo(join(root, "Netflix Show/Season 1/Netflix.Show.S01E03.mkv"));
  await writeText(join(root, "Netflix Show/Season 1/Subs/Netflix.Show.S01E03/2_English.srt"), SRT);
  await writeText(join(root, "Netflix Show/Season 1/Subs/Netflix.Show.S01E03/3_Spanish.srt"), SRT);
  await writeVideo(join(root, "Films/Some Film (2010)/Some.Film.2010.mp4"));
  await writeText(
    join(root, "Films/Some Film (2010)/Subtitles/English.vtt"),
    "WEBVTT\n\n00:00.100 --> 00:00.400\nHi\n",
  );
  await writeVideoWithSubtitles(join(root, "Embedded/Season 1/Embedded.S01E01.mkv"), SRT, "ger");
  await writeText(join(root, "Broken/Season 1/Broken.S01E01.mkv"), "this is not a video at all");
  await writeVideo(join(root, ".hidden/Secret.S01E01.mkv"));
  await writeText(join(root, "notes.txt"), "not media");
  await writeVideo(join(outside, "Elsewhere.S01E01.mkv"));
  await Deno.symlink(outside, join(root, "Linked Out"));
  await Deno.symlink(join(root, "Show A"), join(root, "Show A again")); // inside the root: same files
  await Deno.symlink(join(root, "Show B - 1x02 - Second Coming.mp4"), join(root, "Zz alias.mp4"));
}

async function snapshot(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const path = join(dir, e.name);
      const info = await Deno.lstat(path);
      out.push(`${path} ${info.size} ${info.mtime?.getTime()}`);
      if (e.isDirectory) await walk(path);
    }
  };
  await walk(root);
  return out.sort();
}

Deno.test("the scanner reads naming forms, sidecars, the Netflix layout and embedded streams, and rescans incrementally", async () => {
  const root = await Deno.makeTempDir({ prefix: "lingoreel-root-" });
  const outside = await Deno.makeTempDir({ prefix: "lingoreel-outside-" });
  const dataDir = await Deno.makeTempDir({ prefix: "lingoreel-data-" });
  try {
    await makeLibrary(root, outside);
    const before = await snapshot(root);
    const log = memoryLogger();
    await using database = await openDatabase({ dataDir, log }); // the embedded database path
    await migrateToLatest(database.db, log);
    const prober = countingProber();
    const progress: string[] = [];
    const scanner = new LibraryScanner({
      db: database.db,
      roots: [root],
      prober,
      log,
      onProgress: (p) => progress.push(p.phase),
    });

    const first = await scanner.scan();
    // 6 real videos and the corrupt one; what links inside the root lead to is counted once
    assertEquals({ added: first.added, failed: first.failed, probes: first.probes }, {
      added: 7,
      failed: 1,
      probes: 7,
    });
    assertEquals(prober.calls, 7);
    assertEquals(progress.includes("probing") && progress.at(-1), "done");
    assertEquals(
      log.lines.some((l) => String(l.msg).includes("symbolic link leads outside the media root")),
      true,
    );

    const { items } = await listEpisodes(database.db, { limit: 100 });
    const byPath = new Map(items.map((e) => [e.relPath, e]));
    assertEquals(byPath.has("Linked Out/Elsewhere.S01E01.mkv"), false, "a link out of the root is ignored");
    assertEquals([...byPath.keys()].some((p) => p.includes(".hidden")), false);

    const pilot = byPath.get("Show A/Season 01/Show.A.S01E01.Pilot.1080p.WEB-DL.x264-GRP.mkv")!;
    assertEquals([pilot.show, pilot.season, pilot.episode, pilot.title], ["Show A", 1, 1, "Pilot"]);
    assertEquals(pilot.subtitleLanguages, ["en", "es"]);
    assertEquals([pilot.width, pilot.height, pilot.durationMs! > 900], [64, 64, true]);
    const pilotTracks = (await getEpisode(database.db, pilot.id)).subtitleTracks;
    assertEquals(
      pilotTracks.map((t) => [t.language, t.forced, t.sdh]).sort(),
      [["en", false, false], ["en", true, false], ["es", false, true]],
    );

    const showB = byPath.get("Show B - 1x02 - Second Coming.mp4")!;
    assertEquals([showB.show, showB.season, showB.episode, showB.title], ["Show B", 1, 2, "Second Coming"]);
    assertEquals((await getEpisode(database.db, showB.id)).subtitleTracks.map((t) => t.language), [null]);

    const netflix = byPath.get("Netflix Show/Season 1/Netflix.Show.S01E03.mkv")!;
    assertEquals(netflix.subtitleLanguages, ["en", "es"]);

    const film = byPath.get("Films/Some Film (2010)/Some.Film.2010.mp4")!;
    assertEquals([film.kind, film.show, film.year, film.subtitleLanguages], ["film", "Some Film", 2010, [
      "en",
    ]]);

    const embedded = await getEpisode(database.db, byPath.get("Embedded/Season 1/Embedded.S01E01.mkv")!.id);
    assertEquals(embedded.subtitleTracks.map((t) => [t.source, t.language, t.format, t.supported]), [
      ["embedded", "de", "subrip", true],
    ]);

    const broken = byPath.get("Broken/Season 1/Broken.S01E01.mkv")!;
    assertStringIncludes(broken.probeError ?? "", "may be corrupt");

    // unchanged: no ffprobe at all
    const second = await scanner.scan();
    assertEquals({ ...second, durationMs: 0 }, {
      added: 0,
      updated: 0,
      removed: 0,
      unchanged: 7,
      failed: 0,
      probes: 0,
      durationMs: 0,
    });
    assertEquals(prober.calls, 7);
    assertEquals(await snapshot(root), before, "two scans wrote nothing into the media root");

    // a changed file is probed again; a new sidecar updates without probing; a removed file goes
    const changed = join(root, "Show A/Season 01/Show.A.S01E02.mkv");
    await Deno.utime(changed, new Date(), new Date(Date.now() + 5_000));
    await writeText(join(root, "Show B - 1x02 - Second Coming.fr.srt"), SRT);
    await Deno.remove(join(root, "Films/Some Film (2010)/Some.Film.2010.mp4"));
    const third = await scanner.scan();
    assertEquals([third.added, third.updated, third.removed, third.probes], [0, 2, 1, 1]);
  } finally {
    for (const dir of [root, outside, dataDir]) await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("library procedures: roots, scan, search and filters, cursor pages, details, and clear errors", async () => {
  const root = await Deno.makeTempDir({ prefix: "lingoreel-root-" });
  const outside = await Deno.makeTempDir({ prefix: "lingoreel-outside-" });
  try {
    await makeLibrary(root, outside);
    await using t = await startTestDaemon({ LINGOREEL_MEDIA_ROOTS: root });
    const api = t.caller();
    const controller = new AbortController();
    const events = t.daemon.services.events.subscribe({
      types: ["library.progress", "library.changed"],
      signal: controller.signal,
    });
    const seen: string[] = [];
    const collecting = (async () => {
      for await (const { event } of events) {
        seen.push(event.type === "library.progress" ? event.data.phase : event.type);
        if (event.type === "library.changed") break;
      }
    })();
    const scan = await api.library.scan();
    assertEquals(scan.added, 7);
    await collecting;
    controller.abort();
    assertEquals(seen.includes("probing") && seen.includes("done"), true, seen.join(" "));
    assertEquals(seen.at(-1), "library.changed");
    const [rootInfo] = await api.library.roots();
    assertEquals([rootInfo.path, rootInfo.exists, rootInfo.readable, rootInfo.episodes], [
      root,
      true,
      true,
      7,
    ]);
    assertExists(rootInfo.freeBytes);

    const pages: number[][] = [];
    let cursor: string | null | undefined;
    do {
      const page = await api.library.list({ limit: 2, cursor });
      pages.push(page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    const all = (await api.library.list({ limit: 100 })).items.map((e) => e.id);
    assertEquals(pages.flat(), all, "pages follow each other without gaps or repeats");
    assertEquals(pages.length, 4);

    assertEquals((await api.library.list({ query: "second coming" })).items.map((e) => e.show), ["Show B"]);
    assertEquals((await api.library.list({ show: "show a" })).items.length, 2);
    assertEquals((await api.library.list({ language: "es" })).items.map((e) => e.show).sort(), [
      "Netflix Show",
      "Show A",
    ]);
    const withoutSubs = (await api.library.list({ hasSubtitles: false })).items.map((e) => e.relPath);
    assertEquals(withoutSubs.some((p) => p.includes("Broken")), true);

    const pilot = (await api.library.list({ query: "pilot" })).items[0];
    const detail = await api.library.get({ id: pilot.id });
    assertEquals(detail.subtitleTracks.length, 3);

    const notFound = await assertRejects(() => api.library.get({ id: 999_999 }), TRPCError);
    assertEquals(notFound.code, "NOT_FOUND");
    const outsideRoot = await assertRejects(() => api.library.scan({ root: "/etc" }), TRPCError);
    assertEquals(outsideRoot.code, "BAD_REQUEST");
    assertStringIncludes(outsideRoot.message, "LINGOREEL_MEDIA_ROOTS");
    const badCursor = await assertRejects(() => api.library.list({ cursor: "garbage" }), TRPCError);
    assertEquals(badCursor.code, "BAD_REQUEST");
    const badLimit = await assertRejects(() => api.library.list({ limit: 0 }), TRPCError);
    assertEquals(badLimit.code, "BAD_REQUEST");
  } finally {
    for (const dir of [root, outside]) await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("library.cues reads sidecar and embedded tracks, windows them, and names a broken file's line", async () => {
  const root = await Deno.makeTempDir({ prefix: "lingoreel-root-" });
  try {
    await writeVideo(join(root, "Show/Season 1/Show.S01E01.mkv"));
    await writeText(join(root, "Show/Season 1/Show.S01E01.en.srt"), SRT);
    await writeText(join(root, "Show/Season 1/Show.S01E01.es.srt"), SRT.replace("Hello there.", "Hola."));
    await writeVideoWithSubtitles(
      join(root, "Show/Season 1/Show.S01E02.mkv"),
      SRT.replace("Hello", "Embedded hello"),
    );
    await writeVideo(join(root, "Show/Season 1/Show.S01E03.mkv"));
    await writeText(
      join(root, "Show/Season 1/Show.S01E03.en.srt"),
      "<!DOCTYPE html>\n<html><body>Download</body></html>\n",
    );
    await writeVideo(join(root, "Show/Season 1/Show.S01E04.mkv"));

    await using t = await startTestDaemon({ LINGOREEL_MEDIA_ROOTS: root });
    const api = t.caller();
    await api.library.scan();
    const episodes = (await api.library.list({})).items;
    const id = (n: number) => episodes.find((e) => e.episode === n)!.id;

    const english = await api.library.cues({ episodeId: id(1) });
    assertEquals(english.map((c) => [c.index, c.startMs, c.endMs, c.text]), [
      [1, 100, 400, "Hello there."],
      [2, 500, 900, "How are you?"],
    ]);
    const spanishTrack = (await api.library.get({ id: id(1) })).subtitleTracks.find((t) =>
      t.language === "es"
    )!;
    assertEquals((await api.library.cues({ episodeId: id(1), track: spanishTrack.id }))[0].text, "Hola.");
    assertEquals(
      (await api.library.cues({ episodeId: id(1), fromMs: 450, toMs: 2_000 })).map((c) => c.index),
      [2],
    );

    const embedded = await api.library.cues({ episodeId: id(2) });
    assertEquals(embedded[0].text, "Embedded hello there.");
    assertEquals((await api.library.cues({ episodeId: id(2) }))[0].text, "Embedded hello there.", "cached");

    const broken = await assertRejects(() => api.library.cues({ episodeId: id(3) }), TRPCError);
    assertEquals(broken.code, "UNPROCESSABLE_CONTENT");
    assertStringIncludes(broken.message, "Show.S01E03.en.srt");
    assertStringIncludes(broken.message, "line 1");

    const none = await assertRejects(() => api.library.cues({ episodeId: id(4) }), TRPCError);
    assertEquals(none.code, "NOT_FOUND");
    assertStringIncludes(none.message, "Show.S01E04.en.srt");

    await Deno.remove(join(root, "Show/Season 1/Show.S01E01.en.srt"));
    const gone = await assertRejects(() => api.library.cues({ episodeId: id(1) }), TRPCError);
    assertStringIncludes(gone.message, "rescan");

    const window = await assertRejects(
      () => api.library.cues({ episodeId: id(1), fromMs: 5, toMs: 5 }),
      TRPCError,
    );
    assertEquals(window.code, "BAD_REQUEST");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
