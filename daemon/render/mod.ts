/**
 * Rendering with FFmpeg. For now: finding the binaries; the renderer lands with its issue.
 * @module
 */
export { type FfmpegLocation, FfmpegMissingError, ffmpegVersion, locateFfmpeg } from "./ffmpeg_locator.ts";
