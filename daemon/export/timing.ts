/**
 * Where a note's media come from in its episode: the audio window (the expression's line, with
 * padding and any context lines, shifted for out-of-sync subtitles) and the screenshot's time
 * (the middle of the line). Pure, so the arithmetic is tested without ffmpeg.
 */
import type { Cue } from "../../shared/schemas.ts";

/** The timing options of an export (see `exportOptionsSchema`). */
export interface TimingOptions {
  paddingBeforeMs: number;
  paddingAfterMs: number;
  contextLinesBefore: number;
  contextLinesAfter: number;
  shiftMs: number;
}

/** A note's media window and the lines around its expression's line. */
export interface ClipTiming {
  /** Null when the shifted window falls outside the episode. */
  audio: { startMs: number; endMs: number } | null;
  screenshotMs: number;
  /** Context lines before and after the expression's line, in order. */
  before: Cue[];
  after: Cue[];
  /** False when the line was not found among the cues (context lines were then left out). */
  lineFound: boolean;
}

/** Audio shorter than this is not worth a snippet. */
const MIN_AUDIO_MS = 100;

/**
 * The cue of an expression's line: the one with its index whose text still matches, else
 * (the subtitles changed since the analysis) the cue with the same text nearest in time.
 */
export function findLineCue(
  cues: readonly Cue[],
  line: { cueIndex: number; text: string; startMs: number },
): number {
  const norm = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();
  const want = norm(line.text);
  const byIndex = cues.findIndex((c) => c.index === line.cueIndex);
  if (byIndex >= 0 && norm(cues[byIndex].text) === want) return byIndex;
  let best = -1;
  for (let i = 0; i < cues.length; i++) {
    if (norm(cues[i].text) !== want) continue;
    if (best < 0 || Math.abs(cues[i].startMs - line.startMs) < Math.abs(cues[best].startMs - line.startMs)) {
      best = i;
    }
  }
  return best;
}

/**
 * The media window of a line from `startMs` to `endMs`. `cues` (the episode's cues in the
 * analysed language) are needed only for context lines; `durationMs` (when known) bounds the
 * window at the end of the episode.
 */
export function clipTiming(
  line: { cueIndex: number; text: string; startMs: number; endMs: number },
  cues: readonly Cue[] | undefined,
  options: TimingOptions,
  durationMs: number | null,
): ClipTiming {
  let before: Cue[] = [];
  let after: Cue[] = [];
  let lineFound = true;
  if (cues && (options.contextLinesBefore > 0 || options.contextLinesAfter > 0)) {
    const at = findLineCue(cues, line);
    if (at >= 0) {
      before = cues.slice(Math.max(0, at - options.contextLinesBefore), at);
      after = cues.slice(at + 1, at + 1 + options.contextLinesAfter);
    } else {
      lineFound = false;
    }
  }
  const end = durationMs ?? Number.POSITIVE_INFINITY;
  const from = Math.min(line.startMs, ...before.map((c) => c.startMs));
  const to = Math.max(line.endMs, ...after.map((c) => c.endMs));
  const startMs = Math.max(0, from + options.shiftMs - options.paddingBeforeMs);
  const endMs = Math.min(end, to + options.shiftMs + options.paddingAfterMs);
  const middle = Math.round((line.startMs + line.endMs) / 2) + options.shiftMs;
  // a frame must be there to grab: keep clear of the last 100 ms
  const screenshotMs = Math.max(0, Math.min(middle, Number.isFinite(end) ? end - 100 : middle));
  return {
    audio: endMs - startMs >= MIN_AUDIO_MS ? { startMs, endMs } : null,
    screenshotMs,
    before,
    after,
    lineFound,
  };
}
