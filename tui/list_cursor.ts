/**
 * The cursor arithmetic the list views share: where a move lands, how the window follows it,
 * and the small steps on a `Set`-based selection and a scrolled pane. Plain functions on the
 * views' own fields, so each view keeps its public fields (`cursor`, `top`) and methods.
 * @module
 */
import { windowStart } from "./library_rows.ts";

/** A list's cursor and the first row of the window it was last shown in. */
export interface CursorState {
  cursor: number;
  top: number;
}

/** The row a move to `target` lands on among `count` rows. */
export function clampRow(target: number, count: number): number {
  return Math.max(0, Math.min(count - 1, target));
}

/** The row `jump(to)` goes to among `count` rows. */
export function jumpRow(to: "start" | "end", count: number): number {
  return to === "start" ? 0 : count - 1;
}

/**
 * Moves `state.cursor` to `target` (clamped) among `count` rows, the window of `pageRows`
 * following it; false when nothing moved, so the caller does not notify for nothing.
 */
export function moveCursor(state: CursorState, target: number, count: number, pageRows: number): boolean {
  const next = clampRow(target, count);
  if (count === 0 || next === state.cursor) return false;
  state.cursor = next;
  state.top = windowStart(state.top, next, pageRows, count);
  return true;
}

/** Selects `id` when it is not selected, else unselects it. */
export function toggleSelected(selection: Set<number>, id: number): void {
  if (!selection.delete(id)) selection.add(id);
}

/** A pane's scroll moved by `delta` lines, kept within `0..max`. */
export function scrollWithin(scroll: number, delta: number, max: number): number {
  return Math.max(0, Math.min(max, scroll + delta));
}
