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
 * One sweep over both tracks sorted by start (sorted copies are made only if needed). Each
 * target is passed over once it has ended before the current source cue began: a "next live
 * target" table with path compression skips such runs, so a target that lasts the whole file
 * (a sign or a watermark line in ASS) does not make every later source cue rescan the targets
 * behind it. The cost is O(n + m + overlapping pairs) whatever the tracks look like.
 */
export function alignCues(
  source: readonly Cue[],
  target: readonly Cue[],
  options: AlignOptions = {},
): AlignedCue[] {
  const share = options.minOverlapShare ?? DEFAULT_SHARE;
  const separator = options.separator ?? "\n";
  const targets = byStart(target);
  // next[j]: a target at or after j not known to have ended (j itself when it has not);
  // targets.length stands for "none left".
  const next = Int32Array.from({ length: targets.length + 1 }, (_, j) => j);
  const live = (j: number): number => {
    let root = j;
    while (next[root] !== root) root = next[root];
    for (let k = j; k !== root;) {
      const up = next[k];
      next[k] = root;
      k = up;
    }
    return root;
  };
  const result: AlignedCue[] = [];
  for (const s of byStart(source)) {
    const found: Cue[] = [];
    for (let j = live(0); j < targets.length && targets[j].startMs < s.endMs; j = live(j + 1)) {
      const t = targets[j];
      // source cues come by start, so a target that ended before this one began is done with
      if (t.endMs <= s.startMs) next[j] = j + 1;
      else if (matches(t, s.startMs, s.endMs, share)) found.push(t);
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
