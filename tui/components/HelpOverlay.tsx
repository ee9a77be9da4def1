import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { KeyHint } from "../keys.ts";
import { useTheme } from "../hooks/use_theme.ts";

/** A titled group of keys in the help. */
export interface HelpSection {
  readonly title: string;
  readonly keys: readonly KeyHint[];
}

function HelpColumn(props: { sections: readonly HelpSection[]; grow: boolean }): ReactNode {
  const theme = useTheme();
  const sections = props.sections
    .map((section) => ({ ...section, keys: section.keys.filter((key) => !key.hidden) }))
    .filter((section) => section.keys.length > 0);
  if (sections.length === 0) return null;
  const labelWidth = Math.min(
    18,
    Math.max(...sections.flatMap((section) => section.keys.map((key) => [...key.label].length))) + 2,
  );
  return (
    <Box flexDirection="column" flexGrow={props.grow ? 1 : 0} flexShrink={props.grow ? 1 : 0} marginRight={2}>
      {sections.map((section) => (
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

/**
 * Every key, grouped, in columns side by side (the first one takes the room the others leave);
 * shown in place of the screen while `?` is toggled on.
 */
export function HelpOverlay(
  props: { columns: readonly (readonly HelpSection[])[]; width: number; height: number },
): ReactNode {
  const theme = useTheme();
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
      <Box>
        {props.columns.map((sections, index) => (
          <HelpColumn key={index} sections={sections} grow={index === 0} />
        ))}
      </Box>
    </Box>
  );
}
