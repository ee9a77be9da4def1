import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { KeyHint } from "../keys.ts";
import { useTheme } from "../hooks/use_theme.ts";

/** A titled group of keys in the help. */
export interface HelpSection {
  readonly title: string;
  readonly keys: readonly KeyHint[];
}

/** Every key, grouped; shown in place of the screen while `?` is toggled on. */
export function HelpOverlay(
  props: { sections: readonly HelpSection[]; width: number; height: number },
): ReactNode {
  const theme = useTheme();
  const labelWidth = Math.min(
    18,
    Math.max(...props.sections.flatMap((section) => section.keys.map((key) => key.label.length))) + 2,
  );
  return (
    <Box
      flexDirection="column"
      width={props.width}
      height={props.height}
      borderStyle="round"
      borderColor={theme.color("accent")}
      paddingX={1}
      overflow="hidden"
    >
      <Text bold wrap="truncate-end">Keys (? or Esc closes this help)</Text>
      {props.sections.filter((section) => section.keys.length > 0).map((section) => (
        <Box key={section.title} flexDirection="column" marginTop={1}>
          <Text bold color={theme.color("accent")} wrap="truncate-end">{section.title}</Text>
          {section.keys.map((key) => (
            <Box key={key.label}>
              <Box width={labelWidth} flexShrink={0}>
                <Text bold wrap="truncate-end">{key.label}</Text>
              </Box>
              <Text wrap="truncate-end">{key.description}</Text>
            </Box>
          ))}
        </Box>
      ))}
    </Box>
  );
}
