import {
  assertAlmostEquals,
  assertEquals,
  assertGreater,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { join } from "@std/path";
import { renderOptionsSchema } from "../shared/render.ts";
import type { Cue } from "../shared/schemas.ts";
import {
  assTimeMs,
  buildPlan,
  buildSidecar,
  type FfmpegRunner,
  filterGraph,
  fitTags,
  type PlanExpression,
  PlanTooLongError,
  RenderError,
  type RenderPlan,
  splitToFit,
  tagsLength,
} from "../daemon/render/mod.ts";
import { toSrt, writeSampleAnalyses } from "./helpers/sample_analyses.ts";
import { startTestDaemon, type TestDaemon } from "./helpers/test_daemon.ts";
import { filesUnder } from "./helpers/pipeline_fixture.ts";

// ---------------------------------------------------------------- plans (pure)

const cues: Cue[] = Array.from({ length: 12 }, (_, i) => ({
  index: i + 1,
  startMs: i * 3_000 + 500,
  endMs: i * 3_000 + 2_700,
  text: i === 4 ? "Let's break the ice now." : i === 5 ? "It was a piece of cake." : `Plain line ${i + 1}.`,
}));

function planExpression(id: number, text: string, cue: Cue): PlanExpression {
  return {
    id,
    text,
    line: cue.text,
    startMs: cue.startMs,
    endMs: cue.endMs,
    translations: [{ language: "es", expression: "x", line: `Línea ${id}`, title: `Título ${id}` }],
    meaning: "a meaning",
    similar: ["one", "two"],
    example: "An example.",
    keywords: ["kw"],
  };
}

const source = { path: "/v.mp4", durationMs: 36_000, width: 640, height: 360, hasAudio: true };
const two = [planExpression(1, "break the ice", cues[4]), planExpression(2, "a piece of cake", cues[5])];
const plan = (
  over: Record<string, unknown> = {},
  kind: "short" | "long" = "short",
  context = { startMs: 9_000, endMs: 21_000 },
) =>
  buildPlan({
    kind,
    source,
    context,
    expressions: two,
    sourceCues: cues,
    targetCues: [],
    options: renderOptionsSchema.parse(over),
    show: "Show",
  });

Deno.test("a combined plan: the scene, then per expression a transition, the replays and a lesson card", () => {
  const p = plan();
  assertEquals(p.segments.map((s) => s.type === "clip" ? s.role : s.role), [
    "context",
    "transition",
    "repeat",
    "repeat",
    "lesson",
    "transition",
    "repeat",
    "repeat",
    "lesson",
  ]);
  assertEquals([p.width, p.height], [1080, 1920]);
  const end = p.segments.at(-1)!;
  assertEquals(p.durationMs, end.startMs + end.durationMs, "segments follow each other without gaps");
  assertEquals(p.text.some((t) => t.style === "Title") && p.text.some((t) => t.style === "Keywords"), true);
  assertEquals(
    p.text.filter((t) => t.style === "Target").length > 0,
    true,
    "the translated line stands in for a missing track",
  );
});

Deno.test("plan options: repeat count, a slow last replay, long lessons, bars", () => {
  assertEquals(
    plan({ repeat: 3 }).segments.filter((s) => s.type === "clip" && s.role === "repeat").length,
    6,
  );
  const slow = plan({ slowLastRepeat: true }).segments.filter((s) =>
    s.type === "clip" && s.role === "repeat"
  );
  assertEquals(slow.map((s) => s.type === "clip" && s.speed), [1, 0.75, 1, 0.75]);
  assertAlmostEquals(slow[1].durationMs, slow[0].durationMs / 0.75, 34);
  const long = plan({}, "long");
  assertEquals([long.width, long.height], [1920, 1080]);
  assertEquals(long.text.some((t) => t.style === "Title"), false, "no Shorts overlays on lessons");
  assertStringIncludes(filterGraph(plan({ background: "blur" }), "/t.ass"), "boxblur");
  assertEquals(filterGraph(plan({ background: "bars" }), "/t.ass").includes("boxblur"), false);
  assertStringIncludes(filterGraph(plan({ slowLastRepeat: true }), "/t.ass"), "atempo=0.75");
});

Deno.test("a Short over the maximum has its scene trimmed, never the expressions' lines; too long is refused", () => {
  const wide = { startMs: 0, endMs: 36_000 };
  const trimmed = plan({ maxShortMs: 40_000 }, "short", wide);
  assertEquals(trimmed.trimmedContext, true);
  assertEquals(trimmed.durationMs <= 40_000, true);
  const scene = trimmed.segments[0];
  assertEquals(scene.type === "clip" && scene.fromMs <= cues[4].startMs && scene.toMs >= cues[5].endMs, true);
  const lesson = plan({ maxShortMs: 40_000 }, "long", wide);
  assertEquals(lesson.trimmedContext, false, "lessons are not limited");
  const reduced = plan({ maxShortMs: 30_000, repeat: 3 }, "short", wide);
  assertEquals(
    reduced.segments.filter((s) => s.type === "clip" && s.role === "repeat").length,
    2,
    "one replay each",
  );
  let error: unknown;
  try {
    plan({ maxShortMs: 10_000 });
  } catch (e) {
    error = e;
  }
  assertEquals(error instanceof PlanTooLongError, true);
});

Deno.test("a combined group too long for one Short becomes several, each with the expressions that fit", () => {
  const expressions = [1, 2, 3, 4, 5].map((i) => ({
    id: i,
    contextStartMs: i * 10_000,
    contextEndMs: i * 10_000 + 8_000,
  }));
  const built: number[][] = [];
  // a fake planner: at most two expressions fit a Short
  const build = (set: { expressions: typeof expressions; context: { startMs: number; endMs: number } }) => {
    built.push(set.expressions.map((e) => e.id));
    if (set.expressions.length > 2) throw new PlanTooLongError("too long");
    return { durationMs: set.expressions.length } as unknown as RenderPlan;
  };
  const parts = splitToFit({ expressions, context: { startMs: 10_000, endMs: 58_000 } }, build);
  assertEquals(parts.map((p) => p.set.expressions.map((e) => e.id)), [[1, 2], [3, 4], [5]]);
  // each part keeps the share of the scene its expressions need
  assertEquals(parts[1].set.context, { startMs: 30_000, endMs: 48_000 });
  // one that fits is planned once; one expression that cannot fit is refused
  assertEquals(
    splitToFit({ expressions: expressions.slice(0, 2), context: { startMs: 0, endMs: 1 } }, build).length,
    1,
  );
  const single = () => {
    throw new PlanTooLongError("one expression is too long");
  };
  assertThrows(
    () => splitToFit({ expressions: expressions.slice(0, 1), context: { startMs: 0, endMs: 1 } }, single),
    PlanTooLongError,
  );
});

Deno.test("the sidecar keeps titles within 100 characters and tags within 500", () => {
  const long = {
    ...two[0],
    text: "x".repeat(150),
    keywords: Array.from({ length: 80 }, (_, i) => `keyword number ${i}`),
  };
  const sidecar = buildSidecar({
    kind: "short",
    durationMs: 30_000,
    expressions: [long],
    episode: { show: "Show", code: "S01E01" },
    sourceLanguage: "en",
    scene: { startMs: 0, endMs: 9_000 },
  });
  for (const title of Object.values(sidecar.titles)) assertEquals(title.length <= 100, true, title);
  assertEquals(tagsLength(sidecar.tags) <= 500, true);
  assertEquals(fitTags(["a b", "A B", "c"]), ["a b", "c"], "duplicates dropped");
  assertEquals(sidecar.madeForKids, false);
  assertStringIncludes(sidecar.description, "Clip from Show S01E01");
});

// ---------------------------------------------------------------- real renders

async function ffmpeg(args: string[]) {
  const out = await new Deno.Command("ffmpeg", { args: ["-v", "error", "-y", ...args], stderr: "piped" })
    .output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
}

async function probe(path: string) {
  const out = await new Deno.Command("ffprobe", {
    args: ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", path],
    stdout: "piped",
  }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout)) as {
    format: { duration: string };
    streams: {
      codec_type: string;
      codec_name: string;
      width?: number;
      height?: number;
      pix_fmt?: string;
      sample_rate?: string;
      channels?: number;
      start_time: string;
    }[];
  };
}

