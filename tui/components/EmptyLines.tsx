import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { wrapText } from "../format.ts";
import { useTheme } from "../hooks/use_theme.ts";
import type { ColorRole } from "../theme.ts";

/** A paragraph of what an empty list says. */
export interface EmptyLine {
  readonly text: string;
  readonly role?: ColorRole;
}

/**
 * What a list says in its place when it has no rows: why, and how to get some; each paragraph
 * wrapped at spaces to `width` columns.
 */
export function EmptyLines(props: { lines: readonly EmptyLine[]; width: number; height: number }): ReactNode {
  const theme = useTheme();
  return (
    <Box flexDirection="column" height={props.height} flexShrink={0} overflow="hidden">
      {props.lines.flatMap((line) =>
        wrapText(line.text, props.width).map((text, i) => (
          <Text
            key={`${line.text}\u0000${i}`}
            color={line.role ? theme.color(line.role) : undefined}
            wrap="truncate-end"
          >
            {text === "" ? " " : text}
          </Text>
        ))
      )}
    </Box>
  );
}
