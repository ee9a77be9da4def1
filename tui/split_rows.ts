/**
 * How a screen with a list above the details of its current row shares its height.
 * @module
 */
import { PANEL_CHROME_ROWS } from "./components/Panel.tsx";

/** Below this height the details of the row under the cursor are shown on Enter only. */
const MIN_SPLIT_HEIGHT = 14;
/** The share of the rows (after the frames) that the list gets when the details are shown below. */
const LIST_SHARE = 0.4;

/**
 * Rows of the list (in a panel, above `statusCount` status lines) and of the details pane (in
 * a panel of its own below) in `height` rows, for a list of `rowCount` rows: the list no
 * taller than its rows, the details what is left; no details pane on a short terminal.
 */
export function splitRows(
  height: number,
  statusCount: number,
  rowCount: number,
): { list: number; details: number } {
  const afterList = height - PANEL_CHROME_ROWS - statusCount;
  if (height < MIN_SPLIT_HEIGHT) return { list: Math.max(1, afterList), details: 0 };
  const room = afterList - PANEL_CHROME_ROWS;
  const wanted = Math.max(3, Math.round(room * LIST_SHARE));
  const list = Math.max(1, Math.min(rowCount, wanted, room - 3));
  return { list, details: Math.max(0, room - list) };
}
