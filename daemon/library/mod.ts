/**
 * The media library: scanning roots (read-only), naming, sidecar and embedded subtitles, the
 * ffprobe cache, and reading cues.
 * @module
 */
export { loadCues, TrackNotFoundError } from "./cues.ts";
export { extractEmbeddedSubtitle, SubtitleExtractError } from "./extract.ts";
export { FfprobeRunner, type MediaInfo, ProbeError, type Prober, toMediaInfo } from "./ffprobe.ts";
export { languageName, normaliseLanguage } from "./languages.ts";
export { type ParsedName, parseVideoPath } from "./naming.ts";
export {
  countByRoot,
  EpisodeNotFoundError,
  getEpisode,
  InvalidCursorError,
  listEpisodes,
} from "./repository.ts";
export { LibraryScanner, PathOutsideRootsError, type ScanProgress } from "./scanner.ts";
export { describeTokens, findSidecars, type Sidecar } from "./sidecars.ts";
export { VIDEO_EXTENSIONS, walkRoot } from "./walker.ts";
export { watchRoots } from "./watcher.ts";
