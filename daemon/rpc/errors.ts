import { TRPCError } from "@trpc/server";

type Code = TRPCError["code"];

/**
 * Domain errors by name, and the tRPC code each becomes at the edge. Their messages are written
 * for people already (what failed, what to do), so they pass through unchanged.
 */
const CODES: Record<string, Code> = {
  EpisodeNotFoundError: "NOT_FOUND",
  TrackNotFoundError: "NOT_FOUND",
  PathOutsideRootsError: "BAD_REQUEST",
  InvalidCursorError: "BAD_REQUEST",
  SubtitleParseError: "UNPROCESSABLE_CONTENT",
  SubtitleExtractError: "UNPROCESSABLE_CONTENT",
  ProbeError: "UNPROCESSABLE_CONTENT",
  FfmpegMissingError: "PRECONDITION_FAILED",
  ExpressionNotFoundError: "NOT_FOUND",
  LlmError: "PRECONDITION_FAILED",
  BudgetExceededError: "CONFLICT",
  GroupNotFoundError: "NOT_FOUND",
  RenderNotFoundError: "NOT_FOUND",
  RenderError: "UNPROCESSABLE_CONTENT",
  RenderInterruptedError: "SERVICE_UNAVAILABLE",
  InsufficientSpaceError: "PRECONDITION_FAILED",
  PlanTooLongError: "BAD_REQUEST",
  JobNotFoundError: "NOT_FOUND",
  JobStateError: "CONFLICT",
  ScheduleConflictError: "CONFLICT",
  ScheduleNotFoundError: "NOT_FOUND",
  YouTubeAuthError: "PRECONDITION_FAILED",
  NothingToExportError: "PRECONDITION_FAILED",
  ExportMediaError: "UNPROCESSABLE_CONTENT",
  ExportCancelledError: "CLIENT_CLOSED_REQUEST",
  DatabaseUnavailableError: "SERVICE_UNAVAILABLE",
};

/** The TRPCError for a domain error, or undefined for anything else (an internal error). */
export function toTRPCError(error: unknown): TRPCError | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = CODES[error.name];
  return code ? new TRPCError({ code, message: error.message, cause: error }) : undefined;
}
