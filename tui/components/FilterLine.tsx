import { Text } from "ink";
import type { ReactNode } from "react";
import { useTheme } from "../hooks/use_theme.ts";

/** Where the next typed character goes, drawn as a block. */
const TEXT_CURSOR = " ";
const FILTER_HINT = "  Enter keeps the filter, Esc clears it";

/** A filter being typed on one line: `/`, its text, the cursor, and a hint on how to end it. */
export function FilterLine(props: { text: string; hint?: string }): ReactNode {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      <Text bold color={theme.color("accent")}>/</Text>
      {props.text}
      <Text inverse>{TEXT_CURSOR}</Text>
      <Text color={theme.color("muted")}>{props.hint ?? FILTER_HINT}</Text>
    </Text>
  );
}
