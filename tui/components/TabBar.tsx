import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { useTheme } from "../hooks/use_theme.ts";
import type { ScreenDefinition } from "../screens/screen.ts";

/** The title line: the app's name and a tab per screen, the shown one highlighted. */
export function TabBar(props: { screens: readonly ScreenDefinition[]; activeId: string }): ReactNode {
  const theme = useTheme();
  return (
    <Box>
      <Text bold color={theme.color("accent")}>lingoreel</Text>
      {props.screens.map((screen) => {
        const active = screen.id === props.activeId;
        return (
          <Text key={screen.id} wrap="truncate-end">
            {"  "}
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
