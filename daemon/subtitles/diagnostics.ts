import type { Cue } from "../../shared/schemas.ts";

/** Why a subtitle file could not be read at all. `file` and `line` locate the problem. */
export class SubtitleParseError extends Error {
  /**
   * @param file the file as the caller named it (a path, or a label such as `stream 3 of ep1.mkv`)
   * @param line 1-based line of the decoded text where parsing stopped
   * @param problem what was expected and what was found
   * @param hint what a person can do about it
   */
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
    hint: string = FIX_HINT,
    options?: ErrorOptions,
  ) {
    super(`Cannot parse ${file} line ${line}: ${problem}. ${hint}`, options);
    this.name = "SubtitleParseError";
  }
}

/** The default advice: the file itself is broken, so the fix is a better file. */
export const FIX_HINT =
  "Fix that line in a text editor, or use another subtitle file for this episode (re-download it, or extract the track from the video again).";

/** Kinds of {@link SubtitleWarning}. */
export type SubtitleWarningCode =
  /** A cue whose end is not after its start was dropped. */
  | "dropped-cue"
  /** Cues were not in time order and were sorted. */
  | "sorted"
  /** A block without a timing line was skipped (WebVTT). */
  | "skipped-block"
  /** The file ends in the middle of a cue (a cue number without its timing line). */
  | "truncated"
  /** The content is another format than the extension says; the content won. */
  | "format-mismatch"
  /** Cues left without text by cleaning (sound descriptions, music) were dropped. */
  | "emptied-by-cleaning"
  /** The encoding was guessed from the text, or some bytes could not be decoded. */
  | "encoding"
  /** The file holds no cues at all. */
  | "no-cues";

/** Something odd that did not stop parsing; worth a log line, not a failure. */
export interface SubtitleWarning {
  code: SubtitleWarningCode;
  file: string;
  /** 1-based line of the decoded text, when the warning is about one place. */
  line?: number;
  message: string;
}

/** Limits a parser enforces so that a huge or hostile file cannot take the daemon's memory. */
export interface ParseLimits {
  /** The most cues a track may have (default 200,000; see `MAX_CUES`). */
  maxCues?: number;
}

/** What a format parser returns: cues sorted by start and indexed from 1, and what it tolerated. */
export interface ParsedCues {
  cues: Cue[];
  warnings: SubtitleWarning[];
}
