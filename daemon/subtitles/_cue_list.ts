import type { Cue } from "../../shared/schemas.ts";
import type { SubtitleWarning } from "./diagnostics.ts";
import { formatTimestamp } from "./_timing.ts";

/** A cue as a parser found it, before sorting and indexing; `line` is where its timing was. */
export interface RawCue {
  startMs: number;
  endMs: number;
  text: string;
  line: number;
}

/**
 * Drops cues that do not last (end not after start) with a located warning, sorts by start time
 * (stable, so simultaneous cues keep file order) and numbers the cues from 1. Overlaps are kept:
 * two speakers often talk at once.
 */
export function finishCues(raw: readonly RawCue[], file: string, warnings: SubtitleWarning[]): Cue[] {
  const kept: RawCue[] = [];
  for (const cue of raw) {
    if (cue.endMs > cue.startMs) {
      kept.push(cue);
      continue;
    }
    const what = cue.endMs === cue.startMs ? "lasts 0 ms" : "ends before it starts";
    warnings.push({
      code: "dropped-cue",
      file,
      line: cue.line,
      message: `${file} line ${cue.line}: the cue ${formatTimestamp(cue.startMs, "srt")} --> ${
        formatTimestamp(cue.endMs, "srt")
      } ${what}; dropped`,
    });
  }
  const firstUnsorted = kept.findIndex((cue, i) => i > 0 && cue.startMs < kept[i - 1].startMs);
  if (firstUnsorted > 0) {
    warnings.push({
      code: "sorted",
      file,
      line: kept[firstUnsorted].line,
      message: `${file} line ${kept[firstUnsorted].line}: cues are not in time order; sorted by start time`,
    });
    kept.sort((a, b) => a.startMs - b.startMs);
  }
  return kept.map((cue, i) => ({ index: i + 1, startMs: cue.startMs, endMs: cue.endMs, text: cue.text }));
}

/** Trims every line of a cue's text and drops blank lines (they would end the cue in SRT). */
export function tidyLines(lines: readonly string[]): string {
  return lines.map((line) => line.trim()).filter((line) => line !== "").join("\n");
}
