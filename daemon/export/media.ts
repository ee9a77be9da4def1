/**
 * Cutting an episode's media in as few ffmpeg runs as practical: one run writes every audio
 * snippet (mp3) of the episode and one run every screenshot (jpg). Each run opens the episode
 * once per file, every input seeking straight to its moment (`-ss` before `-i`: only the packets
 * around it are read and decoded, never the whole episode), and writes each file as an output
 * of its own. The two runs of an episode can go side by side (two processes use two cores,
 * where one process mixing both would mostly use one). Episodes with more notes than
 * {@link MAX_INPUTS} are cut in several runs of each kind.
 */

/** One note's media: an audio window and/or a frame to grab, and where to write them. */
export interface MediaCut {
  audio?: { startMs: number; endMs: number; path: string };
  screenshot?: { atMs: number; path: string };
}

/** One ffmpeg run: its arguments, what it cuts and how many files it writes. */
export interface MediaRun {
  kind: "audio" | "screenshots";
  args: string[];
  files: number;
}

/** The inputs one ffmpeg run opens at most (each is the episode file, seeked). */
export const MAX_INPUTS = 64;

/** Fade in and out (ms) so that a snippet cut mid-sound does not click. */
const FADE_MS = 15;

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const HEAD = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"];

/**
 * The ffmpeg runs that cut `cuts` from `source`: the audio runs, then the screenshot runs.
 * `audioStream` is the absolute index of the audio stream to use (null: no audio is cut).
 */
export function mediaCommands(
  source: { path: string; audioStream: number | null },
  cuts: MediaCut[],
  options: { screenshotWidth: number; maxInputs?: number },
): MediaRun[] {
  const max = Math.max(1, options.maxInputs ?? MAX_INPUTS);
  const audio = source.audioStream === null ? [] : cuts.flatMap((c) => (c.audio ? [c.audio] : []));
  const shots = cuts.flatMap((c) => (c.screenshot ? [c.screenshot] : []));
  const runs: MediaRun[] = [];

  for (const batch of chunks(audio, max)) {
    const inputs: string[] = [];
    const outputs: string[] = [];
    for (const [n, a] of batch.entries()) {
      const ms = a.endMs - a.startMs;
      const fade = Math.min(FADE_MS, Math.floor(ms / 4));
      inputs.push("-ss", seconds(a.startMs), "-t", seconds(ms), "-vn", "-sn", "-dn", "-i", source.path);
      outputs.push(
        "-map",
        `${n}:${source.audioStream}`,
        "-af",
        `afade=t=in:st=0:d=${seconds(fade)},afade=t=out:st=${seconds(ms - fade)}:d=${seconds(fade)}`,
        "-c:a",
        "libmp3lame",
        "-q:a",
        "4",
        "-ac",
        "2",
        "-ar",
        "44100",
        "-map_metadata",
        "-1",
        "-f",
        "mp3",
        a.path,
      );
    }
    runs.push({ kind: "audio", args: [...HEAD, ...inputs, ...outputs], files: batch.length });
  }

  // never wider than the picture; square pixels (anamorphic video shown at its display size)
  const scale = `scale=w='min(${options.screenshotWidth},trunc(iw*sar/2)*2)':h=-2,setsar=1`;
  for (const batch of chunks(shots, max)) {
    const inputs: string[] = [];
    const outputs: string[] = [];
    for (const [n, s] of batch.entries()) {
      // a short read is enough to reach the first frame at or after the moment
      inputs.push("-ss", seconds(s.atMs), "-t", "1.5", "-an", "-sn", "-dn", "-i", source.path);
      outputs.push(
        "-map",
        `${n}:v:0`,
        "-frames:v",
        "1",
        "-vf",
        scale,
        "-q:v",
        "3",
        "-map_metadata",
        "-1",
        "-f",
        "image2",
        "-update",
        "1",
        s.path,
      );
    }
    runs.push({ kind: "screenshots", args: [...HEAD, ...inputs, ...outputs], files: batch.length });
  }
  return runs;
}
