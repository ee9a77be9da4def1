/**
 * Export figures on one sample episode (S01E01 of `make_sample.ts`, its hand-written analyses
 * stored by `analysis.run` without a key, every expression approved):
 * - wall time of an Anki export (`.apkg` with an mp3 snippet and a jpg screenshot per note) and
 *   of a CSV export, the median of `--runs`;
 * - ffmpeg runs per export (counted through the runner): two per episode (snippets, screenshots);
 * - the media alone cut that way against the naive way, one ffmpeg run per file (same arguments).
 *
 * Needs a PostgreSQL and a Redis for the in-process daemon: TEST_DATABASE_URL and TEST_REDIS_URL,
 * as scripts/test sets them (the daemon gets its own schema and Redis prefix, removed afterwards).
 *
 *   deno run -A scripts/bench/export.ts [--json] [--runs 3] [--sample DIR]
 *
 * --sample reuses a sample library made before by make_sample.ts (it is copied, not changed).
 */
// deno-lint-ignore-file no-console -- a command-line entry point
import { join } from "@std/path";
import { loadCues } from "../../daemon/library/mod.ts";
import { FfmpegProcess, type FfmpegRunner } from "../../daemon/render/mod.ts";
import { Exporter, mediaCommands } from "../../daemon/export/mod.ts";
import { startTestDaemon } from "../../tests/helpers/test_daemon.ts";

