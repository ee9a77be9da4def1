/**
 * Render figures on a sample episode with 5 expressions (Shorts, veryfast):
 * - encode passes per output video (ffmpeg runs counted): must be exactly 1;
 * - wall time against a baseline that renders the same outputs (the scene with subtitles, the
 *   line replayed with its subtitles, the transition and lesson cards with their text, title and
 *   keywords, loudness) the multi-pass way the prior implementation did — cut → burn subtitles →
 *   repeat → cards → concat → overlays → loudnorm, each step re-encoding with the same preset:
 *   at least 2.5x faster;
 * - wall time against the floor (one plain encode of an output of the same length and settings);
 * - combined mode (3 expressions sharing one scene) against 3 separate videos.
 *
 *   deno run -A scripts/bench/render.ts [--json] [--preset veryfast]
 */
// deno-lint-ignore-file no-console -- a command-line entry point
import { join } from "@std/path";
import { renderOptionsSchema } from "../../shared/render.ts";
import { readSubtitleFile } from "../../daemon/subtitles/mod.ts";
import { FfprobeRunner, toMediaInfo } from "../../daemon/library/ffprobe.ts";
import {
  AUDIO_ENCODE,
  buildPlan,
  compilePlan,
  FfmpegProcess,
  type FfmpegRunner,
  type PlanExpression,
  renderAss,
  type RenderPlan,
  videoEncoder,
} from "../../daemon/render/mod.ts";
import { SAMPLE_ANALYSES } from "../sample/analyses.ts";

const args = Deno.args;
const json = args.includes("--json");
const preset = args.includes("--preset") ? args[args.indexOf("--preset") + 1] : "veryfast";
const crf = 21;

async function ffmpeg(list: string[]): Promise<void> {
  const out = await new Deno.Command("ffmpeg", { args: ["-v", "error", "-y", ...list], stderr: "piped" })
    .output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
}

