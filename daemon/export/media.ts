/**
 * Cutting an episode's media in as few ffmpeg runs as possible: one run reads the episode once
 * per snippet and once per screenshot, each input seeking straight to its moment (`-ss` before
 * `-i`, so only a few packets are read and decoded around it, never the whole episode), and
 * writes every snippet (mp3) and screenshot (jpg) as an output of its own. Episodes with many
 * notes are cut in runs of at most {@link MAX_INPUTS} inputs.
 */

/** One note's media: an audio window and/or a frame to grab, and where to write them. */
export interface MediaCut {
  audio?: { startMs: number; endMs: number; path: string };
  screenshot?: { atMs: number; path: string };
}

/** The inputs one ffmpeg run opens at most (each is the episode file, seeked). */
export const MAX_INPUTS = 96;

/** Fade in and out (ms) so that a snippet cut mid-sound does not click. */
const FADE_MS = 15;

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/**
 * The ffmpeg runs (argument lists) that cut `cuts` from `source`. `audioStream` is the
 * absolute index of the audio stream to use (null: no audio, audio cuts are skipped).
 */
export function mediaCommands(
  source: { path: string; audioStream: number | null },
  cuts: MediaCut[],
  options: { screenshotWidth: number; maxInputs?: number },
): string[][] {
  const max = Math.max(2, options.maxInputs ?? MAX_INPUTS);
  const batches: MediaCut[][] = [];
  let batch: MediaCut[] = [];
  let inputs = 0;
  for (const cut of cuts) {
    const needs = (cut.audio && source.audioStream !== null ? 1 : 0) + (cut.screenshot ? 1 : 0);
    if (!needs) continue;
    if (inputs + needs > max) {
      batches.push(batch);
      batch = [];
      inputs = 0;
    }
    batch.push(cut);
    inputs += needs;
  }
  if (batch.length) batches.push(batch);

  const width = options.screenshotWidth;
  // never wider than the picture; square pixels (anamorphic video shown at its display size)
  const scale = `scale=w='min(${width},trunc(iw*sar/2)*2)':h=-2,setsar=1`;
  return batches.map((cuts) => {
    const inputArgs: string[] = [];
    const outputArgs: string[] = [];
    let n = 0;
    for (const cut of cuts) {
      if (cut.audio && source.audioStream !== null) {
        const ms = cut.audio.endMs - cut.audio.startMs;
        const fade = Math.min(FADE_MS, Math.floor(ms / 4));
        inputArgs.push("-ss", seconds(cut.audio.startMs), "-t", seconds(ms), "-vn", "-sn", "-dn");
        inputArgs.push("-i", source.path);
        outputArgs.push(
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
          cut.audio.path,
        );
        n++;
      }
      if (cut.screenshot) {
        // a short read is enough to reach the first frame at or after the moment
        inputArgs.push("-ss", seconds(cut.screenshot.atMs), "-t", "1.5", "-an", "-sn", "-dn");
        inputArgs.push("-i", source.path);
        outputArgs.push(
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
          cut.screenshot.path,
        );
        n++;
      }
    }
    return ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", ...inputArgs, ...outputArgs];
  });
}
