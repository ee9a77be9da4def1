import ffmpegStatic from "ffmpeg-static";
import { dirname, join } from "@std/path";

/** Where the encoder binaries are, and how they were found. */
export interface FfmpegLocation {
  ffmpeg: string;
  ffprobe: string;
  source: "config" | "ffmpeg-static" | "PATH";
}

/** No usable ffmpeg or ffprobe; the message says how to get one. */
export class FfmpegMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FfmpegMissingError";
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && info.mode !== null && (info.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

async function onPath(name: string, pathEnv: string): Promise<string | undefined> {
  for (const dir of pathEnv.split(":").filter(Boolean)) {
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Resolves ffmpeg and ffprobe per the contract: the configured paths, else ffmpeg-static's binary
 * when its install script could fetch it, else `ffmpeg`/`ffprobe` on PATH. ffprobe is looked for
 * next to the chosen ffmpeg before PATH.
 */
export async function locateFfmpeg(
  options: { ffmpegPath?: string; ffprobePath?: string; pathEnv: string },
): Promise<FfmpegLocation> {
  let ffmpeg: string | undefined;
  let source: FfmpegLocation["source"] = "PATH";
  if (options.ffmpegPath) {
    if (!await isExecutable(options.ffmpegPath)) {
      throw new FfmpegMissingError(`FFMPEG_PATH=${options.ffmpegPath} is not an executable file.`);
    }
    ffmpeg = options.ffmpegPath;
    source = "config";
  } else if (typeof ffmpegStatic === "string" && await isExecutable(ffmpegStatic)) {
    ffmpeg = ffmpegStatic;
    source = "ffmpeg-static";
  } else {
    ffmpeg = await onPath("ffmpeg", options.pathEnv);
  }
  if (!ffmpeg) {
    throw new FfmpegMissingError(
      "ffmpeg was not found: install it (apt-get install ffmpeg) or set FFMPEG_PATH.",
    );
  }
  let ffprobe = options.ffprobePath;
  if (ffprobe && !await isExecutable(ffprobe)) {
    throw new FfmpegMissingError(`FFPROBE_PATH=${ffprobe} is not an executable file.`);
  }
  if (!ffprobe) {
    const sibling = join(dirname(ffmpeg), "ffprobe");
    ffprobe = await isExecutable(sibling) ? sibling : await onPath("ffprobe", options.pathEnv);
  }
  if (!ffprobe) {
    throw new FfmpegMissingError(
      "ffprobe was not found: install ffmpeg (apt-get install ffmpeg) or set FFPROBE_PATH.",
    );
  }
  return { ffmpeg, ffprobe, source };
}

/** Runs `ffmpeg -version` and returns its first line, e.g. `ffmpeg version 5.1.6-0+deb12u1`. */
export async function ffmpegVersion(ffmpeg: string, signal?: AbortSignal): Promise<string> {
  const out = await new Deno.Command(ffmpeg, { args: ["-hide_banner", "-version"], signal, stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`${ffmpeg} -version failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  const first = new TextDecoder().decode(out.stdout).split("\n")[0].trim();
  return /^(ffmpeg version \S+)/.exec(first)?.[1] ?? first;
}
