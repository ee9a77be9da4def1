import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { useTheme } from "../hooks/use_theme.ts";

/**
 * One line of a form: the field's label (marked `›` and coloured while it has the focus, `✗`
 * in the error colour while its value is refused) and its value after it.
 */
export function FormRow(props: {
  label: string;
  focused: boolean;
  invalid?: boolean;
  labelWidth: number;
  valueWidth: number;
  children: ReactNode;
}): ReactNode {
  const theme = useTheme();
  const { focused } = props;
  const color = props.invalid ? theme.color("error") : focused ? theme.color("accent") : undefined;
  return (
    <Box flexShrink={0}>
      <Box width={props.labelWidth} flexShrink={0}>
        <Text bold={focused} color={color} wrap="truncate-end">
          {focused ? "› " : props.invalid ? "✗ " : "  "}
          {props.label}
        </Text>
      </Box>
      <Box width={props.valueWidth} flexShrink={0}>{props.children}</Box>
    </Box>
  );
}
