/**
 * Checking each expression of a reply on its own: one bad expression is dropped with its reason,
 * the rest of the chunk is kept. Cue numbers become times here; a scene that is too short or
 * too long is extended or trimmed by whole cues where that fixes it.
 */
import type { AnalysisOptions, LlmExpression } from "../../shared/analysis.ts";
import { llmExpressionSchema } from "../../shared/analysis.ts";
import type { Cue } from "../../shared/schemas.ts";
import type { Chunk } from "./chunker.ts";
import { normaliseText } from "./_normalise.ts";

/** Why an expression was dropped. */
export type DropReason =
  | "schema"
  | "index_outside_chunk"
  | "context_order"
  | "text_not_in_line"
  | "edge_of_context"
  | "context_too_short"
  | "context_too_long"
  | "missing_translation"
  | "duplicate"
  | "ranked_out";

/** An expression that passed, with its cue positions resolved to times. */
export interface ValidExpression {
  reply: LlmExpression;
  chunkIndex: number;
  cue: Cue;
  /** Positions in the episode's cue array (not cue numbers). */
  contextStart: number;
  contextEnd: number;
  contextStartMs: number;
  contextEndMs: number;
}

/** An expression that did not pass, and why. */
export interface DroppedExpression {
  reply: unknown;
  chunkIndex: number;
  reason: DropReason;
  detail: string;
}

/** The outcome for one expression. */
export type Validation = { ok: true; value: ValidExpression } | { ok: false; value: DroppedExpression };

function drop(reply: unknown, chunkIndex: number, reason: DropReason, detail: string): Validation {
  return { ok: false, value: { reply, chunkIndex, reason, detail } };
}

const duration = (cues: readonly Cue[], from: number, to: number) => cues[to].endMs - cues[from].startMs;

/**
 * Moves the scene's edges by whole cues until it lasts between target − tolerance and
 * target + tolerance, keeping at least one line on each side of the expression. Returns
 * undefined when no such scene exists.
 */
export function fitContext(
  cues: readonly Cue[],
  at: number,
  from: number,
  to: number,
  contextMs: AnalysisOptions["contextMs"],
): { from: number; to: number } | "too_short" | "too_long" {
  const min = contextMs.target - contextMs.tolerance;
  const max = contextMs.target + contextMs.tolerance;
  // the expression must not open or close its scene
  if (from === at && from > 0) from--;
  if (to === at && to < cues.length - 1) to++;
  while (duration(cues, from, to) < min) {
    const before = from > 0 ? cues[from].startMs - cues[from - 1].startMs : Infinity;
    const after = to < cues.length - 1 ? cues[to + 1].endMs - cues[to].endMs : Infinity;
    if (before === Infinity && after === Infinity) return "too_short";
    // grow on the side that adds less, so the scene stays centred on the dialogue
    if (before <= after) from--;
    else to++;
    if (duration(cues, from, to) > max) return "too_short"; // one more cue overshoots
  }
  while (duration(cues, from, to) > max) {
    const canTrimStart = from < at - 1;
    const canTrimEnd = to > at + 1;
    if (!canTrimStart && !canTrimEnd) return "too_long";
    // trim the side farther from the expression
    if (canTrimStart && (!canTrimEnd || at - from >= to - at)) from++;
    else to--;
  }
  return { from, to };
}

/**
 * Validates one expression of a chunk's reply against the chunk and the episode's cues.
 * `byNumber` maps cue numbers to positions in `cues`.
 */
export function validateExpression(
  raw: unknown,
  chunk: Chunk,
  cues: readonly Cue[],
  byNumber: ReadonlyMap<number, number>,
  options: AnalysisOptions,
): Validation {
  const parsed = llmExpressionSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return drop(raw, chunk.index, "schema", `${issue.path.join(".") || "expression"}: ${issue.message}`);
  }
  const e = parsed.data;
  const first = chunk.cues[0].index;
  const last = chunk.cues[chunk.cues.length - 1].index;
  for (
    const [name, n] of [["expressionCue", e.expressionCue], ["contextStartCue", e.contextStartCue], [
      "contextEndCue",
      e.contextEndCue,
    ]] as const
  ) {
    if (n < first || n > last || !byNumber.has(n)) {
      return drop(
        e,
        chunk.index,
        "index_outside_chunk",
        `${name} ${n} is not one of the chunk's lines ${first}–${last}`,
      );
    }
  }
  if (!(e.contextStartCue <= e.expressionCue && e.expressionCue <= e.contextEndCue)) {
    return drop(
      e,
      chunk.index,
      "context_order",
      `the scene ${e.contextStartCue}–${e.contextEndCue} does not contain line ${e.expressionCue}`,
    );
  }
  const at = byNumber.get(e.expressionCue)!;
  const cue = cues[at];
  if (!normaliseText(cue.text).includes(normaliseText(e.expression))) {
    return drop(
      e,
      chunk.index,
      "text_not_in_line",
      `"${e.expression}" is not in line ${cue.index}: "${cue.text}"`,
    );
  }
  const missing = options.targetLanguages.filter((l) =>
    !e.translations.some((t) => t.language.toLowerCase() === l && t.expression.trim() && t.title.trim())
  );
  if (missing.length) {
    return drop(e, chunk.index, "missing_translation", `no translation into ${missing.join(", ")}`);
  }
  const fitted = fitContext(
    cues,
    at,
    byNumber.get(e.contextStartCue)!,
    byNumber.get(e.contextEndCue)!,
    options.contextMs,
  );
  if (fitted === "too_short" || fitted === "too_long") {
    const ms = duration(cues, byNumber.get(e.contextStartCue)!, byNumber.get(e.contextEndCue)!);
    return drop(
      e,
      chunk.index,
      fitted === "too_short" ? "context_too_short" : "context_too_long",
      `the scene lasts ${(ms / 1000).toFixed(1)} s and cannot be fitted to ${
        options.contextMs.target / 1000
      } ± ${options.contextMs.tolerance / 1000} s by whole lines`,
    );
  }
  if (fitted.from === at || fitted.to === at) {
    return drop(
      e,
      chunk.index,
      "edge_of_context",
      `line ${cue.index} is the first or last line of its scene`,
    );
  }
  return {
    ok: true,
    value: {
      reply: e,
      chunkIndex: chunk.index,
      cue,
      contextStart: fitted.from,
      contextEnd: fitted.to,
      contextStartMs: cues[fitted.from].startMs,
      contextEndMs: cues[fitted.to].endMs,
    },
  };
}
