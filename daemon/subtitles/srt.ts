import type { Cue } from "../../shared/schemas.ts";
import { type ParsedCues, type ParseLimits, SubtitleParseError } from "./diagnostics.ts";
import { finishCues, RawCueList, WarningList } from "./_cue_list.ts";
import {
  formatTimestamp,
  looksLikeTiming,
  parseTimingLine,
  quoteLine,
  splitLines,
  type Timing,
} from "./_timing.ts";

const EXAMPLE = "00:01:02,500 --> 00:01:04,000";
const CUE_NUMBER = /^\d+$/;

function timingAt(lines: readonly string[], i: number, file: string): Timing | undefined {
  const line = lines[i].trim();
  const timing = parseTimingLine(line);
  if (timing || !looksLikeTiming(line)) return timing;
  throw new SubtitleParseError(file, i + 1, `expected a timing line like ${EXAMPLE}, got ${quoteLine(line)}`);
}

function nextNonBlank(lines: readonly string[], from: number): number {
  let j = from;
  while (j < lines.length && lines[j].trim() === "") j++;
  return j;
}

/**
 * Parses SubRip text into cues (markup such as `<i>` is kept; cleaning removes it).
 *
 * Tolerates what real files do: any line ending, missing or doubled blank lines, missing or wrong
 * cue numbers (cues are renumbered after sorting), `,` or `.` before 1–3 fraction digits, missing
 * hours, odd spacing around `-->`, coordinates after the end time, cues out of order, overlapping
 * cues. Cues that do not last are dropped with a warning. A timing line that cannot be read, a cue
 * number not followed by a timing line, text before the first cue, or more cues than
 * {@link ParseLimits.maxCues} is a {@link SubtitleParseError}.
 */
export function parseSrt(text: string, file: string, limits: ParseLimits = {}): ParsedCues {
  const lines = splitLines(text);
  const warnings = new WarningList();
  const raw = new RawCueList(file, limits.maxCues);
  let current: { timing: Timing; line: number; parts: string[] } | undefined;
  let afterBlank = true;
  const flush = () => {
    if (current) {
      raw.push({ ...current.timing, line: current.line, text: current.parts.join("\n") });
    }
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") {
      afterBlank = true;
      continue;
    }
    const timing = timingAt(lines, i, file);
    if (timing) {
      flush();
      current = { timing, line: i + 1, parts: [] };
      afterBlank = false;
      continue;
    }
    if (CUE_NUMBER.test(line)) {
      const j = nextNonBlank(lines, i + 1);
      if (j < lines.length && timingAt(lines, j, file)) {
        // A cue number, possibly with no blank line before it: the timing line comes next.
        i = j - 1;
        continue;
      }
      if (!current || afterBlank) {
        if (j >= lines.length) {
          warnings.add({
            code: "truncated",
            file,
            line: i + 1,
            message: `${file} line ${i + 1}: the file ends after cue number ${line} without its timing line`,
          });
          break;
        }
        throw new SubtitleParseError(
          file,
          j + 1,
          `expected a timing line like ${EXAMPLE} after cue number ${line}, got ${
            quoteLine(lines[j].trim())
          }`,
        );
      }
      // Otherwise a number that is part of the cue's text ("42").
    }
    if (!current) {
      throw new SubtitleParseError(
        file,
        i + 1,
        `expected a cue number or a timing line like ${EXAMPLE}, got ${quoteLine(line)}`,
      );
    }
    // Text after a blank line still belongs to the cue: some files put blank lines inside cues.
    current.parts.push(line);
    afterBlank = false;
  }
  flush();
  const cues = finishCues(raw.cues, file, warnings);
  return { cues, warnings: warnings.list(file) };
}

/** Options of {@link writeSrt}. */
export interface SrtWriteOptions {
  /** Line ending; `\n` by default (every player reads it), `\r\n` for old Windows tools. */
  newline?: "\n" | "\r\n";
}

/**
 * A line of cue text as SRT can hold it. SRT has no escape, so `-->` becomes `->`, and in a line
 * that would still read as a timing line (`00:01,000 -> 00:02,000`, which the parser accepts) the
 * arrow becomes `→`; otherwise the line would start a new cue.
 */
function srtTextLine(line: string): string {
  const out = line.replaceAll("-->", "->");
  return parseTimingLine(out.trim()) ? out.replace(/-{1,3}\s*>/, "→") : out;
}

/**
 * Writes cues as SubRip, numbered from 1 in the given order. Blank lines inside a cue's text are
 * dropped and arrows that would end the cue are changed (see {@link srtTextLine}), because SRT
 * has no escape.
 */
export function writeSrt(cues: readonly Cue[], options: SrtWriteOptions = {}): string {
  const nl = options.newline ?? "\n";
  return cues.map((cue, i) => {
    const lines = cue.text.split("\n").filter((line) => line.trim() !== "").map(srtTextLine);
    const timing = `${formatTimestamp(cue.startMs, "srt")} --> ${formatTimestamp(cue.endMs, "srt")}`;
    return [String(i + 1), timing, ...lines].join(nl) + nl;
  }).join(nl);
}
