import { Box, Text } from "ink";
import { memo, type ReactNode } from "react";
import type { Batch } from "../../shared/jobs.ts";
import { formatDateTime, formatPercent, progressBar } from "../format.ts";
import { useTheme } from "../hooks/use_theme.ts";
import { batchCountsText } from "../job_text.ts";
import type { ListPane } from "../jobs_view.ts";
import { jobLook } from "../theme.ts";
import { JobStateBadge } from "./JobStateBadge.tsx";
import { ListWindow } from "./ListWindow.tsx";

const MARK_WIDTH = 2; // "› "
const ID_WIDTH = 6; // "#1234 "
const BAR_WIDTH = 12;
const PERCENT_WIDTH = 6; // " 100% "
const STATE_WIDTH = 17; // "◇ waiting-review "
const DATE_WIDTH = 18; // "  2026-11-21 10:04"
/** From this width on, a row also says when the batch was started. */
const DATE_FROM_WIDTH = 96;

const BatchLine = memo(function BatchLine(
  props: { batch: Batch; cursor: boolean; focused: boolean; width: number },
): ReactNode {
  const theme = useTheme();
  const { batch, cursor } = props;
  const color = cursor && props.focused ? theme.color("accent") : undefined;
  const look = jobLook(batch.state);
  return (
    <Box height={1}>
      <Box width={MARK_WIDTH + ID_WIDTH} flexShrink={0}>
        <Text color={color} bold={cursor}>{cursor ? "›" : " "} #{batch.id}</Text>
      </Box>
      <Box width={BAR_WIDTH} flexShrink={0}>
        <Text color={theme.color(look.role)} dimColor={look.dim ?? false}>
          {progressBar(batch.percent, BAR_WIDTH)}
        </Text>
      </Box>
      <Box width={PERCENT_WIDTH} flexShrink={0} justifyContent="flex-end" paddingRight={1}>
        <Text>{formatPercent(batch.percent)}</Text>
      </Box>
      <Box width={STATE_WIDTH} flexShrink={0}>
        <JobStateBadge state={batch.state} />
      </Box>
      <Box flexGrow={1} flexShrink={1} overflow="hidden">
        <Text color={color} wrap="truncate-end">{batchCountsText(batch)}</Text>
      </Box>
      {props.width >= DATE_FROM_WIDTH
        ? (
          <Box width={DATE_WIDTH} flexShrink={0} justifyContent="flex-end">
            <Text color={theme.color("muted")}>{formatDateTime(batch.createdAt)}</Text>
          </Box>
        )
        : null}
    </Box>
  );
});

/**
 * The window of the batches that shows the cursor, `height` rows tall. Each row: the batch's
 * id, a progress bar in the colour of its state, the percentage, the state, its jobs' counts,
 * and (when wide enough) when it was started. The cursor is coloured while the list has the keys.
 */
export function BatchList(
  props: { pane: ListPane<Batch>; focused: boolean; height: number; width: number },
): ReactNode {
  const { pane } = props;
  return (
    <ListWindow
      rows={pane.rows}
      cursor={pane.cursor}
      top={pane.top}
      height={props.height}
      line={(batch, cursor) => (
        <BatchLine batch={batch} cursor={cursor} focused={props.focused} width={props.width} />
      )}
    />
  );
}
