/**
 * Embedded text subtitle streams, extracted on demand with ffmpeg into the cache and reused
 * while the video is unchanged.
 */
import { join } from "@std/path";
import { encodeHex } from "@std/encoding/hex";

/** ffmpeg could not extract a subtitle stream. */
export class SubtitleExtractError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SubtitleExtractError";
  }
}

/** Extracts stream `streamIndex` of a video to SRT (ASS for ASS/SSA streams, keeping styles). */
export async function extractEmbeddedSubtitle(options: {
  ffmpeg: string;
  videoPath: string;
  streamIndex: number;
  codec: string;
  size: number;
  mtimeMs: number;
  cacheDir: string;
  signal?: AbortSignal;
}): Promise<string> {
  const format = options.codec === "ass" || options.codec === "ssa" ? "ass" : "srt";
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(
      `${options.videoPath}\0${options.size}\0${options.mtimeMs}\0${options.streamIndex}`,
    ),
  );
  const dir = join(options.cacheDir, "subtitles");
  const out = join(dir, `${(encodeHex(new Uint8Array(digest)) as string).slice(0, 32)}.${format}`);
  try {
    await Deno.stat(out);
    return out;
  } catch { /* not extracted yet */ }
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${out}.${crypto.randomUUID()}.tmp`;
  const result = await new Deno.Command(options.ffmpeg, {
    args: [
      "-v",
      "error",
      "-nostdin",
      "-y",
      "-i",
      options.videoPath,
      "-map",
      `0:${options.streamIndex}`,
      "-c:s",
      format,
      "-f",
      format,
      tmp,
    ],
    stdout: "null",
    stderr: "piped",
    signal: options.signal,
  }).output().catch((error) => {
    throw new SubtitleExtractError(`Cannot run ffmpeg (${options.ffmpeg}): ${(error as Error).message}`, {
      cause: error,
    });
  });
  if (!result.success) {
    await Deno.remove(tmp).catch(() => {});
    const detail = new TextDecoder().decode(result.stderr).trim().split("\n").slice(-3).join(" ");
    throw new SubtitleExtractError(
      `Cannot extract subtitle stream ${options.streamIndex} from ${options.videoPath}: ${
        detail || `exit ${result.code}`
      }`,
    );
  }
  await Deno.rename(tmp, out);
  return out;
}
