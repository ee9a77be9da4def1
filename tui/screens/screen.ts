/**
 * The shape of a screen, as the registry lists it.
 * @module
 */
import type { ComponentType } from "react";

/** What `App` passes to the shown screen: the space it may fill. */
export interface ScreenProps {
  /** Columns available to the screen. */
  readonly width: number;
  /** Rows available to the screen (the terminal minus header and footer). */
  readonly height: number;
  /**
   * Whether the screen is the one shown (not another screen, not the help). Screens stay
   * mounted while hidden, so this is how one notices that it is shown again.
   */
  readonly active: boolean;
}

/** One screen of the TUI. Its own keys it declares with `useScreenKeys`. */
export interface ScreenDefinition {
  /** The number key that shows it, `"1"` to `"9"`; also its position in the tab bar. */
  readonly key: string;
  /** A stable identifier, e.g. `dashboard`. */
  readonly id: string;
  /** The tab bar's label. */
  readonly title: string;
  readonly component: ComponentType<ScreenProps>;
}
