/**
 * Subtitles: reading SRT, WebVTT and ASS/SSA files in any common encoding into cues, cleaning
 * their text, writing SRT and WebVTT, and pairing a source track with a translation by time.
 * @module
 */
export { alignCues, type AlignedCue, type AlignOptions, cuesInWindow, textInWindow } from "./align.ts";
export { assPlainText, parseAss } from "./ass.ts";
export { cleanCues, type CleanOptions, cleanText, DEFAULT_CLEAN_OPTIONS } from "./clean.ts";
export {
  type ParsedCues,
  type ParseLimits,
  SubtitleParseError,
  type SubtitleWarning,
  type SubtitleWarningCode,
} from "./diagnostics.ts";
export {
  type DecodedText,
  decodeText,
  detectEncoding,
  type EncodingMethod,
  LEGACY_ENCODINGS,
} from "./encoding.ts";
export { formatFromPath, sniffFormat, SUBTITLE_FORMATS, type SubtitleFormat } from "./format.ts";
export { parseSrt, type SrtWriteOptions, writeSrt } from "./srt.ts";
export {
  MAX_SUBTITLE_BYTES,
  parseSubtitles,
  type ParseSubtitlesOptions,
  readSubtitleFile,
  type ReadSubtitleOptions,
  type SubtitleFile,
} from "./subtitle_reader.ts";
export { parseVtt, vttPlainText, writeVtt } from "./vtt.ts";
export { formatTimestamp } from "./_timing.ts";
export { MAX_CUES, MAX_WARNINGS_PER_KIND } from "./_cue_list.ts";
