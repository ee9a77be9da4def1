import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { TextField } from "../text_edit.ts";

/**
 * A text being typed, with the cursor drawn as an inverted cell (visible without colours too).
 * Broken into lines of `width` characters, at most `maxLines` of them: those around the cursor.
 */
export function TextInput(props: { field: TextField; width: number; maxLines?: number }): ReactNode {
  const { field } = props;
  const width = Math.max(1, props.width);
  // One cell more than the text: the cursor may sit after the last character.
  const cells = [...field.text, " "];
  const cursor = Math.max(0, Math.min(cells.length - 1, field.cursor));
  const lines: { start: number; cells: string[] }[] = [];
  for (let start = 0; start < cells.length; start += width) {
    lines.push({ start, cells: cells.slice(start, start + width) });
  }
  const maxLines = Math.max(1, props.maxLines ?? lines.length);
  const cursorLine = Math.floor(cursor / width);
  const first = Math.max(0, Math.min(cursorLine - maxLines + 1, lines.length - maxLines));
  return (
    <Box flexDirection="column" flexShrink={0}>
      {lines.slice(first, first + maxLines).map((line) => {
        const at = cursor - line.start;
        const inLine = at >= 0 && at < line.cells.length;
        return (
          <Text key={line.start} wrap="truncate-end">
            {inLine ? line.cells.slice(0, at).join("") : line.cells.join("")}
            {inLine ? <Text inverse>{line.cells[at]}</Text> : null}
            {inLine ? line.cells.slice(at + 1).join("") : null}
          </Text>
        );
      })}
    </Box>
  );
}
