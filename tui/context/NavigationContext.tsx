/**
 * Lets a screen show another one, as its number key would: the Library's batch form goes on to
 * the Jobs screen once the batch has started.
 * @module
 */
import { createContext } from "react";

/** Switches screens. */
export interface Navigation {
  /** Shows the screen with id `screenId`; nothing when there is no such screen. */
  show(screenId: string): void;
}

/** Provided by `App`; the default goes nowhere (a screen rendered on its own). */
export const NavigationContext = createContext<Navigation>({ show: () => {} });
