import { Box, Text } from "ink";
import { memo, type ReactNode } from "react";
import type { Render } from "../../shared/render.ts";
import { formatBytes, truncateStart } from "../format.ts";
import { useTheme } from "../hooks/use_theme.ts";
import { formatRuntime } from "../library_rows.ts";
import { renderExpressions, renderSource } from "../render_lines.ts";
import { ListWindow } from "./ListWindow.tsx";

const MARK_WIDTH = 8; // "› [x] ★ ": cursor, selection mark, calendar mark
const KIND_WIDTH = 6; // "short "
const DURATION_WIDTH = 5; // "10:58"
const SIZE_WIDTH = 10; // "  4.2 MB  "
/** The columns every row spends before its texts. */
const FIXED_WIDTH = MARK_WIDTH + KIND_WIDTH + DURATION_WIDTH + SIZE_WIDTH;
/** Of the columns left, the expressions get this share, the show and episode the next, the path the rest. */
const EXPRESSION_SHARE = 0.3;
const SOURCE_SHARE = 0.25;

/** How a row's texts share `width` columns: expressions, source, path (each with a column of gap). */
export function renderColumns(width: number): { expression: number; source: number; path: number } {
  const rest = Math.max(3, width - FIXED_WIDTH);
  const expression = Math.max(1, Math.floor(rest * EXPRESSION_SHARE));
  const source = Math.max(1, Math.floor(rest * SOURCE_SHARE));
  return { expression, source, path: Math.max(1, rest - expression - source) };
}

const RenderLine = memo(function RenderLine(
  props: { render: Render; cursor: boolean; focused: boolean; selected: boolean; width: number },
): ReactNode {
  const theme = useTheme();
  const { render, cursor } = props;
  const columns = renderColumns(props.width);
  const color = cursor && props.focused ? theme.color("accent") : undefined;
  return (
    <Box height={1}>
      <Box width={MARK_WIDTH} flexShrink={0}>
        <Text color={color} bold={cursor}>
          {cursor ? "›" : " "}{" "}
          <Text color={props.selected ? theme.color("accent") : undefined}>
            {props.selected ? "[x]" : "[ ]"}
          </Text>{" "}
          <Text color={theme.color("warn")}>{render.marked ? "★" : " "}</Text>
        </Text>
      </Box>
      <Box width={KIND_WIDTH} flexShrink={0}>
        <Text color={color} bold={cursor}>{render.kind}</Text>
      </Box>
      <Box width={DURATION_WIDTH} flexShrink={0} justifyContent="flex-end">
        <Text>{formatRuntime(render.durationMs)}</Text>
      </Box>
      <Box width={SIZE_WIDTH} flexShrink={0} justifyContent="flex-end" paddingRight={2}>
        <Text>{formatBytes(render.sizeBytes)}</Text>
      </Box>
      <Box width={columns.expression} flexShrink={0} paddingRight={1}>
        <Text color={color} bold={cursor} wrap="truncate-end">{renderExpressions(render)}</Text>
      </Box>
      <Box width={columns.source} flexShrink={0} paddingRight={1}>
        <Text wrap="truncate-end">{renderSource(render)}</Text>
      </Box>
      <Box width={columns.path} flexShrink={0}>
        <Text color={theme.color("muted")} wrap="truncate-end">
          {truncateStart(render.path, columns.path)}
        </Text>
      </Box>
    </Box>
  );
});

/** The videos a {@link RenderList} shows, with its cursor and selection (the Outputs screen's view, say). */
export interface RenderRows {
  readonly rows: readonly Render[];
  readonly cursor: number;
  /** The first row of the window the list was last shown in; see `windowStart`. */
  readonly top: number;
  readonly selection: ReadonlySet<number>;
}

/**
 * The window of the rendered videos that shows the cursor, `height` rows tall: only those are
 * rendered, so thousands of videos move as fast as ten. Each row: cursor, selection, `★` when
 * marked for the calendar, kind, length, size, the expressions, show and episode, and the path
 * cut from the left (the file name stays). The cursor is coloured while the list has the keys
 * (`focused`, by default).
 */
export function RenderList(
  props: { view: RenderRows; height: number; width: number; focused?: boolean },
): ReactNode {
  const { view } = props;
  return (
    <ListWindow
      rows={view.rows}
      cursor={view.cursor}
      top={view.top}
      height={props.height}
      line={(render, cursor) => (
        <RenderLine
          render={render}
          cursor={cursor}
          focused={props.focused ?? true}
          selected={view.selection.has(render.id)}
          width={props.width}
        />
      )}
    />
  );
}
