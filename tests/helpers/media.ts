import { dirname, join } from "@std/path";

let template: Promise<string> | undefined;

/** Runs ffmpeg (errors only, overwriting), failing with its stderr. */
export async function ffmpeg(args: string[]): Promise<void> {
  const out = await new Deno.Command("ffmpeg", { args: ["-v", "error", "-y", ...args], stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`ffmpeg failed: ${new TextDecoder().decode(out.stderr)}`);
}

/** A one-second 64x64 H.264/AAC video made once per test process. */
function tinyVideo(): Promise<string> {
  template ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "lingoreel-media-" });
    globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
    const path = join(dir, "tiny.mp4");
    await ffmpeg([
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=64x64:rate=10:duration=1",
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=440:duration=1",
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-c:a",
      "aac",
      "-shortest",
      path,
    ]);
    return path;
  })();
  return template;
}

/** Writes a small real video at `path` (creating folders). */
export async function writeVideo(path: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.copyFile(await tinyVideo(), path);
}

/** Writes an MKV whose subtitle stream (language `language`) holds `srt`. */
export async function writeVideoWithSubtitles(path: string, srt: string, language = "eng"): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const srtPath = `${path}.tmp.srt`;
  await Deno.writeTextFile(srtPath, srt);
  try {
    await ffmpeg([
      "-i",
      await tinyVideo(),
      "-i",
      srtPath,
      "-map",
      "0",
      "-map",
      "1",
      "-c",
      "copy",
      "-c:s",
      "srt",
      "-metadata:s:s:0",
      `language=${language}`,
      path,
    ]);
  } finally {
    await Deno.remove(srtPath);
  }
}

/** Writes a text file, creating folders. */
export async function writeText(path: string, text: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.writeTextFile(path, text);
}

/** A short valid SRT. */
export const SRT = `1
00:00:00,100 --> 00:00:00,400
Hello there.

2
00:00:00,500 --> 00:00:00,900
How are you?
`;

/**
 * Writes a test-pattern H.264 video with a tone: `size` (e.g. 360x640 for a Short), `seconds`,
 * and a video bitrate when its file size matters (uploads in several chunks).
 */
export async function writeTestVideo(
  path: string,
  options: { size?: string; seconds?: number; bitrate?: string } = {},
): Promise<void> {
  const { size = "640x360", seconds = 6 } = options;
  await Deno.mkdir(dirname(path), { recursive: true });
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=${size}:rate=25:duration=${seconds}`,
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=300:duration=${seconds},volume=0.1`,
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    ...(options.bitrate ? ["-b:v", options.bitrate] : []),
    "-c:a",
    "aac",
    "-shortest",
    path,
  ]);
}
