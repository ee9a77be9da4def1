/**
 * Rendering with FFmpeg: finding the binaries and what they can do, planning each video as pure
 * data, compiling a plan into one ffmpeg command, and running renders in a bounded pool.
 * @module
 */
export { assTimeMs, renderAss } from "./ass.ts";
export { encoderWorks, probeCapabilities, REQUIRED } from "./capabilities.ts";
export {
  AUDIO_ENCODE,
  compilePlan,
  type EncodeSettings,
  filterGraph,
  LOUDNESS_TARGET,
  videoEncoder,
} from "./compile.ts";
export { FfmpegError, FfmpegProcess, type FfmpegProgress, type FfmpegRunner } from "./ffmpeg_runner.ts";
export { type FfmpegLocation, FfmpegMissingError, ffmpegVersion, locateFfmpeg } from "./ffmpeg_locator.ts";
export {
  buildPlan,
  describePlan,
  MAX_FPS,
  outputFps,
  type PlanExpression,
  PlanTooLongError,
  type RenderPlan,
} from "./plan.ts";
export {
  GroupNotFoundError,
  type PlannedOutput,
  Renderer,
  RenderError,
  RenderInterruptedError,
  RenderNotFoundError,
  splitToFit,
  toRender,
} from "./renderer.ts";
export {
  estimateOutputBytes,
  formatBytes,
  freeBytes,
  InsufficientSpaceError,
  isNoSpace,
} from "./disk_space.ts";
export { buildSidecar, fitTags, slug, tagsLength } from "./sidecar.ts";
