import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { useTheme } from "../hooks/use_theme.ts";
import type { ColorRole } from "../theme.ts";

/** One line of a details pane, already cut to the width. */
export interface DetailLine {
  readonly text: string;
  readonly role?: ColorRole;
  readonly bold?: boolean;
  /** A heading before the text on the same line, e.g. `Meaning `. */
  readonly label?: string;
}

/**
 * The lines `scroll` to `scroll + height` of a details pane (an episode's, an expression's).
 * Only those are rendered, however long the text.
 */
export function DetailLines(
  props: { lines: readonly DetailLine[]; scroll: number; height: number },
): ReactNode {
  const theme = useTheme();
  const shown = props.lines.slice(props.scroll, props.scroll + props.height);
  return (
    <Box flexDirection="column" height={props.height} flexShrink={0} overflow="hidden">
      {shown.map((line, i) => (
        <Text
          key={props.scroll + i}
          bold={line.bold ?? false}
          color={line.role ? theme.color(line.role) : undefined}
          wrap="truncate-end"
        >
          {line.label ? <Text bold color={theme.color("accent")}>{line.label}</Text> : null}
          {line.text === "" && !line.label ? " " : line.text}
        </Text>
      ))}
    </Box>
  );
}
