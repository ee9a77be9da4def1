import { Text } from "ink";
import type { ReactNode } from "react";
import type { KeyHint } from "../keys.ts";
import { useTheme } from "../hooks/use_theme.ts";

/** One line of the keys that matter most; the rest are in the help (`?`). */
export function Footer(props: { hints: readonly KeyHint[] }): ReactNode {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      {props.hints.filter((hint) => !hint.helpOnly).map((hint, index) => (
        <Text key={hint.label}>
          {index > 0 ? "  " : ""}
          <Text bold color={theme.color("accent")}>{hint.label}</Text> {hint.description}
        </Text>
      ))}
    </Text>
  );
}
