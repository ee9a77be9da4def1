/**
 * Lets the shown screen declare its key bindings to `App`, which dispatches keys to them and
 * lists them in the footer and the help overlay.
 * @module
 */
import type { Key } from "ink";
import { createContext } from "react";
import type { ScreenKeyBinding } from "../keys.ts";

/** What a screen handles. */
export interface ScreenKeys {
  readonly bindings: readonly ScreenKeyBinding[];
  /**
   * Sees every key before anything else (`q`, `?` and the number keys included; only Ctrl-C
   * always quits) and returns whether it took it: how a screen with a text input open keeps
   * the letters typed into it.
   */
  readonly capture?: (input: string, key: Key) => boolean;
}

/** Where a screen registers its keys. */
export interface Keymap {
  /** Registers the keys of the screen; returns a function that removes them. */
  register(keys: () => ScreenKeys): () => void;
}

/** Provided by `App`; the default ignores registrations (a screen rendered on its own). */
export const KeymapContext = createContext<Keymap>({ register: () => () => {} });
