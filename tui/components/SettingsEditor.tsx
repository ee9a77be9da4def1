import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { wrapText } from "../format.ts";
import { useTheme } from "../hooks/use_theme.ts";
import { windowStart } from "../library_rows.ts";
import type { SettingsForm } from "../schedule_settings_form.ts";
import { FieldHint, fieldHintRows, TextValue } from "./FormFields.tsx";
import { FormRow } from "./FormRow.tsx";

const MAX_LABEL_WIDTH = 26;
const HINT = "Tab / ↓ next field · Shift-Tab / ↑ previous · Enter saves what changed · Esc cancels";

/**
 * The settings form, `height` rows tall: a line per value (the focused one with its cursor, a
 * refused one marked `✗`), what the focused value means, what the keys do (or that it is
 * saving), and why the daemon refused the values, field by field. The fields scroll when they
 * do not all fit.
 */
export function SettingsEditor(props: { form: SettingsForm; width: number; height: number }): ReactNode {
  const theme = useTheme();
  const { form, width } = props;
  const labelWidth = Math.min(
    MAX_LABEL_WIDTH,
    Math.max(...form.fields.map((field) => field.label.length)) + 4,
  );
  const valueWidth = Math.max(1, width - labelWidth);
  const wrapped = (text: string, role: "error" | "muted", key: string, max = 2) =>
    wrapText(text, width).slice(0, max).map((line, i) => (
      <Text key={`${key}${i}`} color={theme.color(role)} wrap="truncate-end">{line === "" ? " " : line}</Text>
    ));

  const errors = [
    ...form.fieldErrors.flatMap((error, i) => wrapped(`✗ ${error}`, "error", `field${i}`)),
    ...(form.error ? wrapped(`✗ ${form.error}`, "error", "form", 4) : []),
  ];
  const after = fieldHintRows(form.hint, valueWidth) + 2 + errors.length; // hint, gap, keys, errors
  const fieldRows = Math.max(1, Math.min(form.fields.length, props.height - after));
  const start = windowStart(0, form.focus, fieldRows, form.fields.length);

  return (
    <Box flexDirection="column" height={props.height} flexShrink={0} overflow="hidden">
      {form.fields.slice(start, start + fieldRows).map((field, i) => {
        const focused = start + i === form.focus;
        return (
          <FormRow
            key={`${field.name}:${field.bucket ?? ""}`}
            label={field.label}
            focused={focused}
            invalid={field.error !== undefined}
            labelWidth={labelWidth}
            valueWidth={valueWidth}
          >
            <TextValue value={field.value} focused={focused} width={valueWidth} />
          </FormRow>
        );
      })}
      <FieldHint text={form.hint} labelWidth={labelWidth} valueWidth={valueWidth} />
      <Box height={1} />
      <Text color={theme.color(form.saving ? "accent" : "muted")} wrap="truncate-end">
        {form.saving ? "Saving…" : HINT}
      </Text>
      {errors}
    </Box>
  );
}