const work = await Deno.makeTempDir({ prefix: "lingoreel-bench-render-" });
try {
  // one full-length sample episode
  const make = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../sample/make_sample.ts", import.meta.url).pathname, "--out", work],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!make.success) throw new Error(new TextDecoder().decode(make.stderr));
  const base = join(work, "Sample Show", "Season 01", "Sample Show - S01E01 - The Coffee Shop");
  const video = `${base}.mp4`;
  const en = (await readSubtitleFile(`${base}.en.srt`)).cues;
  const es = (await readSubtitleFile(`${base}.es.srt`)).cues;
  // the source as the scanner records it (size, frame rate), which the renderer passes on
  const info = toMediaInfo(video, await new FfprobeRunner(() => Promise.resolve("ffprobe")).probe(video));
  const source = {
    path: video,
    durationMs: info.durationMs ?? 0,
    width: info.width ?? 1280,
    height: info.height ?? 720,
    hasAudio: info.audio.length > 0,
    fps: info.fps,
  };
  const all: (PlanExpression & { from: number; to: number })[] = SAMPLE_ANALYSES.S01E01.expressions.map((
    e,
    i,
  ) => ({
    id: i + 1,
    text: e.expression,
    line: en[e.expressionCue - 1].text,
    startMs: en[e.expressionCue - 1].startMs,
    endMs: en[e.expressionCue - 1].endMs,
    translations: e.translations,
    meaning: e.meaning,
    similar: e.similar,
    example: e.example,
    keywords: e.keywords,
    from: en[e.contextStartCue - 1].startMs,
    to: en[e.contextEndCue - 1].endMs,
  }));
  const options = renderOptionsSchema.parse({ preset, crf });
  const planFor = (expressions: typeof all, kind: "short" | "long" = "short") =>
    buildPlan({
      kind,
      source,
      context: {
        startMs: Math.min(...expressions.map((e) => e.from)),
        endMs: Math.max(...expressions.map((e) => e.to)),
      },
      expressions,
      sourceCues: en,
      targetCues: es,
      options,
      show: "Sample Show",
    });

  let runs = 0;
  const real = new FfmpegProcess(() => Promise.resolve("ffmpeg"));
  const counting: FfmpegRunner = { run: (a, o) => (runs++, real.run(a, o)) };
  const render = async (plan: RenderPlan, name: string) => {
    const ass = join(work, `${name}.ass`);
    await Deno.writeTextFile(ass, renderAss(plan));
    await counting.run(
      compilePlan(plan, { assPath: ass, output: join(work, `${name}.mp4`) }, {
        encoder: "libx264",
        preset,
        crf,
      }),
    );
  };

  // ours: 5 expressions, one Short each
  const five = [0, 2, 3, 4, 6].map((i) => all[i]);
  const plans = five.map((e) => planFor([e]));
  let started = performance.now();
  for (const [i, plan] of plans.entries()) await render(plan, `ours-${i}`);
  const oursMs = performance.now() - started;
  const passesPerVideo = runs / plans.length;
  if (!json) console.log(`  (lingoreel: ${Math.round(oursMs)} ms, ${passesPerVideo} encode(s) per video)`);

  // the floor: one plain encode of the same length and size per output
  started = performance.now();
  for (const [i, plan] of plans.entries()) {
    await ffmpeg([
      "-ss",
      String(Math.max(0, (plan.segments[0].type === "clip" ? plan.segments[0].fromMs : 0) - 1_000) / 1000),
      "-i",
      video,
      "-t",
      String(plan.durationMs / 1000),
      "-vf",
      "scale=1080:1920",
      "-c:v",
      "libx264",
      "-preset",
      preset,
      "-crf",
      String(crf),
      "-pix_fmt",
      "yuv420p",
      "-c:a",
      "aac",
      "-b:a",
      "160k",
      "-ar",
      "48000",
      join(work, `floor-${i}.mp4`),
    ]);
  }
  const floorMs = performance.now() - started;
  if (!json) console.log(`  (floor: ${Math.round(floorMs)} ms)`);

  // the baseline: the prior implementation's steps, each one a full re-encode
  // every step of the baseline encodes exactly as lingoreel does
  const enc = [...videoEncoder({ encoder: "libx264", preset, crf }), ...AUDIO_ENCODE];
  const font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
  const dt = (text: string, size: number, y: number, colour = "white") =>
    `drawtext=fontfile=${font}:text='${
      text.replace(/['%:\\]/g, "")
    }':fontsize=${size}:fontcolor=${colour}:x=(w-tw)/2:y=${y}`;
  started = performance.now();
  for (const [i, plan] of plans.entries()) {
    const d = join(work, `base-${i}`);
    await Deno.mkdir(d);
    const scene = plan.segments[0];
    const e = five[i];
    if (scene.type !== "clip") throw new Error("no scene");
    const ass = join(d, "subs.ass");
    await Deno.writeTextFile(ass, renderAss(plan));
    // 1. cut the scene (and lay it out vertically)
    await ffmpeg([
      "-ss",
      String(scene.fromMs / 1000),
      "-i",
      video,
      "-t",
      String(scene.durationMs / 1000),
      "-vf",
      "scale=1080:-2,pad=1080:1920:(ow-iw)/2:(oh-ih)/2",
      ...enc,
      join(d, "1-cut.mp4"),
    ]);
    // 2. burn the subtitles
    await ffmpeg(["-i", join(d, "1-cut.mp4"), "-vf", `ass=${ass}`, ...enc, join(d, "2-subs.mp4")]);
    // 3. cut the expression's line, then repeat it
    await ffmpeg([
      "-ss",
      String((e.startMs - 250) / 1000),
      "-i",
      video,
      "-t",
      String((e.endMs - e.startMs + 500) / 1000),
      "-vf",
      "scale=1080:-2,pad=1080:1920:(ow-iw)/2:(oh-ih)/2",
      ...enc,
      join(d, "3-line.mp4"),
    ]);
    // 3b. burn the line's two subtitle lines
    const t = e.translations[0];
    await ffmpeg([
      "-i",
      join(d, "3-line.mp4"),
      "-vf",
      `${dt(e.line, 56, 1330)},${dt(t.line, 46, 1420, "yellow")}`,
      ...enc,
      join(d, "3-line-subs.mp4"),
    ]);
    await ffmpeg([
      "-stream_loop",
      String(options.repeat - 1),
      "-i",
      join(d, "3-line-subs.mp4"),
      ...enc,
      join(d, "3-repeat.mp4"),
    ]);
    // 4. the cards
    const cardText = {
      transition: dt("Listen again", 84, 860),
      card: [
        dt(e.text, 96, 560, "orange"),
        dt(`-> ${t.expression}`, 64, 740),
        dt(e.meaning, 44, 940),
        dt(`Similar: ${e.similar.join(", ")}`, 40, 1180),
        dt(e.example, 40, 1360),
      ].join(","),
    };
    for (const [name, ms] of [["transition", options.transitionMs], ["card", options.cardMs]] as const) {
      await ffmpeg([
        "-f",
        "lavfi",
        "-i",
        `color=c=0x14202b:s=1080x1920:r=${plan.fps}:d=${ms / 1000},${cardText[name]}`,
        "-f",
        "lavfi",
        "-i",
        `anullsrc=r=48000:cl=stereo`,
        "-t",
        String(ms / 1000),
        ...enc,
        join(d, `4-${name}.mp4`),
      ]);
    }
    // 5. concatenate (re-encoding)
    const parts = ["2-subs.mp4", "4-transition.mp4", "3-repeat.mp4", "4-card.mp4"].map((p) => join(d, p));
    await ffmpeg([
      ...parts.flatMap((p) => ["-i", p]),
      "-filter_complex",
      `${
        parts.map((_, k) =>
          `[${k}:v]fps=${plan.fps},format=yuv420p,setsar=1[v${k}];[${k}:a]aresample=48000:ocl=stereo,aformat=sample_fmts=fltp:channel_layouts=stereo[a${k}]`
        ).join(";")
      };${parts.map((_, k) => `[v${k}][a${k}]`).join("")}concat=n=${parts.length}:v=1:a=1[v][a]`,
      "-map",
      "[v]",
      "-map",
      "[a]",
      ...enc,
      join(d, "5-concat.mp4"),
    ]);
    // 6. title overlays
    await ffmpeg([
      "-i",
      join(d, "5-concat.mp4"),
      "-vf",
      `${dt(t.title, 64, 230)},${dt(`#${e.text.replace(/\s+/g, "")} #${e.keywords.join(" #")}`, 40, 330)}`,
      ...enc,
      join(d, "6-overlay.mp4"),
    ]);
    // 7. loudness
    await ffmpeg([
      "-i",
      join(d, "6-overlay.mp4"),
      "-af",
      "loudnorm=I=-16:TP=-1.5:LRA=11,aresample=48000,aformat=channel_layouts=stereo",
      ...enc,
      join(d, "7-final.mp4"),
    ]);
  }
  const baselineMs = performance.now() - started;
  if (!json) console.log(`  (baseline: ${Math.round(baselineMs)} ms)`);

  // combined: 3 expressions sharing one scene (lines 5–7 of the episode) against 3 separate videos
  const shared = [all[1], all[2]].concat(all.filter((x) => x.id === 4)).slice(0, 3);
  started = performance.now();
  // as lessons: three expressions with their cards do not fit a 60-second Short
  await render(planFor(shared, "long"), "combined");
  const combinedMs = performance.now() - started;
  started = performance.now();
  for (const [i, e] of shared.entries()) await render(planFor([e], "long"), `separate-${i}`);
  const separateMs = performance.now() - started;

  const result = {
    preset,
    outputs: plans.length,
    outputSeconds: Math.round(plans.reduce((n, p) => n + p.durationMs, 0) / 100) / 10,
    encodePassesPerVideo: passesPerVideo,
    oursMs: Math.round(oursMs),
    baselineMs: Math.round(baselineMs),
    speedupOverBaseline: Math.round((baselineMs / oursMs) * 100) / 100,
    floorMs: Math.round(floorMs),
    ratioToFloor: Math.round((oursMs / floorMs) * 100) / 100,
    combined3Ms: Math.round(combinedMs),
    separate3Ms: Math.round(separateMs),
  };
  if (json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(
      `render: ${result.outputs} Shorts of a sample episode (${result.outputSeconds} s of video, preset ${preset}, ${navigator.hardwareConcurrency} cores)`,
    );
    console.log(`  encode passes per video   ${passesPerVideo}   (must be 1)`);
    console.log(`  lingoreel                 ${result.oursMs} ms`);
    console.log(
      `  multi-pass baseline       ${result.baselineMs} ms   → ${result.speedupOverBaseline}x faster (target ≥ 2.5x)`,
    );
    console.log(
      `  plain-encode floor        ${result.floorMs} ms   → ratio ${result.ratioToFloor} (aim ≤ 1.3)`,
    );
    console.log(
      `  3 expressions, one scene  combined ${result.combined3Ms} ms vs 3 separate ${result.separate3Ms} ms (lessons)`,
    );
  }
} finally {
  await Deno.remove(work, { recursive: true });
}