/** Integrated loudness (LUFS) of a file, or of a stretch of it. */
async function loudness(path: string, fromMs?: number, toMs?: number): Promise<number> {
  const range = fromMs === undefined
    ? []
    : ["-ss", String(fromMs / 1000), "-t", String((toMs! - fromMs) / 1000)];
  const out = await new Deno.Command("ffmpeg", {
    args: [
      "-hide_banner",
      "-nostats",
      ...range,
      "-i",
      path,
      "-map",
      "0:a",
      "-af",
      "ebur128",
      "-f",
      "null",
      "-",
    ],
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stderr);
  return Number(/Summary:[\s\S]*?I:\s+(-?[\d.]+) LUFS/.exec(text)?.[1]);
}

/** Share of bright pixels in a horizontal band of one frame (burned text is white). */
async function brightShare(
  path: string,
  atMs: number,
  band: { y: number; h: number; w: number },
): Promise<number> {
  const out = await new Deno.Command("ffmpeg", {
    args: [
      "-v",
      "error",
      "-ss",
      String(atMs / 1000),
      "-i",
      path,
      "-frames:v",
      "1",
      "-vf",
      `crop=${band.w}:${band.h}:0:${band.y},format=gray`,
      "-f",
      "rawvideo",
      "-",
    ],
    stdout: "piped",
  }).output();
  const bytes = out.stdout;
  let bright = 0;
  for (const b of bytes) if (b > 220) bright++;
  return bright / bytes.length;
}

const SRT = toSrt(cues);

/** A daemon over one 36-second episode analysed from a sample file: groups [line 2] and [lines 5, 6]. */
async function renderFixture(): Promise<
  { t: TestDaemon; root: string; groups: number[]; cleanup: () => Promise<void> }
> {
  const root = await Deno.makeTempDir({ prefix: "lingoreel-render-" });
  const dir = join(root, "Sample Show", "Season 01");
  await Deno.mkdir(dir, { recursive: true });
  const video = join(dir, "Sample Show - S01E01 - Test.mp4");
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    "testsrc2=size=640x360:rate=25:duration=36",
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=330:duration=36,volume=0.08",
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-c:a",
    "aac",
    "-shortest",
    video,
  ]);
  await Deno.writeTextFile(join(dir, "Sample Show - S01E01 - Test.en.srt"), SRT);
  cues[1] = { ...cues[1], text: "Let's call it a day." };
  await Deno.writeTextFile(
    join(dir, "Sample Show - S01E01 - Test.en.srt"),
    SRT.replace("Plain line 2.", "Let's call it a day."),
  );
  await writeSampleAnalyses(root, [["call it a day", 2], ["break the ice", 5], ["a piece of cake", 6]]);

  const t = await startTestDaemon({ LINGOREEL_MEDIA_ROOTS: root });
  const api = t.caller();
  await api.library.scan();
  const [episode] = (await api.library.list({})).items;
  await api.analysis.run({
    episodeId: episode.id,
    options: { contextMs: { target: 8_000, tolerance: 4_000 } },
  });
  const expressions = await api.expressions.list({ episodeId: episode.id });
  const groups = [...new Set(expressions.map((e) => e.groupId!))];
  return {
    t,
    root,
    groups,
    cleanup: async () => {
      await t[Symbol.asyncDispose]();
      await Deno.remove(root, { recursive: true });
    },
  };
}

