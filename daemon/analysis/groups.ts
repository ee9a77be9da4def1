/**
 * Expressions whose scenes overlap share one context: one group, rendered as one video
 * ("combined") or one per expression ("separate").
 */

/** What grouping needs of an expression. */
export interface Scene {
  contextStart: number;
  contextEnd: number;
  contextStartMs: number;
  contextEndMs: number;
}

/** A group: its shared scene and the positions of its members in the input. */
export interface Group {
  contextStart: number;
  contextEnd: number;
  contextStartMs: number;
  contextEndMs: number;
  members: number[];
}

/**
 * Merges overlapping scenes (in time order) into groups. A merge that would make the shared
 * scene longer than `maxMs` (a Short's limit) is not made: the expressions keep separate groups.
 */
export function groupScenes(scenes: readonly Scene[], maxMs = 60_000): Group[] {
  const order = scenes.map((s, i) => ({ s, i })).sort((a, b) =>
    a.s.contextStartMs - b.s.contextStartMs || a.i - b.i
  );
  const groups: Group[] = [];
  for (const { s, i } of order) {
    const last = groups.at(-1);
    if (
      last && s.contextStartMs < last.contextEndMs &&
      Math.max(last.contextEndMs, s.contextEndMs) - last.contextStartMs <= maxMs
    ) {
      last.members.push(i);
      if (s.contextEndMs > last.contextEndMs) {
        last.contextEndMs = s.contextEndMs;
        last.contextEnd = s.contextEnd;
      }
    } else {
      groups.push({ ...s, members: [i] });
    }
  }
  return groups;
}
