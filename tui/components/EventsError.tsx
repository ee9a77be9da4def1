import { Text } from "ink";
import type { ReactNode } from "react";
import { useTheme } from "../hooks/use_theme.ts";

/** The line above a screen that says its live updates (the daemon's events) failed. */
export function EventsError(props: { error: string }): ReactNode {
  const theme = useTheme();
  return <Text color={theme.color("error")} wrap="truncate-end">✗ events: {props.error}</Text>;
}
