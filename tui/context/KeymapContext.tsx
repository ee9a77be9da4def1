/**
 * Lets the shown screen declare its key bindings to `App`, which dispatches keys to them and
 * lists them in the footer and the help overlay.
 * @module
 */
import { createContext } from "react";
import type { ScreenKeyBinding } from "../keys.ts";

/** Where a screen registers its bindings. */
export interface Keymap {
  /** Registers the bindings of the shown screen; returns a function that removes them. */
  register(bindings: () => readonly ScreenKeyBinding[]): () => void;
}

/** Provided by `App`; the default ignores registrations (a screen rendered on its own). */
export const KeymapContext = createContext<Keymap>({ register: () => () => {} });
