/**
 * A plan compiled into one ffmpeg command: one input opened once, its picture laid out once
 * (scaled, and for Shorts set on a blurred copy of itself), split into the clips, cards made from
 * colour sources, everything concatenated, all text burned from one ASS file, the sound
 * normalised to -16 LUFS, and a single H.264/AAC encode.
 */
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
          `[bg${i}]scale=${W / 4}:${H / 4}:force_original_aspect_ratio=increase,crop=${W / 4}:${
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
  parts.push(`[vcat]ass=filename='${filterPath(assPath)}'[vout]`);
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
