import type { Cue } from "../../shared/schemas.ts";
import { SubtitleParseError, type SubtitleWarning } from "./diagnostics.ts";
import { formatTimestamp } from "./_timing.ts";

/** A cue as a parser found it, before sorting and indexing; `line` is where its timing was. */
export interface RawCue {
  startMs: number;
  endMs: number;
  text: string;
  line: number;
}

/**
 * The most cues a track may have. A feature film has about 1,500 and a ten-hour concatenation
 * about 20,000; far beyond that the file is not one episode's track, and its cues alone would
 * take hundreds of megabytes (about 400 bytes each in memory, and again in every RPC answer).
 */
export const MAX_CUES = 200_000;

/** Located warnings of one kind kept per file; the rest are counted in one summary warning. */
export const MAX_WARNINGS_PER_KIND = 20;

/** Collects raw cues, refusing more than `maxCues` (a {@link SubtitleParseError} at the cue past the limit). */
export class RawCueList {
  readonly cues: RawCue[] = [];
  constructor(private readonly file: string, private readonly maxCues = MAX_CUES) {}

  push(cue: RawCue): void {
    if (this.cues.length >= this.maxCues) {
      throw new SubtitleParseError(
        this.file,
        cue.line,
        `the file has more than ${this.maxCues.toLocaleString("en")} cues, the most one track may have ` +
          `(a feature film has about 1,500)`,
        "Use the subtitle file of a single episode (split a concatenated file per episode), or check that this is a subtitle file at all.",
      );
    }
    this.cues.push(cue);
  }
}

/**
 * Keeps the first {@link MAX_WARNINGS_PER_KIND} warnings of a kind and counts the rest, so a
 * file with a hundred thousand broken cues costs a summary line instead of megabytes of warnings.
 */
export class WarningList {
  readonly #items: SubtitleWarning[] = [];
  readonly #extra = new Map<SubtitleWarning["code"], number>();
  readonly #kept = new Map<SubtitleWarning["code"], number>();

  add(warning: SubtitleWarning): void {
    const kept = this.#kept.get(warning.code) ?? 0;
    if (kept < MAX_WARNINGS_PER_KIND) {
      this.#kept.set(warning.code, kept + 1);
      this.#items.push(warning);
    } else {
      this.#extra.set(warning.code, (this.#extra.get(warning.code) ?? 0) + 1);
    }
  }

  /** The kept warnings, then one summary per kind that had more. */
  list(file: string): SubtitleWarning[] {
    const summaries = [...this.#extra].map(([code, n]): SubtitleWarning => ({
      code,
      file,
      message: `${file}: ${n} more ${code} warning${n === 1 ? "" : "s"} like the ones above`,
    }));
    return [...this.#items, ...summaries];
  }
}

/**
 * Drops cues that do not last (end not after start) with a located warning, sorts by start time
 * (stable, so simultaneous cues keep file order) and numbers the cues from 1. Overlaps are kept:
 * two speakers often talk at once.
 */
export function finishCues(raw: readonly RawCue[], file: string, warnings: WarningList): Cue[] {
  const kept: RawCue[] = [];
  for (const cue of raw) {
    if (cue.endMs > cue.startMs) {
      kept.push(cue);
      continue;
    }
    const what = cue.endMs === cue.startMs ? "lasts 0 ms" : "ends before it starts";
    warnings.add({
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
    warnings.add({
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
