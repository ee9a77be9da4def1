import { Box } from "ink";
import { Fragment, type ReactNode } from "react";
import { windowStart } from "../library_rows.ts";

/**
 * The window of `rows` that shows the cursor, `height` rows tall: only those are rendered, so
 * thousands of rows move as fast as ten. `line` draws one row (memoised by the caller, so a
 * cursor move redraws two rows, not the window).
 */
export function ListWindow<Row extends { readonly id: number }>(props: {
  rows: readonly Row[];
  cursor: number;
  /** The window's first row when last shown; see `windowStart`. */
  top: number;
  height: number;
  line: (row: Row, cursor: boolean) => ReactNode;
}): ReactNode {
  const { rows, cursor, height } = props;
  const start = windowStart(props.top, cursor, height, rows.length);
  return (
    <Box flexDirection="column" height={height} flexShrink={0} overflow="hidden">
      {rows.slice(start, start + height).map((row, i) => (
        <Fragment key={row.id}>{props.line(row, start + i === cursor)}</Fragment>
      ))}
    </Box>
  );
}