const FAST = { preset: "ultrafast" as const };

Deno.test("a combined Short renders in one encode: planned length, 1080x1920 H.264/AAC, -16 LUFS, sound in every replay, text on time", async () => {
  const { t, groups, cleanup } = await renderFixture();
  try {
    assertEquals(groups.length, 2);
    const combined = groups[1];
    const renderer = t.daemon.services.renderer;
    // black bars, so that the band under the picture holds nothing but the subtitles
    const options = { ...FAST, slowLastRepeat: true, background: "bars" as const };
    const [output] = await renderer.plan(combined, options);
    assertEquals(output.expressions.length, 2, "lines 5 and 6 share a scene");
    const [render] = await t.caller().renders.create({
      groupId: combined,
      options,
    });

    const info = await probe(render.path);
    assertAlmostEquals(Number(info.format.duration), output.plan.durationMs / 1000, 0.1);
    const video = info.streams.find((s) => s.codec_type === "video")!;
    const audio = info.streams.find((s) => s.codec_type === "audio")!;
    assertEquals([video.codec_name, video.width, video.height, video.pix_fmt], [
      "h264",
      1080,
      1920,
      "yuv420p",
    ]);
    assertEquals([audio.codec_name, audio.sample_rate, audio.channels], ["aac", "48000", 2]);
    assertAlmostEquals(
      Number(video.start_time),
      Number(audio.start_time),
      0.05,
      "audio and video start together",
    );
    assertAlmostEquals(await loudness(render.path), -16, 1);
    for (const seg of output.plan.segments.filter((s) => s.type === "clip" && s.role === "repeat")) {
      const level = await loudness(render.path, seg.startMs + 100, seg.startMs + seg.durationMs - 100);
      assertGreater(level, -40, `replay at ${seg.startMs} ms has sound`);
    }
    // a line of the scene is on screen during its cue, and the band is empty in the gap after it
    const band = { y: 1300, h: 120, w: 1080 };
    const scene = output.plan.segments[0];
    const lines = output.plan.text.filter((e) => e.style === "Source" && e.endMs <= scene.durationMs);
    const line = lines.find((e, i) => lines[i + 1] && lines[i + 1].startMs - e.endMs > 400)!;
    assertGreater(await brightShare(render.path, line.startMs + 300, band), 0.01);
    assertEquals(await brightShare(render.path, line.endMs + 200, band) < 0.002, true);
    // to the frame: the text is drawn only where it changes, and held in between
    const framed = lines.find((e, i) =>
      i > 0 && e.startMs - lines[i - 1].endMs > 400 && lines[i + 1] && lines[i + 1].startMs - e.endMs > 400
    )!;
    const fps = output.plan.fps;
    const frameAt = (ms: number) => Math.ceil((assTimeMs(ms) * fps) / 1000);
    // ffmpeg's -ss stops at the first frame at or after the time: half a frame before it
    const frame = (n: number) => ((n - 0.5) * 1000) / fps;
    const [first, after] = [frameAt(framed.startMs), frameAt(framed.endMs)];
    assertEquals(await brightShare(render.path, frame(first - 1), band) < 0.002, true, "frame before");
    assertGreater(await brightShare(render.path, frame(first), band), 0.01, "first frame");
    assertGreater(await brightShare(render.path, frame(after - 1), band), 0.01, "last frame");
    assertEquals(await brightShare(render.path, frame(after), band) < 0.002, true, "frame after");
    assertEquals(render.durationMs <= 60_000, true);

    const sidecar = JSON.parse(await Deno.readTextFile(render.sidecarPath));
    assertEquals(sidecar.expressions.length, 2);
    assertStringIncludes(render.path, "break-the-ice-e");
    assertEquals((await t.caller().renders.list({ groupId: combined })).map((r) => r.id), [render.id]);
    const [marked] = await t.caller().renders.mark({ ids: [render.id], marked: true });
    assertEquals(marked.marked, true);
    assertEquals((await t.caller().renders.get({ id: render.id })).marked, true);
    assertEquals((await t.caller().renders.list({ marked: true })).map((r) => r.id), [render.id]);
    assertEquals((await t.caller().renders.list({ marked: false })).some((r) => r.id === render.id), false);
    const again = await t.caller().renders.create({
      groupId: combined,
      options,
    });
    assertEquals(again[0].path, render.path, "the file name is stable: a re-render replaces the file");
  } finally {
    await cleanup();
  }
});

