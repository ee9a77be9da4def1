/**
 * A plan compiled into one ffmpeg command: each clip read from its own input, its picture laid
 * out (scaled, and for Shorts set on a blurred copy of itself), cards made from colour sources,
 * everything concatenated, the text burned from one ASS file (drawn only where it changes), the
 * sound normalised to -16 LUFS, and a single H.264/AAC encode.
 */
import { assTimeMs } from "./ass.ts";
import type { RenderPlan } from "./plan.ts";

/** Encoder settings. */
export interface EncodeSettings {
  encoder: "libx264" | "h264_vaapi" | "h264_qsv" | "h264_nvenc";
  preset: string;
  crf: number;
}

/** Integrated loudness target (EBU R128), LUFS. */
export const LOUDNESS_TARGET = -16;

const CARD_COLOUR = "0x14202b";

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Escapes a path for use as a filter option value. */
export function filterPath(path: string): string {
  return path.replace(/\\/g, "\\\\\\\\").replace(/'/g, "'\\\\\\''").replace(/:/g, "\\\\:");
}

/** The audio every output gets: AAC at 160 kb/s, 48 kHz stereo. */
export const AUDIO_ENCODE = ["-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2"];

/** The video encoder arguments for these settings. */
export function videoEncoder(settings: EncodeSettings): string[] {
  switch (settings.encoder) {
    case "libx264":
      return [
        "-c:v",
        "libx264",
        "-preset",
        settings.preset,
        "-crf",
        String(settings.crf),
        "-pix_fmt",
        "yuv420p",
      ];
    case "h264_nvenc":
      return ["-c:v", "h264_nvenc", "-preset", "p5", "-cq", String(settings.crf), "-pix_fmt", "yuv420p"];
    case "h264_qsv":
      return ["-c:v", "h264_qsv", "-global_quality", String(settings.crf), "-pix_fmt", "nv12"];
    case "h264_vaapi":
      return ["-vaapi_device", "/dev/dri/renderD128", "-c:v", "h264_vaapi", "-qp", String(settings.crf)];
  }
}

/**
 * Frame rate of the blurred fill behind a Short's picture: so blurred that the eye does not see
 * it step, at a third of the cost of following every frame.
 */
export const BLUR_FPS = 8;

/**
 * The frames on which the burned text can change: the first frame at or after each event's start
 * and end as the ASS file states them, and the one after it, as ffmpeg truncates a frame's time to
 * whole milliseconds. Events are static (no fades, no moves), so libass renders only these frames
 * and the overlay holds each one until the next; this costs a quarter of drawing every frame.
 */
export function textChangeFrames(plan: RenderPlan): number[] {
  const total = Math.round((plan.durationMs * plan.fps) / 1000);
  const frames = new Set([0]);
  for (const event of plan.text) {
    for (const ms of [assTimeMs(event.startMs), assTimeMs(event.endMs)]) {
      const first = Math.ceil((ms * plan.fps) / 1000);
      for (const f of [first, first + 1]) if (f < total) frames.add(f);
    }
  }
  return [...frames].sort((a, b) => a - b);
}

/** Each clip is read from a second before it, then trimmed to the exact frame. */
export const PRE_ROLL_MS = 1_000;

type Clip = Extract<RenderPlan["segments"][number], { type: "clip" }>;

function clipsOf(plan: RenderPlan): Clip[] {
  return plan.segments.filter((s): s is Clip => s.type === "clip");
}

/** Where a clip's input is opened, and for how long it is read. */
function clipInput(clip: Clip): { seekMs: number; readMs: number; skipMs: number } {
  const seekMs = Math.max(0, clip.fromMs - PRE_ROLL_MS);
  const skipMs = clip.fromMs - seekMs;
  return { seekMs, readMs: skipMs + clip.durationMs * clip.speed + 200, skipMs };
}

/**
 * The filter graph of a plan (exported for tests). Input `i` is clip `i`, opened at its own
 * place: nothing is buffered between clips, so memory stays flat however long the video.
 */
export function filterGraph(plan: RenderPlan, assPath: string): string {
  const { width: W, height: H } = plan;
  const parts: string[] = [];
  const labels: string[] = [];
  let clip = 0;
  let card = 0;
  for (const seg of plan.segments) {
    const d = seconds(seg.durationMs);
    if (seg.type === "clip") {
      const i = clip++;
      const { skipMs } = clipInput(seg);
      const from = seconds(skipMs);
      const to = seconds(skipMs + seg.durationMs * seg.speed);
      const slow = seg.speed !== 1;
      const cut = `trim=start=${from}:end=${to},setpts=${
        slow ? `(PTS-STARTPTS)/${seg.speed}` : "PTS-STARTPTS"
      }`;
      if (plan.kind === "short" && plan.background === "blur") {
        parts.push(
          `[${i}:v]${cut},setsar=1,split=2[fg${i}][bg${i}]`,
          `[bg${i}]fps=${
            Math.min(plan.fps, BLUR_FPS)
          },crop='min(iw,ih*${W}/${H})':'min(ih,iw*${H}/${W})',scale=${W / 4}:${
            H / 4
          },boxblur=8:2,scale=${W}:${H}:flags=fast_bilinear,setsar=1[bgs${i}]`,
          `[fg${i}]scale=${W}:${H}:force_original_aspect_ratio=decrease,setsar=1[fgs${i}]`,
          `[bgs${i}][fgs${i}]overlay=(W-w)/2:(H-h)/2,fps=${plan.fps},format=yuv420p[v${i}c]`,
        );
      } else {
        parts.push(
          `[${i}:v]${cut},scale=${W}:${H}:force_original_aspect_ratio=decrease,pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,fps=${plan.fps},format=yuv420p[v${i}c]`,
        );
      }
      if (plan.source.hasAudio) {
        parts.push(
          `[${i}:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,atrim=start=${from}:end=${to},asetpts=PTS-STARTPTS${
            slow ? `,atempo=${seg.speed}` : ""
          },apad,atrim=duration=${d}[a${i}c]`,
        );
      } else {
        parts.push(`anullsrc=r=48000:cl=stereo,atrim=duration=${d}[a${i}c]`);
      }
      labels.push(`[v${i}c][a${i}c]`);
    } else {
      parts.push(
        `color=c=${CARD_COLOUR}:s=${W}x${H}:r=${plan.fps}:d=${d},setsar=1,format=yuv420p[k${card}v]`,
      );
      parts.push(`anullsrc=r=48000:cl=stereo,atrim=duration=${d},aformat=sample_fmts=fltp[k${card}a]`);
      labels.push(`[k${card}v][k${card}a]`);
      card++;
    }
  }
  parts.push(`${labels.join("")}concat=n=${labels.length}:v=1:a=1[vcat][acat]`);
  // the text is drawn by libass only on the frames where it changes, on a transparent layer
  // that the overlay holds until the next one
  const select = textChangeFrames(plan).map((f) => `eq(n\\,${f})`).join("+");
  parts.push(
    `color=c=black@0:s=${W}x${H}:r=${plan.fps}:d=${
      seconds(plan.durationMs)
    },format=yuva420p,select='${select}',ass=filename='${filterPath(assPath)}':alpha=1[text]`,
    `[vcat][text]overlay=format=yuv420:eof_action=repeat[vout]`,
  );
  parts.push(
    `[acat]loudnorm=I=${LOUDNESS_TARGET}:TP=-1.5:LRA=11,aresample=48000,aformat=channel_layouts=stereo[aout]`,
  );
  return parts.join(";\n");
}

/** The ffmpeg arguments of a plan: one input per clip, one filter graph, one encode. */
export function compilePlan(
  plan: RenderPlan,
  paths: { assPath: string; output: string },
  settings: EncodeSettings,
): string[] {
  const inputs = clipsOf(plan).flatMap((clip) => {
    const { seekMs, readMs } = clipInput(clip);
    return ["-ss", seconds(seekMs), "-t", seconds(readMs), "-i", plan.source.path];
  });
  return [
    "-hide_banner",
    "-nostdin",
    "-y",
    ...inputs,
    "-filter_complex",
    filterGraph(plan, paths.assPath),
    "-map",
    "[vout]",
    "-map",
    "[aout]",
    ...videoEncoder(settings),
    "-r",
    String(plan.fps),
    ...AUDIO_ENCODE,
    "-t",
    seconds(plan.durationMs),
    "-movflags",
    "+faststart",
    "-progress",
    "pipe:1",
    "-nostats",
    "-f",
    "mp4",
    paths.output,
  ];
}
