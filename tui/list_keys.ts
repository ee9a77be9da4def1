/**
 * The keys that move a cursor through a list and scroll a pane, the same on every screen.
 * @module
 */
import type { ScreenKeyBinding } from "./keys.ts";

/** A list with a cursor, as the movement keys drive it. */
export interface CursorList {
  /** Moves the cursor by `delta` rows; `pageRows` is the height of the list's window. */
  move(delta: number, pageRows: number): void;
  /** Moves the cursor to the first row (`"start"`) or the last. */
  jump(to: "start" | "end", pageRows: number): void;
}

/**
 * ↑↓, PgUp/PgDn and Home/End over `list`, whose window is `windowRows` tall; with `letters`
 * also j/k and g/G (not while a text input takes the letters).
 */
export function movementKeys(list: CursorList, windowRows: number, letters: boolean): ScreenKeyBinding[] {
  const page = Math.max(1, windowRows - 1);
  return [
    {
      label: letters ? "↑↓ j k" : "↑↓",
      description: "move",
      helpOnly: letters,
      matches: (i, k) => (k.downArrow || (letters && i === "j" && !k.ctrl)),
      run: () => list.move(1, windowRows),
    },
    {
      label: "↑",
      description: "up",
      hidden: true,
      matches: (i, k) => (k.upArrow || (letters && i === "k" && !k.ctrl)),
      run: () => list.move(-1, windowRows),
    },
    {
      label: "PgUp PgDn",
      description: "a page up / down",
      helpOnly: true,
      matches: (_, k) => k.pageDown,
      run: () => list.move(page, windowRows),
    },
    {
      label: "PgUp",
      description: "a page up",
      hidden: true,
      matches: (_, k) => k.pageUp,
      run: () => list.move(-page, windowRows),
    },
    {
      label: letters ? "g G Home End" : "Home End",
      description: "first / last row",
      helpOnly: true,
      matches: (i, k) => (k.home || (letters && i === "g" && !k.ctrl)),
      run: () => list.jump("start", windowRows),
    },
    {
      label: "End",
      description: "last row",
      hidden: true,
      matches: (i, k) => (k.end || (letters && i === "G" && !k.ctrl)),
      run: () => list.jump("end", windowRows),
    },
  ];
}

/** ↑↓ j k and PgUp/PgDn scrolling a pane by `scroll(delta)` lines, a page being `pageRows`. */
export function scrollKeys(scroll: (delta: number) => void, pageRows: number): ScreenKeyBinding[] {
  const page = Math.max(1, pageRows - 1);
  return [
    {
      label: "↑↓ j k",
      description: "scroll",
      matches: (i, k) => k.downArrow || (i === "j" && !k.ctrl),
      run: () => scroll(1),
    },
    {
      label: "↑",
      description: "up",
      hidden: true,
      matches: (i, k) => k.upArrow || (i === "k" && !k.ctrl),
      run: () => scroll(-1),
    },
    {
      label: "PgUp PgDn",
      description: "scroll a page",
      helpOnly: true,
      matches: (_, k) => k.pageDown,
      run: () => scroll(page),
    },
    {
      label: "PgUp",
      description: "up a page",
      hidden: true,
      matches: (_, k) => k.pageUp,
      run: () => scroll(-page),
    },
  ];
}

/**
 * `bindings` made to match only while `inMode()` holds (read when the key arrives), and hidden
 * from footer and help unless `shown` (the mode rendered). A screen registers every mode's keys
 * at once this way.
 */
export function guarded(
  bindings: readonly ScreenKeyBinding[],
  inMode: () => boolean,
  shown: boolean,
): ScreenKeyBinding[] {
  return bindings.map((binding) => ({
    ...binding,
    hidden: binding.hidden || !shown,
    matches: (input, key) => inMode() && binding.matches(input, key),
  }));
}

/**
 * Enter and Esc while a filter is typed: keep it, or clear it. With `listCtrlU`, also lists
 * Ctrl-U, which the filter's own capture handles.
 */
export function filterKeys(
  filter: { closeFilter(keep: boolean): void },
  listCtrlU: boolean,
): ScreenKeyBinding[] {
  const keys: ScreenKeyBinding[] = [
    {
      label: "Enter",
      description: "keep the filter",
      matches: (_, k) => k.return,
      run: () => filter.closeFilter(true),
    },
    {
      label: "Esc",
      description: "clear the filter",
      matches: (_, k) => k.escape,
      run: () => filter.closeFilter(false),
    },
  ];
  // Listed only: the filter's capture takes it, with the letters typed.
  if (listCtrlU) {
    keys.push({
      label: "Ctrl-U",
      description: "empty the filter",
      helpOnly: true,
      matches: () => false,
      run: () => {},
    });
  }
  return keys;
}

/** The keys of a row's details on the whole screen: back to the list, and scrolling `pageRows` a page. */
export function detailsKeys(
  details: { closeDetails(): void; scrollDetails(delta: number, max: number): void },
  maxScroll: number,
  pageRows: number,
): ScreenKeyBinding[] {
  return [
    {
      label: "Esc / Backspace",
      description: "back to the list",
      matches: (_, k) => k.escape || k.backspace || k.delete,
      run: () => details.closeDetails(),
    },
    ...scrollKeys((delta) => details.scrollDetails(delta, maxScroll), pageRows),
  ];
}
