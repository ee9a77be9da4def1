/**
 * Key bindings: the global ones, and the shape in which screens declare theirs so that the
 * footer and the help overlay can list them.
 * @module
 */
import type { Key } from "ink";

/** A key as it is shown to people, with what it does. */
export interface KeyHint {
  /** How the key reads in the footer and help, e.g. `r`, `Tab`, `Ctrl-C`. */
  readonly label: string;
  readonly description: string;
  /** Listed in the help only, to keep the footer to one line. */
  readonly helpOnly?: boolean;
  /** Not listed at all, e.g. a key of a mode of the screen that is not the current one. */
  readonly hidden?: boolean;
}

/**
 * A key a screen handles while it is shown. The keys `App` uses everywhere (`q`, `?`, Tab, the
 * screens' number keys) never reach a screen, so a screen must pick others.
 */
export interface ScreenKeyBinding extends KeyHint {
  /** Whether a key press is this binding, e.g. `(input) => input === "r"`. */
  matches(input: string, key: Key): boolean;
  run(): void;
}

/** The keys that switch screens besides their number keys. */
export const SWITCH_KEYS: readonly KeyHint[] = [
  { label: "Tab / Shift-Tab", description: "next / previous", helpOnly: true },
];

/** The other keys `App` handles on every screen, in the order the help lists them. */
export const GLOBAL_KEYS: readonly KeyHint[] = [
  { label: "?", description: "help" },
  { label: "Esc", description: "close the help", helpOnly: true },
  { label: "q / Ctrl-C", description: "quit" },
];

/** Matches a single printable character, the common case for {@link ScreenKeyBinding.matches}. */
export function char(c: string): ScreenKeyBinding["matches"] {
  return (input, key) => input === c && !key.ctrl && !key.meta;
}

/** Whether `input` is printable text (letters, a paste), with no control characters in it. */
export function isPrintable(input: string): boolean {
  // deno-lint-ignore no-control-regex -- control characters are what this rules out
  return input !== "" && !/[\x00-\x1f\x7f]/.test(input);
}
