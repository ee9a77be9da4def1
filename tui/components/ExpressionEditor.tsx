import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { ExpressionForm } from "../expression_form.ts";
import { wrapText } from "../format.ts";
import { useTheme } from "../hooks/use_theme.ts";
import { TextInput } from "./TextInput.tsx";

const LABEL_WIDTH = 19; // "Translation (es)  " and a mark
const HINT = "Tab / Shift-Tab: field · Enter saves the changed fields · Esc cancels";
/** Rows besides the fields: a blank line, the hint, the error. */
const CHROME_ROWS = 4;

/**
 * The edit form of one expression, `height` rows tall: a line per field (the focused one
 * marked, with its cursor, and as many lines as its text needs and the height allows), then
 * what the keys do and why the last save failed.
 */
export function ExpressionEditor(props: { form: ExpressionForm; width: number; height: number }): ReactNode {
  const theme = useTheme();
  const { form } = props;
  const valueWidth = Math.max(1, props.width - LABEL_WIDTH);
  // The focused field may take what the other fields and the chrome leave.
  const focusedLines = Math.max(1, props.height - CHROME_ROWS - (form.fields.length - 1));
  const errorLines = form.error ? wrapText(`✗ ${form.error}`, props.width).slice(0, 2) : [];
  return (
    <Box flexDirection="column" height={props.height} flexShrink={0} overflow="hidden">
      {form.fields.map((field, index) => {
        const focused = index === form.focus;
        return (
          <Box key={field.name} flexShrink={0}>
            <Box width={LABEL_WIDTH} flexShrink={0}>
              <Text bold={focused} color={focused ? theme.color("accent") : undefined} wrap="truncate-end">
                {focused ? "› " : "  "}
                {field.label}
              </Text>
            </Box>
            {focused
              ? <TextInput field={field.value} width={valueWidth} maxLines={Math.min(4, focusedLines)} />
              : (
                <Box width={valueWidth} flexShrink={0}>
                  <Text wrap="truncate-end">{field.value.text === "" ? " " : field.value.text}</Text>
                </Box>
              )}
          </Box>
        );
      })}
      <Box height={1} />
      {form.saving
        ? <Text color={theme.color("muted")}>Saving…</Text>
        : <Text color={theme.color("muted")} wrap="truncate-end">{HINT}</Text>}
      {errorLines.map((line) => <Text key={line} color={theme.color("error")}>{line}</Text>)}
    </Box>
  );
}
