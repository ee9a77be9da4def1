import type { Key } from "ink";
import { useContext, useEffect, useLayoutEffect, useRef } from "react";
import { KeymapContext, type ScreenKeys } from "../context/KeymapContext.tsx";
import type { ScreenKeyBinding } from "../keys.ts";

/**
 * Declares the key bindings of a screen: `App` runs them while the screen is shown (and no
 * overlay is open) and lists them in the footer and help. The latest `run` functions are used,
 * so they may close over state freely; the bindings are registered again only when their
 * labels or descriptions change. A `capture` function sees every key first (see
 * {@link ScreenKeys.capture}).
 */
export function useScreenKeys(
  bindings: readonly ScreenKeyBinding[],
  options: { capture?: (input: string, key: Key) => boolean } = {},
): void {
  const keymap = useContext(KeymapContext);
  const latest = useRef<ScreenKeys>({ bindings, capture: options.capture });
  // A layout effect runs as the render is committed, so a key handled right after it already
  // sees these bindings, not the ones of the render before.
  useLayoutEffect(() => {
    latest.current = { bindings, capture: options.capture };
  });
  const signature = bindings.map((b) =>
    `${b.label}\u0000${b.description}\u0000${b.helpOnly ?? false}\u0000${b.hidden ?? false}`
  ).join("\u0001");
  useEffect(() => keymap.register(() => latest.current), [keymap, signature]);
}
