import { useContext, useEffect, useRef } from "react";
import { KeymapContext } from "../context/KeymapContext.tsx";
import type { ScreenKeyBinding } from "../keys.ts";

/**
 * Declares the key bindings of a screen: `App` runs them while the screen is shown (and no
 * overlay is open) and lists them in the footer and help. The latest `run` functions are used,
 * so they may close over state freely; the bindings are registered again only when their
 * labels or descriptions change.
 */
export function useScreenKeys(bindings: readonly ScreenKeyBinding[]): void {
  const keymap = useContext(KeymapContext);
  const latest = useRef(bindings);
  useEffect(() => {
    latest.current = bindings;
  });
  const signature = bindings.map((b) => `${b.label}\u0000${b.description}\u0000${b.helpOnly ?? false}`).join(
    "\u0001",
  );
  useEffect(() => keymap.register(() => latest.current), [keymap, signature]);
}
