import { Box, Text } from "ink";
import { memo, type ReactNode } from "react";
import type { Episode } from "../../shared/schemas.ts";
import { useTheme } from "../hooks/use_theme.ts";
import { episodeCode, episodeTitle, formatRuntime, type LibraryRow, windowStart } from "../library_rows.ts";
import type { LibraryView, Notice } from "../library_view.ts";
import type { ColorRole } from "../theme.ts";

const MARK_WIDTH = 8; // "› [x]   ": cursor, selection mark, indent under the group
const CURSOR_WIDTH = 4; // "›   ": cursor, indent under the group (a list without selection marks)
const CODE_WIDTH = 11; // "S01E02-E03 "
const RUNTIME_WIDTH = 8; // " 1:02:03"
const STATUS_WIDTH = 15; // "  ✗ unreadable"
const NOTE_WIDTH = 34; // "  12 pending · 3 ✓ · 1 ✗ · 4 dropped"

/** What a list that picks one episode shows at the end of its row instead of runtime and languages. */
export type EpisodeNote = (episode: Episode) => Notice | undefined;

const EpisodeLine = memo(function EpisodeLine(
  props: {
    episode: Episode;
    cursor: boolean;
    selected: boolean;
    marks: boolean;
    // Text and role rather than one object, so that the memo sees an unchanged note as unchanged.
    noteText?: string;
    noteRole?: ColorRole;
  },
): ReactNode {
  const theme = useTheme();
  const { episode, cursor } = props;
  const unreadable = episode.probeError !== null;
  const languages = episode.subtitleLanguages.join(" ");
  // Without subtitles an episode cannot be used yet: shown dim, but still selectable.
  const dim = !unreadable && languages === "";
  const color = cursor ? theme.color("accent") : undefined;
  return (
    <Box height={1}>
      <Box width={props.marks ? MARK_WIDTH : CURSOR_WIDTH} flexShrink={0}>
        <Text color={color} bold={cursor}>
          {cursor ? "›" : " "} {props.marks
            ? (
              <Text color={props.selected ? theme.color("accent") : undefined}>
                {props.selected ? "[x]" : "[ ]"}
              </Text>
            )
            : null}
        </Text>
      </Box>
      <Box width={CODE_WIDTH} flexShrink={0}>
        <Text color={color} bold={cursor} dimColor={dim}>{episodeCode(episode)}</Text>
      </Box>
      <Box flexGrow={1} flexShrink={1}>
        <Text color={color} bold={cursor} dimColor={dim} wrap="truncate-end">{episodeTitle(episode)}</Text>
      </Box>
      {props.marks
        ? (
          <>
            <Box width={RUNTIME_WIDTH} flexShrink={0} justifyContent="flex-end">
              <Text dimColor={dim}>{formatRuntime(episode.durationMs)}</Text>
            </Box>
            <Box width={STATUS_WIDTH} flexShrink={0} paddingLeft={2}>
              {unreadable
                ? <Text color={theme.color("error")} wrap="truncate-end">✗ unreadable</Text>
                : <Text dimColor={dim} wrap="truncate-end">{dim ? "no subtitles" : languages}</Text>}
            </Box>
          </>
        )
        : (
          <Box width={NOTE_WIDTH} flexShrink={0} paddingLeft={2}>
            <Text color={props.noteRole ? theme.color(props.noteRole) : undefined} wrap="truncate-end">
              {props.noteText ?? ""}
            </Text>
          </Box>
        )}
    </Box>
  );
});

const GroupLine = memo(function GroupLine(
  props: { title: string; size: number; selected: number; cursor: boolean; marks: boolean },
): ReactNode {
  const theme = useTheme();
  const { selected, size, cursor } = props;
  const mark = selected === 0 ? "[ ]" : selected === size ? "[x]" : "[-]";
  return (
    <Box height={1}>
      <Text bold color={cursor ? theme.color("accent") : undefined} wrap="truncate-end">
        {cursor ? "›" : " "} {props.marks
          ? <Text color={selected > 0 ? theme.color("accent") : undefined}>{`${mark} `}</Text>
          : null}
        {props.title} ({size})
        {selected > 0 ? <Text color={theme.color("muted")}>{` · ${selected} selected`}</Text> : null}
      </Text>
    </Box>
  );
});

function Row(props: { view: LibraryView; row: LibraryRow; index: number; note?: EpisodeNote }): ReactNode {
  const { view, row, index, note } = props;
  const cursor = index === view.cursor;
  const shownNote = row.kind === "episode" ? note?.(row.episode) : undefined;
  return row.kind === "group"
    ? (
      <GroupLine
        title={row.title}
        size={row.size}
        selected={view.selectedInGroup(index)}
        cursor={cursor}
        marks={!note}
      />
    )
    : (
      <EpisodeLine
        episode={row.episode}
        cursor={cursor}
        selected={view.selection.has(row.episode.id)}
        marks={!note}
        noteText={shownNote?.text}
        noteRole={shownNote?.role}
      />
    );
}

/**
 * The rows of the window that follows the cursor in a list `height` rows tall: one less, to
 * leave room for a pinned group header. Moves of the cursor are given this as the page size.
 */
export function listWindowRows(height: number): number {
  return Math.max(1, height - 1);
}

/**
 * The window of the library's rows that shows the cursor, `height` rows tall: only those are
 * rendered, so the cost of a frame does not grow with the library. When the window begins
 * inside a group, that group's header stays pinned on its first line, so a person scrolled deep
 * into a long show still sees which show and season it is.
 *
 * With `note`, the list is for picking one episode: no selection marks, and each row ends with
 * what `note` says about its episode instead of runtime and languages.
 */
export function LibraryList(props: { view: LibraryView; height: number; note?: EpisodeNote }): ReactNode {
  const { view, height, note } = props;
  const { rows } = view.rows;
  const start = windowStart(view.top, view.cursor, listWindowRows(height), rows.length);
  const first = rows[start];
  const pinned = first?.kind === "episode" ? first.group : undefined;
  const shown = rows.slice(start, start + height - (pinned === undefined ? 0 : 1));
  return (
    <Box flexDirection="column" height={height} flexShrink={0} overflow="hidden">
      {pinned === undefined
        ? null
        : <Row key="pinned" view={view} row={rows[pinned]} index={pinned} note={note} />}
      {shown.map((row, i) => (
        <Row
          key={row.kind === "group" ? `group ${start + i}` : row.episode.id}
          view={view}
          row={row}
          index={start + i}
          note={note}
        />
      ))}
    </Box>
  );
}
