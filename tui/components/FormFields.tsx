import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { wrapText } from "../format.ts";
import type { ChoiceFormField, FormField } from "../form_fields.ts";
import { useTheme } from "../hooks/use_theme.ts";
import type { TextField } from "../text_edit.ts";
import { FormRow } from "./FormRow.tsx";
import { TextInput } from "./TextInput.tsx";

/** A text field's value: with its cursor while it has the focus. */
export function TextValue(props: { value: TextField; focused: boolean; width: number }): ReactNode {
  return props.focused
    ? <TextInput field={props.value} width={props.width} maxLines={1} />
    : <Text wrap="truncate-end">{props.value.text === "" ? " " : props.value.text}</Text>;
}

/** A choice field's values side by side, the chosen one marked `●` (and coloured while focused). */
export function ChoiceValue(props: { field: ChoiceFormField; focused: boolean }): ReactNode {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      {props.field.choices.map((choice, i) => {
        const chosen = i === props.field.chosen;
        return (
          <Text key={choice.value}>
            {i > 0 ? "  " : ""}
            <Text
              bold={chosen}
              color={chosen && props.focused ? theme.color("accent") : undefined}
            >
              {chosen ? "●" : "○"} {choice.label}
            </Text>
          </Text>
        );
      })}
    </Text>
  );
}

/**
 * A line per field: its label (see {@link FormRow}) and its value, a text with its cursor or
 * the choices. `focus` is the index of the focused field; `undefined` when none is (the form
 * is not being edited).
 */
export function FormFieldRows(props: {
  fields: readonly FormField[];
  focus: number | undefined;
  labelWidth: number;
  valueWidth: number;
}): ReactNode {
  return props.fields.map((field, index) => {
    const focused = index === props.focus;
    return (
      <FormRow
        key={field.name}
        label={field.label}
        focused={focused}
        labelWidth={props.labelWidth}
        valueWidth={props.valueWidth}
      >
        {field.kind === "choice"
          ? <ChoiceValue field={field} focused={focused} />
          : <TextValue value={field.value} focused={focused} width={props.valueWidth} />}
      </FormRow>
    );
  });
}

/** What the focused field means, under the values (at most two lines). */
export function FieldHint(props: { text: string; labelWidth: number; valueWidth: number }): ReactNode {
  const theme = useTheme();
  return wrapText(props.text, props.valueWidth).slice(0, 2).map((line, i) => (
    <Box key={`hint${i}`} paddingLeft={props.labelWidth} flexShrink={0}>
      <Text color={theme.color("muted")} wrap="truncate-end">{line === "" ? " " : line}</Text>
    </Box>
  ));
}

/** Rows {@link FieldHint} takes for `text`. */
export function fieldHintRows(text: string, valueWidth: number): number {
  return Math.min(2, wrapText(text, valueWidth).length);
}
