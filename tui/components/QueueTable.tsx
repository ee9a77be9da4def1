import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { QUEUE_NAMES, type QueueStats } from "../../shared/jobs.ts";
import { queueCountsText } from "../job_text.ts";
import { useTheme } from "../hooks/use_theme.ts";

/** Rows the table takes: one per stage queue. */
export const QUEUE_TABLE_ROWS = QUEUE_NAMES.length;

const NAME_WIDTH = 11;
const STATE_WIDTH = 12;

/** One line per stage queue: name, running or paused, and its counts and workers. */
export function QueueTable(props: { stats?: readonly QueueStats[] }): ReactNode {
  const theme = useTheme();
  return (
    <Box flexDirection="column" flexShrink={0}>
      {QUEUE_NAMES.map((name) => {
        const queue = props.stats?.find((q) => q.name === name);
        return (
          <Box key={name} height={1}>
            <Box width={NAME_WIDTH} flexShrink={0}>
              <Text bold>{name}</Text>
            </Box>
            <Box width={STATE_WIDTH} flexShrink={0}>
              {queue
                ? (
                  <Text color={theme.color(queue.paused ? "warn" : "ok")}>
                    {queue.paused ? "‖ paused" : "▶ running"}
                  </Text>
                )
                : <Text color={theme.color("muted")}>… waiting</Text>}
            </Box>
            <Box flexGrow={1} flexShrink={1} overflow="hidden">
              <Text wrap="truncate-end">{queue ? queueCountsText(queue) : ""}</Text>
            </Box>
          </Box>
        );
      })}
    </Box>
  );
}
