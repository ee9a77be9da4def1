import { Box, type Key, Text } from "ink";
import { type ReactNode, useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { clipLines, DetailLines } from "../components/DetailLines.tsx";
import { type EmptyLine, EmptyLines } from "../components/EmptyLines.tsx";
import { EventsError } from "../components/EventsError.tsx";
import { FilterLine } from "../components/FilterLine.tsx";
import { Panel, PANEL_CHROME_COLUMNS, PANEL_CHROME_ROWS, ScreenPanel } from "../components/Panel.tsx";
import { RenderList } from "../components/RenderList.tsx";
import { StatusRows, statusRows } from "../components/StatusRows.tsx";
import { formatCount, plural } from "../format.ts";
import { useConnectionState } from "../hooks/use_connection_state.ts";
import { useEvents } from "../hooks/use_events.ts";
import { type OutputActions, useOutputActions } from "../hooks/use_output_actions.ts";
import { useRenders } from "../hooks/use_renders.ts";
import { useScreenKeys } from "../hooks/use_screen_keys.ts";
import { char, type ScreenKeyBinding } from "../keys.ts";
import type { Notice } from "../library_view.ts";
import { detailsKeys, filterKeys, guarded, movementKeys } from "../list_keys.ts";
import { OutputsView } from "../outputs_view.ts";
import { renderExpressions, renderLines } from "../render_lines.ts";
import { splitRows } from "../split_rows.ts";
import { editText, textField } from "../text_edit.ts";
import type { ScreenProps } from "./screen.ts";

const EVENT_TYPES = ["render.done"] as const;

/** `— 12 videos · 3 ★ · 2 selected · filter: "ice"`: what the list holds. */
function headerText(view: OutputsView): string {
  const parts = [
    view.filter && view.rows.length !== view.renders.length
      ? `${formatCount(view.rows.length)} of ${plural(view.renders.length, "video")}`
      : plural(view.renders.length, "video"),
  ];
  const marked = view.markedCount;
  if (marked > 0) parts.push(`${formatCount(marked)} ★`);
  if (view.selection.size > 0) {
    const hidden = view.hiddenSelected;
    parts.push(
      `${formatCount(view.selection.size)} selected${hidden > 0 ? ` (${formatCount(hidden)} hidden)` : ""}`,
    );
  }
  if (view.filter && !view.filterOpen) parts.push(`filter: "${view.filter}"`);
  return `— ${parts.join(" · ")}`;
}

/**
 * The line(s) under the list: the latest message, a failed reload, or what marking means (none
 * while there is nothing to mark).
 */
function statusLine(view: OutputsView, loadError: string | undefined): Notice | undefined {
  if (view.notice) return view.notice;
  if (loadError && view.loaded) return { text: `✗ Reloading failed: ${loadError}`, role: "error" };
  if (view.renders.length === 0) return undefined;
  if (view.selection.size > 0) {
    return {
      text: `${formatCount(view.selection.size)} selected: m marks or unmarks them, Esc unselects`,
      role: "accent",
    };
  }
  return {
    text: "★ = marked for the publishing calendar: m marks one, Space selects several",
    role: "muted",
  };
}

/** What the list says when there is no video to show. */
function emptyLines(view: OutputsView, state: { connected: boolean; error?: string }): EmptyLine[] {
  if (!view.loaded) {
    if (state.error) return [{ text: `✗ renders.list failed: ${state.error}`, role: "error" }];
    return [{
      text: state.connected ? "Loading…" : "Not connected: the videos load once the daemon answers.",
      role: "muted",
    }];
  }
  if (view.renders.length > 0) {
    return [{ text: `No video matches "${view.filter}". Esc clears the filter.`, role: "muted" }];
  }
  return [
    { text: "No videos rendered yet." },
    {
      text: "To make some: review an episode's expressions on the Review screen (3), then press R " +
        "there to render the group of the expression under the cursor (a Short with the default " +
        "options; it takes a minute).",
    },
    {
      text: "Each video shows up here with its sidecar (titles, description, tags); m marks it for " +
        "the publishing calendar.",
      role: "muted",
    },
  ];
}

/**
 * The rendered videos, newest first: kind, length, size, expressions, show and episode, path,
 * and `★` for those marked for the publishing calendar; the details of the one under the cursor
 * below the list. Marks one or a selection, filters, and reloads when a render is done.
 */
export function Outputs(props: ScreenProps): ReactNode {
  const connected = useConnectionState().kind === "connected";
  const [view] = useState(() => new OutputsView());
  useSyncExternalStore(view.subscribe, view.getSnapshot);

  const renders = useRenders();
  const { reload } = renders;
  useEffect(() => {
    if (renders.renders) view.setRenders(renders.renders);
  }, [view, renders.renders]);
  const onEvent = useCallback(() => reload(), [reload]);
  const eventsError = useEvents(EVENT_TYPES, onEvent);
  const actions = useOutputActions(view);

  const { width } = props;
  const innerWidth = Math.max(1, width - PANEL_CHROME_COLUMNS);
  const height = props.height - (eventsError ? 1 : 0);
  const status = statusLine(view, renders.error);
  const statusLines = view.filterOpen ? [""] : status ? statusRows(status, innerWidth, height) : [];
  const split = splitRows(height, statusLines.length, view.rows.length);
  const current = view.current;
  const zoomRows = Math.max(0, height - PANEL_CHROME_ROWS - statusLines.length);
  const lines = useMemo(() => current ? renderLines(current, innerWidth) : [], [current, innerWidth]);
  const maxScroll = Math.max(0, lines.length - zoomRows);

  const mode = view.mode === "details" ? "details" : view.filterOpen ? "filter" : "list";
  const selecting = view.selection.size > 0;
  const hasRows = view.rows.length > 0;
  const currentMarked = current?.marked ?? false;
  const keys = useMemo(
    () =>
      outputsKeys(view, actions, {
        mode,
        listRows: split.list,
        zoomRows,
        maxScroll,
        hasRows,
        markLabel: selecting ? "mark / unmark selected" : currentMarked ? "unmark" : "mark",
        reload,
      }),
    [view, actions, mode, split.list, zoomRows, maxScroll, hasRows, selecting, currentMarked, reload],
  );
  const capture = useCallback((input: string, key: Key): boolean => {
    if (view.mode !== "list" || !view.filterOpen) return false;
    const next = editText(textField(view.filter), input, key, { moveKeys: false });
    if (!next) return false; // Enter, Esc and the arrows are the filter's bindings
    view.setFilter(next.text);
    return true;
  }, [view]);
  useScreenKeys(keys, { capture });

  const eventsLine = eventsError ? <EventsError error={eventsError} /> : null;
  const header = <Text wrap="truncate-end">{headerText(view)}</Text>;
  const statusArea = view.filterOpen
    ? <FilterLine text={view.filter} />
    : <StatusRows lines={statusLines} role={status?.role ?? "muted"} />;

  if (view.mode === "details" && current) {
    return (
      <ScreenPanel
        events={eventsLine}
        screenHeight={props.height}
        title={renderExpressions(current)}
        aside={
          <Text wrap="truncate-end">
            — {current.kind}, {formatCount(view.cursor + 1)} of {formatCount(view.rows.length)}
          </Text>
        }
        width={width}
        height={height}
      >
        <DetailLines lines={lines} scroll={Math.min(view.detailsScroll, maxScroll)} height={zoomRows} />
        {statusArea}
      </ScreenPanel>
    );
  }

  if (!hasRows) {
    const bodyRows = Math.max(0, height - PANEL_CHROME_ROWS - statusLines.length);
    return (
      <ScreenPanel
        events={eventsLine}
        screenHeight={props.height}
        title="Outputs"
        aside={view.loaded ? header : undefined}
        width={width}
        height={height}
      >
        <EmptyLines
          lines={emptyLines(view, { connected, error: renders.error })}
          width={innerWidth}
          height={bodyRows}
        />
        {statusArea}
      </ScreenPanel>
    );
  }

  return (
    <Box flexDirection="column" width={width} height={props.height}>
      {eventsLine}
      <Panel
        title="Outputs"
        aside={header}
        width={width}
        height={PANEL_CHROME_ROWS + split.list + statusLines.length}
      >
        <RenderList view={view} height={split.list} width={innerWidth} />
        {statusArea}
      </Panel>
      {split.details > 0 && current
        ? (
          <Panel title={renderExpressions(current)} width={width} height={PANEL_CHROME_ROWS + split.details}>
            <DetailLines lines={clipLines(lines, split.details)} scroll={0} height={split.details} />
          </Panel>
        )
        : null}
    </Box>
  );
}

/**
 * The screen's keys. Every mode's keys are registered at once, each matching only in its mode
 * (read from the view when the key arrives); those of other modes are hidden from footer and help.
 */
function outputsKeys(
  view: OutputsView,
  actions: OutputActions,
  options: {
    mode: "list" | "filter" | "details";
    listRows: number;
    zoomRows: number;
    maxScroll: number;
    /** Whether the list shows any video: else only the keys that get some are listed. */
    hasRows: boolean;
    /** What `m` does now. */
    markLabel: string;
    reload: () => void;
  },
): ScreenKeyBinding[] {
  const { mode, hasRows } = options;
  const inList = () => view.mode === "list" && !view.filterOpen;
  const inFilter = () => view.mode === "list" && view.filterOpen;
  const inDetails = () => view.mode === "details";
  const browsing = () => view.mode === "details" || !view.filterOpen;

  const mark: ScreenKeyBinding[] = [
    { label: "m", description: options.markLabel, matches: char("m"), run: () => actions.mark() },
  ];
  const rows: ScreenKeyBinding[] = [
    {
      label: "Space",
      description: "select",
      matches: (i, k) => i === " " && !k.ctrl,
      run: () => view.toggle(),
    },
    { label: "Enter", description: "details", matches: (_, k) => k.return, run: () => view.openDetails() },
  ];
  const list: ScreenKeyBinding[] = [
    { label: "/", description: "filter", matches: char("/"), run: () => view.openFilter() },
    { label: "r", description: "reload", matches: char("r"), run: options.reload },
    {
      label: "Esc",
      description: "clear selection, filter",
      helpOnly: true,
      matches: (_, k) => k.escape,
      run: () => view.clear(),
    },
  ];
  const filter = filterKeys(view, true);
  const details = detailsKeys(view, options.maxScroll, options.zoomRows);

  return [
    ...guarded(mark, browsing, (mode === "list" || mode === "details") && hasRows),
    ...guarded(rows, inList, mode === "list" && hasRows),
    ...guarded(list, inList, mode === "list"),
    ...guarded(movementKeys(view, options.listRows, true), inList, mode === "list" && hasRows),
    ...guarded(filter, inFilter, mode === "filter"),
    ...guarded(movementKeys(view, options.listRows, false), inFilter, mode === "filter"),
    ...guarded(details, inDetails, mode === "details"),
  ];
}