const args = Deno.args;
const json = args.includes("--json");
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const RUNS = Number(option("--runs") ?? 3);
const sampleDir = option("--sample");
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error("--runs expects a positive integer");
if (!Deno.env.get("TEST_DATABASE_URL") || !Deno.env.get("TEST_REDIS_URL")) {
  console.error(
    "bench/export needs TEST_DATABASE_URL (a PostgreSQL database it may create schemas in) and " +
      "TEST_REDIS_URL (a Redis), as scripts/test sets them.",
  );
  Deno.exit(2);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

const work = await Deno.makeTempDir({ prefix: "lingoreel-bench-export-" });
try {
  const root = join(work, "media");
  if (sampleDir) {
    await Deno.mkdir(root, { recursive: true });
    const copy = await new Deno.Command("cp", { args: ["-a", `${sampleDir}/.`, root], stderr: "piped" })
      .output();
    if (!copy.success) throw new Error(new TextDecoder().decode(copy.stderr));
  } else {
    const make = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../sample/make_sample.ts", import.meta.url).pathname, "--out", root],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!make.success) throw new Error(new TextDecoder().decode(make.stderr));
  }
  await using t = await startTestDaemon({ LINGOREEL_MEDIA_ROOTS: root, LINGOREEL_ROLE: "api" });
  const api = t.caller();
  await api.library.scan();
  const episode = (await api.library.list({})).items.find((e) => e.path.includes("S01E01"));
  if (!episode) throw new Error(`No S01E01 in the sample library ${root}`);
  await api.analysis.run({ episodeId: episode.id });
  const expressions = await api.expressions.list({ episodeId: episode.id });
  if (!expressions.length) throw new Error("The sample analysis gave no expressions");
  await api.expressions.review({ ids: expressions.map((e) => e.id), decision: "approve" });

  const { services } = t.daemon;
  const db = services.database.db;
  const real = new FfmpegProcess(services.library.ffmpeg);
  let runs = 0;
  const counting: FfmpegRunner = { run: (a, o) => (runs++, real.run(a, o)) };
  const exporter = new Exporter({
    db,
    ffmpeg: counting,
    cues: (episodeId, language) =>
      loadCues(db, {
        episodeId,
        language,
        ffmpeg: services.library.ffmpeg,
        cacheDir: services.library.cacheDir,
      }),
    outputDir: join(work, "output"),
    dataDir: t.dataDir,
    log: t.log,
  });

  const timed = async (format: "anki" | "csv") => {
    const times: number[] = [];
    let last;
    for (let i = 0; i < RUNS; i++) {
      runs = 0;
      const started = performance.now();
      last = await exporter.export({ episodeIds: [episode.id], format });
      times.push(performance.now() - started);
    }
    return { ms: median(times), runs, result: last! };
  };
  const anki = await timed("anki");
  if (!json) console.log(`  (anki: ${Math.round(anki.ms)} ms, ${anki.runs} ffmpeg run(s))`);
  const csv = await timed("csv");

  // the naive way: the same cuts, one ffmpeg run per file
  const doc = JSON.parse(
    await Deno.readTextFile((await exporter.export({ episodeIds: [episode.id], format: "json" })).path),
  ) as { notes: { timing: { audioStartMs: number; audioEndMs: number; screenshotMs: number } }[] };
  const naiveDir = join(work, "naive");
  await Deno.mkdir(naiveDir);
  const audioStream = episode.audioTracks[0]?.index ?? null;
  const perFile = doc.notes.flatMap((n, i) => [
    {
      audio: { startMs: n.timing.audioStartMs, endMs: n.timing.audioEndMs, path: join(naiveDir, `${i}.mp3`) },
    },
    { screenshot: { atMs: n.timing.screenshotMs, path: join(naiveDir, `${i}.jpg`) } },
  ]);
  const naiveTimes: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const started = performance.now();
    for (const cut of perFile) {
      for (const run of mediaCommands({ path: episode.path, audioStream }, [cut], { screenshotWidth: 640 })) {
        await real.run(run.args);
      }
    }
    naiveTimes.push(performance.now() - started);
  }
  // the media alone, cut the exporter's way, for a like-for-like comparison
  const oursMediaTimes: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const cuts = doc.notes.map((n, i) => ({
      audio: {
        startMs: n.timing.audioStartMs,
        endMs: n.timing.audioEndMs,
        path: join(naiveDir, `o${i}.mp3`),
      },
      screenshot: { atMs: n.timing.screenshotMs, path: join(naiveDir, `o${i}.jpg`) },
    }));
    const started = performance.now();
    // as the exporter does: the audio run and the screenshot run side by side
    const runs = mediaCommands({ path: episode.path, audioStream }, cuts, { screenshotWidth: 640 });
    await Promise.all(runs.map((run) => real.run(run.args)));
    oursMediaTimes.push(performance.now() - started);
  }

  const result = {
    episode: `${episode.show} S01E01`,
    episodeSeconds: Math.round((episode.durationMs ?? 0) / 100) / 10,
    notes: anki.result.notes,
    mediaFiles: anki.result.mediaFiles,
    runs: RUNS,
    ankiMs: Math.round(anki.ms),
    ankiFfmpegRuns: anki.runs,
    apkgBytes: (await Deno.stat(anki.result.path)).size,
    csvMs: Math.round(csv.ms),
    csvFfmpegRuns: csv.runs,
    mediaMs: Math.round(median(oursMediaTimes)),
    mediaNaiveMs: Math.round(median(naiveTimes)),
    naiveFfmpegRuns: perFile.length,
    speedupOverNaive: Math.round((median(naiveTimes) / median(oursMediaTimes)) * 100) / 100,
  };
  if (json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(
      `export: ${result.episode} (${result.episodeSeconds} s), ${result.notes} notes, ${result.mediaFiles} media files, median of ${RUNS} (${navigator.hardwareConcurrency} cores)`,
    );
    console.log(
      `  anki (.apkg)            ${result.ankiMs} ms   ffmpeg runs ${result.ankiFfmpegRuns}   ${result.apkgBytes} bytes`,
    );
    console.log(`  csv (+ media folder)    ${result.csvMs} ms   ffmpeg runs ${result.csvFfmpegRuns}`);
    console.log(
      `  media alone             ${result.mediaMs} ms   vs one run per file ${result.mediaNaiveMs} ms (${result.naiveFfmpegRuns} runs) → ${result.speedupOverNaive}x`,
    );
  }
} finally {
  await Deno.remove(work, { recursive: true });
}
