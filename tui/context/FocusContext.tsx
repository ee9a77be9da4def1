/**
 * What one screen leaves for another to pick up when that one is shown: the episode a person
 * last had the cursor on in the Library (the Review screen opens on it), and the batch the
 * Library's batch form started last (the Jobs screen shows it). Plain holders rather than React
 * state: the Library sets the episode on every move, and no other screen should re-render for
 * that; the other screen reads the holder when it is shown.
 * @module
 */
import { createContext } from "react";

/** An id left by one screen for another. */
export interface Focus {
  get(): number | undefined;
  set(id: number): void;
}

/** Every id the screens leave for each other. */
export interface ScreenFocus {
  /** The episode under the Library's cursor. */
  readonly episode: Focus;
  /** The batch the Library's batch form started last. */
  readonly batch: Focus;
}

function createFocus(): Focus {
  let focused: number | undefined;
  return {
    get: () => focused,
    set: (id) => void (focused = id),
  };
}

/** A new {@link ScreenFocus} with nothing in it. */
export function createScreenFocus(): ScreenFocus {
  return { episode: createFocus(), batch: createFocus() };
}

/** Provided by `App`; the default one serves a screen rendered on its own. */
export const FocusContext = createContext<ScreenFocus>(createScreenFocus());
