/**
 * The episode a person last had the cursor on in the Library, so that the Review screen opens
 * on it. A plain holder rather than React state: the Library sets it on every move, and no
 * other screen should re-render for that; the Review screen reads it when it is shown.
 * @module
 */
import { createContext } from "react";

/** Where the Library leaves the episode under its cursor. */
export interface EpisodeFocus {
  get(): number | undefined;
  set(episodeId: number): void;
}

/** A new, empty {@link EpisodeFocus}. */
export function createEpisodeFocus(): EpisodeFocus {
  let focused: number | undefined;
  return {
    get: () => focused,
    set: (episodeId) => void (focused = episodeId),
  };
}

/** Provided by `App`; the default one serves a screen rendered on its own. */
export const FocusContext = createContext<EpisodeFocus>(createEpisodeFocus());
