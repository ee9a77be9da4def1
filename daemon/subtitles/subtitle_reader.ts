import type { Cue } from "../../shared/schemas.ts";
import { parseAss } from "./ass.ts";
import { cleanCues, type CleanOptions } from "./clean.ts";
import {
  type ParsedCues,
  type ParseLimits,
  SubtitleParseError,
  type SubtitleWarning,
} from "./diagnostics.ts";
import { decodeText } from "./encoding.ts";
import { describeNonSubtitle, formatFromPath, sniffFormat, type SubtitleFormat } from "./format.ts";
import { parseSrt } from "./srt.ts";
import { parseVtt } from "./vtt.ts";

/** A subtitle track read from bytes: its format and encoding as found, its cues, what was tolerated. */
export interface SubtitleFile {
  format: SubtitleFormat;
  /** WHATWG name of the encoding the text was decoded with (`utf-8`, `windows-1252`, `shift_jis` …). */
  encoding: string;
  /** Sorted by start, indexed from 1, cleaned unless `clean: false`. */
  cues: Cue[];
  warnings: SubtitleWarning[];
}

/** Options of {@link parseSubtitles}. */
export interface ParseSubtitlesOptions {
  /** Names the source in errors and warnings; its extension hints the format. */
  file: string;
  /** The format to expect, instead of the file's extension. Content that is clearly another format wins. */
  format?: SubtitleFormat;
  /** Skip detection and decode with this WHATWG label (`windows-1252`, `cp1251`, `sjis` …). */
  encoding?: string;
  /** Cleaning to apply (all kinds by default); `false` keeps the text as parsed. */
  clean?: CleanOptions | false;
  /** More cues than this are refused (default 200,000: no single track has nearly as many). */
  maxCues?: number;
}

/** Options of {@link readSubtitleFile}. */
export type ReadSubtitleOptions = Omit<ParseSubtitlesOptions, "file"> & {
  /** Larger files are refused before reading (default 20 MB; real subtitle files are far smaller). */
  maxBytes?: number;
};

/** The largest subtitle file {@link readSubtitleFile} reads by default (a film's SRT is 50–150 KB). */
export const MAX_SUBTITLE_BYTES = 20 * 1024 * 1024;

const PARSERS: Record<SubtitleFormat, (text: string, file: string, limits: ParseLimits) => ParsedCues> = {
  srt: parseSrt,
  vtt: parseVtt,
  ass: parseAss,
  ssa: parseAss,
};

const NOT_SUBTITLES_HINT =
  "Choose an .srt, .vtt or .ass subtitle file, or extract a text subtitle track from the video with ffmpeg.";

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Refuses binary data: decoded control and replacement characters above 2% of the text. */
function assertText(text: string, file: string): void {
  let bad = 0;
  let first = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0x7f || c === 0xfffd) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 8 && bad > text.length * 0.02) {
    throw new SubtitleParseError(
      file,
      lineOf(text, first),
      `this is binary data, not text (${bad} control or undecodable characters)`,
      NOT_SUBTITLES_HINT,
    );
  }
}

/**
 * Parses subtitle bytes: detects the encoding, chooses the format (the extension or `format`
 * says what to expect; content that is clearly another format wins, with a warning), parses,
 * and cleans. Pure: no I/O, so tests and fuzzers call it directly.
 * @throws SubtitleParseError for anything that is not a readable subtitle file, with file and line.
 */
