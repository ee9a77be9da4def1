/**
 * The theme every component takes its colours from.
 * @module
 */
import { createContext } from "react";
import { colorTheme, type Theme } from "../theme.ts";

/** The current {@link Theme}; `App` provides the one chosen at start-up. */
export const ThemeContext = createContext<Theme>(colorTheme);
