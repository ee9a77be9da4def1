import type { Cue } from "../../shared/schemas.ts";

/** A source cue with the target-language cues that say the same thing. */
export interface AlignedCue {
  source: Cue;
  /** Matching target cues in time order; empty when nothing in the target track matches. */
  targets: Cue[];
  /** The targets' texts joined with {@link AlignOptions.separator}; "" when there are none. */
  text: string;
}

/** Options of {@link alignCues} and {@link textInWindow}. */
export interface AlignOptions {
  /**
   * The share of the shorter cue's duration the two must overlap by (default 0.5). At 0.5 the
   * shorter cue lies mostly inside the other, so a pair flips cleanly half-way when two tracks
   * drift apart; at 0.3 a 2-second cue already picks up its neighbour's translation at 0.6 s of drift.
   */
  minOverlapShare?: number;
  /** Joins the texts of several targets (default "\n", keeping each target's own lines). */
  separator?: string;
}

const DEFAULT_SHARE = 0.5;

const overlapMs = (a: Cue, fromMs: number, toMs: number) =>
  Math.min(a.endMs, toMs) - Math.max(a.startMs, fromMs);

/**
 * True when target cue `t` belongs to the span `[fromMs, toMs)`: they overlap by at least
 * `share` of the shorter one's duration.
 */
function matches(t: Cue, fromMs: number, toMs: number, share: number): boolean {
  const overlap = overlapMs(t, fromMs, toMs);
  if (overlap <= 0) return false;
  return overlap >= share * Math.min(t.endMs - t.startMs, toMs - fromMs);
}

function byStart(cues: readonly Cue[]): readonly Cue[] {
  for (let i = 1; i < cues.length; i++) {
    if (cues[i].startMs < cues[i - 1].startMs) return [...cues].sort((a, b) => a.startMs - b.startMs);
  }
  return cues;
}

/**
 * Pairs each source cue with the target cues it overlaps in time, never by index: real tracks
 * split sentences differently. A target counts for a source cue when they overlap by at least
 * {@link AlignOptions.minOverlapShare} (default 50%) of the shorter cue's duration. So a long
 * source cue can take several targets (one-to-many), several source cues can share one long
 * target (many-to-one), and a source cue in a gap of the target track gets `targets: []`.
 *
 * One sweep over both tracks sorted by start (sorted copies are made only if needed): the lower
 * pointer skips targets that ended before the current source cue began, the scan stops at the
 * first target starting after it ends — O(n + m + pairs) for ordinary tracks.
 */
export function alignCues(
  source: readonly Cue[],
  target: readonly Cue[],
  options: AlignOptions = {},
): AlignedCue[] {
  const share = options.minOverlapShare ?? DEFAULT_SHARE;
  const separator = options.separator ?? "\n";
  const targets = byStart(target);
  const result: AlignedCue[] = [];
  let lo = 0;
  for (const s of byStart(source)) {
    while (lo < targets.length && targets[lo].endMs <= s.startMs) lo++;
    const found: Cue[] = [];
    for (let j = lo; j < targets.length && targets[j].startMs < s.endMs; j++) {
      if (matches(targets[j], s.startMs, s.endMs, share)) found.push(targets[j]);
    }
    result.push({ source: s, targets: found, text: found.map((t) => t.text).join(separator) });
  }
  return result;
}

/**
 * The cues of `cues` that belong to the window `[fromMs, toMs)` by the same overlap rule as
 * {@link alignCues} (the window standing in for a source cue), in time order.
 */
export function cuesInWindow(
  cues: readonly Cue[],
  fromMs: number,
  toMs: number,
  options: Pick<AlignOptions, "minOverlapShare"> = {},
): Cue[] {
  const share = options.minOverlapShare ?? DEFAULT_SHARE;
  return byStart(cues).filter((cue) => cue.startMs < toMs && matches(cue, fromMs, toMs, share));
}

/**
 * The text of the target cues in the window `[fromMs, toMs)` (e.g. the translation line under a
 * clip in dual subtitles), joined with {@link AlignOptions.separator}; "" when none.
 */
export function textInWindow(
  cues: readonly Cue[],
  fromMs: number,
  toMs: number,
  options: AlignOptions = {},
): string {
  return cuesInWindow(cues, fromMs, toMs, options).map((cue) => cue.text).join(options.separator ?? "\n");
}
