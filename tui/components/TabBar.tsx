import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { useTheme } from "../hooks/use_theme.ts";
import type { ScreenDefinition } from "../screens/screen.ts";

const NAME = "lingoreel";
const tabWidth = (screen: ScreenDefinition): number => [...` ${screen.key} ${screen.title} `].length;

/**
 * The title line: the app's name and a tab per screen, the shown one highlighted. When the
 * tabs do not fit in `columns` with two spaces between them, one space has to do.
 */
export function TabBar(
  props: { screens: readonly ScreenDefinition[]; activeId: string; columns?: number },
): ReactNode {
  const theme = useTheme();
  const tabs = props.screens.reduce((sum, screen) => sum + tabWidth(screen), NAME.length);
  const gap = props.columns !== undefined && tabs + 2 * props.screens.length > props.columns ? " " : "  ";
  return (
    <Box>
      <Text bold color={theme.color("accent")}>{NAME}</Text>
      {props.screens.map((screen) => {
        const active = screen.id === props.activeId;
        return (
          <Text key={screen.id} wrap="truncate-end">
            {gap}
            {/* Inverse marks the shown tab also when there are no colours. */}
            <Text inverse={active} bold={active}>
              {` ${screen.key} ${screen.title} `}
            </Text>
          </Text>
        );
      })}
    </Box>
  );
}
