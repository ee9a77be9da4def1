import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { useTheme } from "../hooks/use_theme.ts";

/** Rows a {@link Panel} spends on its frame and title. */
export const PANEL_CHROME_ROWS = 3;
/** Columns a {@link Panel} spends on its frame and padding. */
export const PANEL_CHROME_COLUMNS = 4;

/** A framed box with a title line; its content is clipped to `height`. */
export function Panel(
  props: { title: string; aside?: ReactNode; width: number; height: number; children: ReactNode },
): ReactNode {
  const theme = useTheme();
  return (
    <Box
      flexDirection="column"
      width={props.width}
      height={props.height}
      flexShrink={0}
      borderStyle="round"
      borderColor={theme.color("border")}
      paddingX={1}
      overflow="hidden"
    >
      <Box>
        <Box flexShrink={0}>
          <Text bold>{props.title}</Text>
        </Box>
        {props.aside ? <Box marginLeft={1} flexGrow={1}>{props.aside}</Box> : null}
      </Box>
      {props.children}
    </Box>
  );
}

/** A screen that is one {@link Panel} under its events line (a form, details, an empty state). */
export function ScreenPanel(
  props: {
    events: ReactNode;
    screenHeight: number;
    title: string;
    aside?: ReactNode;
    width: number;
    height: number;
    children: ReactNode;
  },
): ReactNode {
  return (
    <Box flexDirection="column" width={props.width} height={props.screenHeight}>
      {props.events}
      <Panel title={props.title} aside={props.aside} width={props.width} height={props.height}>
        {props.children}
      </Panel>
    </Box>
  );
}
