/**
 * Colours and status symbols of the TUI. Components never name a colour themselves: they ask
 * the theme for a role, so that `NO_COLOR` (the {@link plainTheme}) switches every colour off
 * in one place, and statuses still read from their symbol and word.
 * @module
 */
import type { ExpressionStatus } from "../shared/analysis.ts";
import type { JobState } from "../shared/jobs.ts";
import type { HealthStatus } from "../shared/schemas.ts";
import type { Schedule } from "../shared/schedule.ts";

/** What a piece of text means, which decides its colour. */
export type ColorRole = "ok" | "warn" | "error" | "accent" | "muted" | "border";

/** How a status is shown: a symbol and a word that read without colour, plus its colour role. */
export interface StatusLook {
  readonly symbol: string;
  readonly label: string;
  readonly role: ColorRole;
  /** Shown dim as well: a state that no longer matters much (cancelled). */
  readonly dim?: boolean;
}

/** A palette: the colour of each role, or `undefined` for the terminal's own colour. */
export interface Theme {
  /** Whether this theme emits colours at all. */
  readonly colors: boolean;
  /** The colour for a role, to pass to Ink's `color`/`borderColor` props. */
  color(role: ColorRole): string | undefined;
}

const PALETTE: Readonly<Record<ColorRole, string>> = {
  ok: "green",
  warn: "yellow",
  error: "red",
  accent: "cyan",
  muted: "gray",
  border: "gray",
};

/** The default theme: statuses in green, yellow and red. */
export const colorTheme: Theme = Object.freeze({
  colors: true,
  color: (role: ColorRole) => PALETTE[role],
});

/** No colours at all, for `NO_COLOR` (https://no-color.org) and dumb terminals. */
export const plainTheme: Theme = Object.freeze({
  colors: false,
  color: () => undefined,
});

/** The theme for an environment: plain when `noColor` (Deno's reading of `NO_COLOR`) is set. */
export function themeFor(options: { noColor: boolean }): Theme {
  return options.noColor ? plainTheme : colorTheme;
}

const STATUS_LOOKS: Readonly<Record<HealthStatus, StatusLook>> = {
  ok: { symbol: "✓", label: "ok", role: "ok" },
  degraded: { symbol: "▲", label: "degraded", role: "warn" },
  down: { symbol: "✗", label: "down", role: "error" },
};

/** The symbol, word and colour role of a health status. */
export function statusLook(status: HealthStatus): StatusLook {
  return STATUS_LOOKS[status];
}

const EXPRESSION_LOOKS: Readonly<Record<ExpressionStatus, StatusLook>> = {
  pending: { symbol: "·", label: "pending", role: "muted" },
  approved: { symbol: "✓", label: "approved", role: "ok" },
  rejected: { symbol: "✗", label: "rejected", role: "error" },
  dropped: { symbol: "–", label: "dropped", role: "muted" },
};

/** The symbol, word and colour role of an expression's review status. */
export function expressionLook(status: ExpressionStatus): StatusLook {
  return EXPRESSION_LOOKS[status];
}

const JOB_LOOKS: Readonly<Record<JobState, StatusLook>> = {
  waiting: { symbol: "·", label: "waiting", role: "muted" },
  active: { symbol: "▶", label: "active", role: "accent" },
  "waiting-review": { symbol: "◇", label: "waiting-review", role: "warn" },
  completed: { symbol: "✓", label: "completed", role: "ok" },
  failed: { symbol: "✗", label: "failed", role: "error" },
  cancelled: { symbol: "–", label: "cancelled", role: "muted", dim: true },
};

/** The symbol, word and colour role of a job's (or a batch's) state. */
export function jobLook(state: JobState): StatusLook {
  return JOB_LOOKS[state];
}

const SCHEDULE_LOOKS: Readonly<Record<Schedule["state"], StatusLook>> = {
  scheduled: { symbol: "○", label: "scheduled", role: "accent" },
  uploading: { symbol: "⇡", label: "uploading", role: "warn" },
  uploaded: { symbol: "✓", label: "uploaded", role: "ok" },
  failed: { symbol: "✗", label: "failed", role: "error" },
  cancelled: { symbol: "–", label: "cancelled", role: "muted", dim: true },
};

/** The symbol, word and colour role of a video's state on the publishing calendar. */
export function scheduleLook(state: Schedule["state"]): StatusLook {
  return SCHEDULE_LOOKS[state];
}
