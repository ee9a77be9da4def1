import { Box, Text } from "ink";
import { memo, type ReactNode } from "react";
import { formatBytes, formatPercent, progressBar } from "../format.ts";
import { useTheme } from "../hooks/use_theme.ts";
import {
  type AgendaRow,
  dayLabel,
  type DayRow,
  type SlotRow,
  uploadPercent,
  type VideoRow,
} from "../schedule_rows.ts";
import { scheduleLook } from "../theme.ts";
import { ListWindow } from "./ListWindow.tsx";

const MARK_WIDTH = 2; // "› "
const SLOT_INDENT = 2;
const VIDEO_INDENT = 4;
const TIME_WIDTH = 7; // "08:00  "
const STATE_WIDTH = 12; // "⇡ uploading "
const KIND_WIDTH = 6; // "short "
const BAR_WIDTH = 10;
/** What an upload's progress takes after its title: bar, percentage and bytes. */
const PROGRESS_WIDTH = BAR_WIDTH + 6 + 18; // " 100% " "12.3 MB of 45.6 MB"
/** The share of a row a failed video's error gets (after its title). */
const ERROR_SHARE = 0.55;

const DayLine = memo(function DayLine(props: { row: DayRow; today: string | undefined }): ReactNode {
  const theme = useTheme();
  const { row } = props;
  const calendar = row.calendar;
  const count = calendar ? calendar.shorts + calendar.longs : undefined;
  const full = calendar !== undefined && count !== undefined && count >= calendar.caps.total;
  return (
    <Box height={1}>
      <Text wrap="truncate-end">
        <Text bold>{dayLabel(row.day, props.today)}</Text>
        {calendar
          ? (
            <Text color={theme.color("muted")}>
              {`  ${count} of ${calendar.caps.total} videos · shorts ${calendar.shorts}/${calendar.caps.short}` +
                ` · longs ${calendar.longs}/${calendar.caps.long}`}
            </Text>
          )
          : null}
        <Text color={theme.color("warn")}>{full ? " · day full" : ""}</Text>
      </Text>
    </Box>
  );
});

const SlotLine = memo(function SlotLine(
  props: { row: SlotRow; cursor: boolean; focused: boolean; picking: boolean },
): ReactNode {
  const theme = useTheme();
  const { row, cursor } = props;
  const color = cursor && props.focused ? theme.color("accent") : undefined;
  const slot = row.offered;
  let occupancy: ReactNode;
  if (!slot) {
    occupancy = <Text color={theme.color("muted")}>closed</Text>;
  } else if (slot.left === 0) {
    occupancy = <Text color={theme.color("warn")}>{`${slot.taken}/${slot.capacity} full`}</Text>;
  } else {
    occupancy = (
      <Text>
        {`${slot.taken}/${slot.capacity}`}
        <Text color={theme.color("ok")}>{` · ${slot.left} free`}</Text>
      </Text>
    );
  }
  return (
    <Box height={1}>
      <Box width={MARK_WIDTH + SLOT_INDENT} flexShrink={0}>
        <Text color={color} bold={cursor}>{cursor ? (props.picking ? "»" : "›") : " "}</Text>
      </Box>
      <Box width={TIME_WIDTH} flexShrink={0}>
        <Text color={color} bold={cursor || props.picking}>{row.time}</Text>
      </Box>
      <Box flexGrow={1} flexShrink={1} overflow="hidden">
        <Text wrap="truncate-end">{occupancy}</Text>
      </Box>
    </Box>
  );
});

const VideoLine = memo(function VideoLine(
  props: { row: VideoRow; cursor: boolean; focused: boolean; moving: boolean; width: number },
): ReactNode {
  const theme = useTheme();
  const { row, cursor } = props;
  const schedule = row.schedule;
  const look = scheduleLook(schedule.state);
  const color = cursor && props.focused ? theme.color("accent") : undefined;
  const rest = Math.max(1, props.width - MARK_WIDTH - VIDEO_INDENT - STATE_WIDTH - KIND_WIDTH);
  let extra: ReactNode = null;
  let extraWidth = 0;
  if (schedule.state === "uploading") {
    extraWidth = Math.min(PROGRESS_WIDTH, Math.max(0, rest - 8));
    const percent = uploadPercent(schedule);
    extra = (
      <Text wrap="truncate-end">
        <Text color={theme.color(look.role)}>{progressBar(percent, BAR_WIDTH)}</Text>
        {` ${formatPercent(percent).padStart(4)} `}
        <Text color={theme.color("muted")}>
          {`${formatBytes(schedule.uploadedBytes)} of ${formatBytes(schedule.sizeBytes)}`}
        </Text>
      </Text>
    );
  } else if (schedule.state === "failed" && schedule.error) {
    extraWidth = Math.floor(rest * ERROR_SHARE);
    extra = <Text color={theme.color("error")} wrap="truncate-end">{schedule.error}</Text>;
  } else if (schedule.state === "uploaded" && schedule.videoId) {
    extraWidth = Math.min(rest - 8, 13);
    extra = <Text color={theme.color("muted")} wrap="truncate-end">{schedule.videoId}</Text>;
  }
  return (
    <Box height={1}>
      <Box width={MARK_WIDTH + VIDEO_INDENT} flexShrink={0}>
        <Text color={color} bold={cursor}>{cursor ? "›" : " "}</Text>
      </Box>
      <Box width={STATE_WIDTH} flexShrink={0}>
        <Text color={theme.color(look.role)} dimColor={look.dim ?? false} wrap="truncate-end">
          {look.symbol} {look.label}
        </Text>
      </Box>
      <Box width={KIND_WIDTH} flexShrink={0}>
        <Text color={color}>{schedule.kind}</Text>
      </Box>
      <Box flexGrow={1} flexShrink={1} overflow="hidden" paddingRight={extraWidth > 0 ? 1 : 0}>
        <Text color={color} bold={cursor} wrap="truncate-end">
          <Text color={theme.color("accent")}>{props.moving ? "⇢ moving: " : ""}</Text>
          {schedule.title}
        </Text>
      </Box>
      {extraWidth > 0 ? <Box width={extraWidth} flexShrink={0}>{extra}</Box> : null}
    </Box>
  );
});

/**
 * The window of the agenda that shows the cursor, `height` rows tall: each day with its counts
 * and caps, its slots with their occupancy (taken of capacity, free or full; closed once past
 * or inside the lead time), and under each slot its videos with their state in the state's
 * colour, an upload's progress bar, a failed upload's error, an uploaded video's id. The cursor
 * is coloured while the agenda has the keys; while a slot is picked it rests on offered slots.
 */
export function AgendaList(props: {
  rows: readonly AgendaRow[];
  cursor: number;
  top: number;
  height: number;
  width: number;
  focused: boolean;
  picking: boolean;
  /** The video being moved, while a slot is picked for it. */
  movingId: number | undefined;
  /** Today in the channel's time zone, to say `today` and `tomorrow`. */
  today: string | undefined;
}): ReactNode {
  return (
    <ListWindow
      rows={props.rows}
      cursor={props.cursor}
      top={props.top}
      height={props.height}
      line={(row, cursor) => {
        switch (row.kind) {
          case "day":
            return <DayLine row={row} today={props.today} />;
          case "slot":
            return <SlotLine row={row} cursor={cursor} focused={props.focused} picking={props.picking} />;
          case "video":
            return (
              <VideoLine
                row={row}
                cursor={cursor}
                focused={props.focused}
                moving={row.schedule.id === props.movingId}
                width={props.width}
              />
            );
        }
      }}
    />
  );
}
