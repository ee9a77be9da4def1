import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { wrapText } from "../format.ts";
import { useTheme } from "../hooks/use_theme.ts";
import type { Notice } from "../library_view.ts";
import type { ColorRole } from "../theme.ts";

/** The most lines a message on a status line wraps to (an error says what to do: read it whole). */
const MAX_STATUS_ROWS = 6;

/**
 * The lines of `notice` at `width`: up to {@link MAX_STATUS_ROWS}, and a quarter of `height`
 * (the screen's), the last one ending in `…` when the message is longer.
 */
export function statusRows(notice: Notice, width: number, height: number): string[] {
  const lines = wrapText(notice.text, width);
  const max = Math.max(2, Math.min(MAX_STATUS_ROWS, Math.floor(height / 4)));
  return lines.length <= max ? lines : [...lines.slice(0, max - 1), `${lines[max - 1]}…`];
}

/** A status message under a list, as {@link statusRows} broke it into lines. */
export function StatusRows(props: { lines: readonly string[]; role: ColorRole }): ReactNode {
  const theme = useTheme();
  return (
    <Box flexDirection="column" flexShrink={0}>
      {props.lines.map((line, i) => (
        <Text key={i} color={theme.color(props.role)} wrap="truncate-end">{line === "" ? " " : line}</Text>
      ))}
    </Box>
  );
}
