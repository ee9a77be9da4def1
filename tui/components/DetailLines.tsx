import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { plural, wrapText } from "../format.ts";
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
 * `text` wrapped to `width` columns as details lines: the first after `style.label` (itself
 * after `indent`), the others indented under the text.
 */
export function wrappedLines(
  text: string,
  width: number,
  style: Omit<DetailLine, "text"> = {},
  indent = "",
): DetailLine[] {
  const lead = indent + (style.label ?? "");
  return wrapText(text, width - lead.length).map((line, i) =>
    i === 0
      ? { ...style, text: line, label: lead || undefined }
      : { ...style, label: undefined, text: " ".repeat(lead.length) + line }
  );
}

/**
 * The first `height` of `lines`; when they do not all fit, the last one shown says how many
 * more there are and that Enter shows them all.
 */
export function clipLines(lines: readonly DetailLine[], height: number): readonly DetailLine[] {
  if (lines.length <= height) return lines;
  const kept = Math.max(0, height - 1);
  return [...lines.slice(0, kept), {
    text: `… Enter shows all (${plural(lines.length - kept, "more line")})`,
    role: "muted",
  }];
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
