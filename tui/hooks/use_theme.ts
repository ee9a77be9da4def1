import { useContext } from "react";
import { ThemeContext } from "../context/ThemeContext.tsx";
import type { Theme } from "../theme.ts";

/** The current theme. */
export function useTheme(): Theme {
  return useContext(ThemeContext);
}