Deno.test("every output video is exactly one ffmpeg run; a lesson is 1920x1080; a missing hardware encoder falls back", async () => {
  const { t, groups, cleanup } = await renderFixture();
  try {
    const runs: string[][] = [];
    const real = (t.daemon.services.renderer as unknown as { deps: { ffmpeg: FfmpegRunner } }).deps.ffmpeg;
    (t.daemon.services.renderer as unknown as { deps: { ffmpeg: FfmpegRunner } }).deps.ffmpeg = {
      run: (args, options) => {
        runs.push(args);
        return real.run(args, options);
      },
    };
    // no NVIDIA card here: the encoder is probed and replaced by libx264 with a warning
    const renders = await t.daemon.services.renderer.renderGroup(groups[1], {
      ...FAST,
      kinds: ["short", "long"],
      encoder: "h264_nvenc",
    });
    assertEquals(renders.length, 2);
    assertEquals(runs.length, 2, "one encode per video");
    assertEquals(runs.every((args) => args[args.indexOf("-c:v") + 1] === "libx264"), true);
    assertEquals(
      t.log.lines.some((l) => String(l.msg).includes("h264_nvenc does not work on this machine")),
      true,
    );
    assertEquals(
      runs.every((args) => args.filter((a) => a === "-i").length === args.filter((a) => a === "-ss").length),
      true,
      "every input is opened at its own clip",
    );
    assertEquals(runs.every((args) => args.filter((a) => a === "-c:v").length === 1), true, "one encoder");
    const long = renders.find((r) => r.kind === "long")!;
    assertEquals([long.width, long.height], [1920, 1080]);
  } finally {
    await cleanup();
  }
});