export function parseSubtitles(bytes: Uint8Array, options: ParseSubtitlesOptions): SubtitleFile {
  const { file } = options;
  if (bytes.length === 0) {
    throw new SubtitleParseError(file, 1, "the file is empty", NOT_SUBTITLES_HINT);
  }
  const decoded = decodeText(bytes, options.encoding);
  const warnings: SubtitleWarning[] = [];
  if (decoded.method === "scored") {
    warnings.push({
      code: "encoding",
      file,
      message: `${file} is not UTF-8 and has no byte order mark; read it as ${decoded.encoding} ` +
        `(pass an encoding to override)`,
    });
  }
  if (decoded.replaced > 0) {
    warnings.push({
      code: "encoding",
      file,
      message: `${file}: ${
        plural(decoded.replaced, "character")
      } could not be decoded as ${decoded.encoding}`,
    });
  }
  const { text } = decoded;
  assertText(text, file);
  if (text.trim() === "") {
    throw new SubtitleParseError(file, 1, "the file has only blank lines", NOT_SUBTITLES_HINT);
  }

  const expected = options.format ?? formatFromPath(file);
  const other = describeNonSubtitle(text);
  if (other) throw new SubtitleParseError(file, 1, `this is ${other}`, NOT_SUBTITLES_HINT);
  const sniffed = sniffFormat(text);
  const format = sniffed ?? expected ?? "srt";
  // .ass holding an SSA script (or the reverse) is not worth a warning: one parser reads both.
  const family = (f: SubtitleFormat) => f === "ssa" ? "ass" : f;
  if (sniffed && expected && family(sniffed) !== family(expected)) {
    warnings.push({
      code: "format-mismatch",
      file,
      message: `${file} was expected to be ${expected} but its content is ${sniffed}; read it as ${sniffed}`,
    });
  }

  const parsed = PARSERS[format](text, file, { maxCues: options.maxCues });
  warnings.push(...parsed.warnings);
  let cues = parsed.cues;
  if (options.clean !== false) {
    const cleaned = cleanCues(cues, options.clean ?? {});
    cues = cleaned.cues;
    if (cleaned.dropped > 0) {
      warnings.push({
        code: "emptied-by-cleaning",
        file,
        message: `${file}: ${plural(cleaned.dropped, "cue")} had no text left after cleaning ` +
          `(sound descriptions, music, empty cues) and were dropped`,
      });
    }
  }
  return { format, encoding: decoded.encoding, cues, warnings };
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The file's bytes, or undefined when it holds more than `maxBytes` (it may grow after a stat). */
async function readAtMost(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
  using file = await Deno.open(path);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const buffer = new Uint8Array(64 * 1024);
  for (let n = await file.read(buffer); n !== null; n = await file.read(buffer)) {
    total += n;
    if (total > maxBytes) return undefined;
    chunks.push(buffer.slice(0, n));
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/**
 * Reads and parses a subtitle file (see {@link parseSubtitles}). Never reads more than
 * `maxBytes`, also when the file grows after the size check or is not a regular file.
 * @throws SubtitleParseError when the file is not readable subtitles (too large, not a regular
 * file, binary, broken); `Deno.errors.NotFound` / `PermissionDenied` pass through.
 */
export async function readSubtitleFile(
  path: string,
  options: ReadSubtitleOptions = {},
): Promise<SubtitleFile> {
  const { maxBytes = MAX_SUBTITLE_BYTES, ...parseOptions } = options;
  const tooLarge = (bytes: string) =>
    new SubtitleParseError(
      path,
      1,
      `the file is ${bytes}, more than the ${size(maxBytes)} a subtitle file may have ` +
        `(is it a video with a subtitle extension, or several tracks in one file?)`,
      `${NOT_SUBTITLES_HINT} A real track is 50–500 KB; split a concatenated file per episode.`,
    );
  const info = await Deno.stat(path);
  if (!info.isFile) {
    throw new SubtitleParseError(
      path,
      1,
      "this is not a regular file (a folder, device or pipe)",
      NOT_SUBTITLES_HINT,
    );
  }
  if (info.size > maxBytes) throw tooLarge(size(info.size));
  const bytes = await readAtMost(path, maxBytes);
  if (!bytes) throw tooLarge(`more than ${size(maxBytes)} (it grew while being read)`);
  return parseSubtitles(bytes, { ...parseOptions, file: path });
}
