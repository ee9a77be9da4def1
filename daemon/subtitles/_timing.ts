/**
 * Timestamps and timing lines shared by the SRT and WebVTT parsers and all writers.
 * Real files vary: hours may be missing, a comma or a dot may precede the fraction, and the
 * fraction may have 1 to 3 digits (".5" is half a second), so one tolerant pattern serves both.
 */

const TIME = String.raw`(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[,.](\d{1,9}))?`;
// The arrow tolerates "->", "-- >" and missing spaces; what follows the end time (SRT position
// "X1:…", WebVTT cue settings) must be separated by whitespace so "00:00:0x" is not read as 00:00.
// The settings are `[\s\S]*`, not `.*`: "." stops at U+2028, and the backtracking that followed
// took quadratic time on a long line of spaces.
const TIMING_LINE = new RegExp(String.raw`^${TIME}\s*-{1,3}\s*>\s*${TIME}(?:\s+([\s\S]*))?$`);
const ASS_TIME = /^(\d{1,3}):(\d{1,2}):(\d{1,2})(?:[.,](\d{1,9}))?$/;

/** A parsed `start --> end [settings]` line. */
export interface Timing {
  startMs: number;
  endMs: number;
  /** Whatever followed the end time: WebVTT cue settings or SRT coordinates. */
  settings: string;
}

/** Milliseconds from the fraction digits read as a decimal fraction of a second. */
function fractionMs(digits: string | undefined): number {
  return digits ? Number((digits + "00").slice(0, 3)) : 0;
}

function toMs(h: string | undefined, m: string, s: string, frac: string | undefined): number {
  return ((Number(h ?? 0) * 60 + Number(m)) * 60 + Number(s)) * 1000 + fractionMs(frac);
}

/** Reads a trimmed timing line; undefined when the line is not one. */
export function parseTimingLine(line: string): Timing | undefined {
  const m = TIMING_LINE.exec(line);
  if (!m) return undefined;
  return {
    startMs: toMs(m[1], m[2], m[3], m[4]),
    endMs: toMs(m[5], m[6], m[7], m[8]),
    settings: m[9] ?? "",
  };
}

/**
 * True for a line that is meant as a timing line but is malformed: it starts with a digit and
 * has an arrow. Cue text rarely does both, so such a line is reported instead of being read as text.
 */
export function looksLikeTiming(line: string): boolean {
  return /^\d/.test(line) && line.includes("-->");
}

/** Reads an ASS/SSA time (`0:00:01.50`, centiseconds); undefined when malformed. */
export function parseAssTime(text: string): number | undefined {
  const m = ASS_TIME.exec(text.trim());
  return m ? toMs(m[1], m[2], m[3], m[4]) : undefined;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** `01:02:03,500` (SRT) or `01:02:03.500` (WebVTT). */
export function formatTimestamp(ms: number, style: "srt" | "vtt"): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor(total / 60_000) % 60;
  const s = Math.floor(total / 1000) % 60;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${style === "srt" ? "," : "."}${pad(total % 1000, 3)}`;
}

/** Splits on CRLF, CR or LF, whichever a file uses (some mix them). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** A line quoted for an error message: escaped, and cut short when long. */
export function quoteLine(line: string): string {
  return JSON.stringify(line.length > 60 ? `${line.slice(0, 60)}…` : line);
}
