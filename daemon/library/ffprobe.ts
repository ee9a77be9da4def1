/**
 * Reading a video's streams with ffprobe, behind a small interface so tests can count calls.
 */
import type { AudioTrack } from "../../shared/schemas.ts";

/** Runs ffprobe on a file and returns its JSON (`-show_format -show_streams`). */
export interface Prober {
  probe(path: string, signal?: AbortSignal): Promise<unknown>;
}

/** ffprobe could not read the file: it is corrupt, truncated or not a video. */
export class ProbeError extends Error {
  constructor(readonly path: string, detail: string) {
    super(
      `ffprobe cannot read ${path}: ${detail}. The file may be corrupt or incomplete; ` +
        `replace it and rescan.`,
    );
    this.name = "ProbeError";
  }
}

/** The ffprobe binary, run once per file with a timeout. */
export class FfprobeRunner implements Prober {
  constructor(private readonly ffprobe: () => Promise<string>, private readonly timeoutMs = 30_000) {}

  async probe(path: string, signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const out = await new Deno.Command(await this.ffprobe(), {
      args: ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--", path],
      stdout: "piped",
      stderr: "piped",
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    }).output();
    const stderr = new TextDecoder().decode(out.stderr).trim();
    if (!out.success) {
      throw new ProbeError(path, stderr.split("\n").at(-1) || `exit code ${out.code}`);
    }
    try {
      return JSON.parse(new TextDecoder().decode(out.stdout));
    } catch {
      throw new ProbeError(path, "ffprobe printed no JSON");
    }
  }
}

/** An embedded subtitle stream as ffprobe describes it. */
export interface SubtitleStream {
  index: number;
  codec: string;
  language: string | null;
  title: string | null;
  forced: boolean;
  sdh: boolean;
}

/** What the library keeps of a probe. */
export interface MediaInfo {
  durationMs: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  videoCodec: string | null;
  audio: AudioTrack[];
  subtitles: SubtitleStream[];
}

interface RawStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  channels?: number;
  duration?: string;
  tags?: Record<string, string>;
  disposition?: Record<string, number>;
}

function rate(text: string | undefined): number | null {
  if (!text) return null;
  const [num, den] = text.split("/").map(Number);
  if (!num || !den) return null;
  return Math.round((num / den) * 1000) / 1000;
}

function tag(stream: RawStream, name: string): string | null {
  const tags = stream.tags ?? {};
  const key = Object.keys(tags).find((k) => k.toLowerCase() === name);
  const value = key ? tags[key]?.trim() : undefined;
  return value ? value : null;
}

/**
 * Reduces ffprobe's JSON to {@link MediaInfo}. A file without a video stream is refused: it is
 * not something the library can cut clips from.
 */
export function toMediaInfo(path: string, json: unknown): MediaInfo {
  const raw = json as { streams?: RawStream[]; format?: { duration?: string } };
  const streams = raw.streams ?? [];
  const video = streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
  if (!video) throw new ProbeError(path, "it has no video stream");
  const seconds = Number(raw.format?.duration ?? video.duration);
  return {
    durationMs: Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : null,
    width: video.width ?? null,
    height: video.height ?? null,
    fps: rate(video.avg_frame_rate) ?? rate(video.r_frame_rate),
    videoCodec: video.codec_name ?? null,
    audio: streams.filter((s) => s.codec_type === "audio").map((s) => ({
      index: s.index ?? 0,
      codec: s.codec_name ?? null,
      language: tag(s, "language"),
      channels: s.channels ?? null,
      title: tag(s, "title"),
      default: s.disposition?.default === 1,
    })),
    subtitles: streams.filter((s) => s.codec_type === "subtitle").map((s) => ({
      index: s.index ?? 0,
      codec: s.codec_name ?? "unknown",
      language: tag(s, "language"),
      title: tag(s, "title"),
      forced: s.disposition?.forced === 1 || /forced/i.test(tag(s, "title") ?? ""),
      sdh: s.disposition?.hearing_impaired === 1 || /\b(sdh|cc|hi)\b/i.test(tag(s, "title") ?? ""),
    })),
  };
}

/** Text subtitle codecs ffmpeg can extract to SRT/ASS. */
export const TEXT_SUBTITLE_CODECS = new Set(["subrip", "srt", "ass", "ssa", "mov_text", "webvtt", "text"]);

/** Why a subtitle codec cannot be used, or undefined when it can. */
export function unsupportedReason(codec: string): string | undefined {
  if (TEXT_SUBTITLE_CODECS.has(codec)) return undefined;
  if (["hdmv_pgs_subtitle", "dvd_subtitle", "dvb_subtitle", "xsub", "pgssub", "dvdsub"].includes(codec)) {
    return `${codec} is a bitmap subtitle (pictures, not text): convert it to SRT with an OCR tool such as Subtitle Edit and put the .srt next to the video.`;
  }
  return `${codec} subtitles are not supported: convert them to SRT and put the .srt next to the video.`;
}