Deno.test("cancelling a render kills ffmpeg and leaves no files; parallel renders keep to their own files", async () => {
  const { t, groups, cleanup } = await renderFixture();
  try {
    const renderer = t.daemon.services.renderer;
    const output = t.daemon.services.config.outputDir;
    const controller = new AbortController();
    const cancelled = renderer.renderGroup(groups[1], { preset: "medium" }, {
      signal: controller.signal,
      onProgress: (fraction) => fraction > 0.05 && controller.abort(new Error("cancelled by test")),
    });
    await assertRejects(() => cancelled, Error, "cancelled by test");
    assertEquals(await filesUnder(output), [], "no partial video or sidecar");
    assertEquals(await filesUnder(join(t.dataDir, "tmp")), [], "no temporary folder left");

    const [a, b] = await Promise.all([
      renderer.renderGroup(groups[0], FAST),
      renderer.renderGroup(groups[1], FAST),
    ]);
    assertEquals(a[0].path !== b[0].path, true);
    const files = (await filesUnder(output)).sort();
    assertEquals(files, [a[0].path, a[0].sidecarPath, b[0].path, b[0].sidecarPath].sort());
    assertEquals(await filesUnder(join(t.dataDir, "tmp")), []);
  } finally {
    await cleanup();
  }
});

Deno.test("a corrupt source gives an error naming the file, and nothing is left behind", async () => {
  const { t, root, groups, cleanup } = await renderFixture();
  try {
    const video = join(root, "Sample Show", "Season 01", "Sample Show - S01E01 - Test.mp4");
    const bytes = await Deno.readFile(video);
    await Deno.writeFile(video, bytes.slice(0, 2_000)); // truncated: no usable frames
    const error = await assertRejects(
      () => t.daemon.services.renderer.renderGroup(groups[0], FAST),
      RenderError,
    );
    assertStringIncludes(error.message, "Sample Show - S01E01 - Test.mp4");
    assertEquals(await filesUnder(t.daemon.services.config.outputDir), []);
    assertEquals(await filesUnder(join(t.dataDir, "tmp")), []);
  } finally {
    await cleanup();
  }
});

Deno.test("renders.preview describes the plan and draws the lesson card as a PNG", async () => {
  const { t, groups, cleanup } = await renderFixture();
  try {
    const preview = await t.caller().renders.preview({ groupId: groups[1] });
    assertStringIncludes(preview.plans[0][0], "Short 1080x1920");
    assertEquals(preview.plans[0].some((l) => l.includes("lesson card")), true);
    const png = Uint8Array.from(atob(preview.cardPng), (c) => c.charCodeAt(0));
    assertEquals([...png.slice(1, 4)].map((b) => String.fromCharCode(b)).join(""), "PNG");
  } finally {
    await cleanup();
  }
});
