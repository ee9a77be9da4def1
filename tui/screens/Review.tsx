import { Box, type Key, Text } from "ink";
import {
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from "react";
import type { AppEvent, Episode } from "../../shared/schemas.ts";
import { clipLines, DetailLines } from "../components/DetailLines.tsx";
import { type EmptyLine, EmptyLines } from "../components/EmptyLines.tsx";
import { EventsError } from "../components/EventsError.tsx";
import { ExpressionEditor } from "../components/ExpressionEditor.tsx";
import { ExpressionList } from "../components/ExpressionList.tsx";
import { FilterLine } from "../components/FilterLine.tsx";
import { type EpisodeNote, LibraryList, listWindowRows } from "../components/LibraryList.tsx";
import { Panel, PANEL_CHROME_COLUMNS, PANEL_CHROME_ROWS, ScreenPanel } from "../components/Panel.tsx";
import { StatusRows, statusRows } from "../components/StatusRows.tsx";
import { expressionLines } from "../expression_lines.ts";
import { formatCount, plural } from "../format.ts";
import { FocusContext } from "../context/FocusContext.tsx";
import { useClient } from "../hooks/use_client.ts";
import { useConnectionState } from "../hooks/use_connection_state.ts";
import { useEpisodeExpressions } from "../hooks/use_episode_expressions.ts";
import { useEvents } from "../hooks/use_events.ts";
import { useExpressionCounts } from "../hooks/use_expression_counts.ts";
import { useLibrary } from "../hooks/use_library.ts";
import { type ReviewActions, useReviewActions } from "../hooks/use_review_actions.ts";
import { useScreenKeys } from "../hooks/use_screen_keys.ts";
import { useTheme } from "../hooks/use_theme.ts";
import { char, type ScreenKeyBinding } from "../keys.ts";
import { episodeCode, episodeTitle } from "../library_rows.ts";
import type { Notice } from "../library_view.ts";
import { detailsKeys, filterKeys, guarded, movementKeys } from "../list_keys.ts";
import { type EpisodeCounts, ReviewView } from "../review_view.ts";
import { splitRows } from "../split_rows.ts";
import { editText, textField } from "../text_edit.ts";
import type { ScreenProps } from "./screen.ts";

const EVENT_TYPES = ["expressions.changed", "library.changed"] as const;

/** `Sample Show S01E02 · The Title`, or a film's name and year. */
export function episodeLabel(episode: Episode | undefined, id?: number): string {
  if (!episode) return id === undefined ? "" : `episode ${id}`;
  const code = episodeCode(episode);
  if (episode.kind === "film") return code ? `${episode.show} (${code})` : episode.show;
  const title = episodeTitle(episode);
  return [`${episode.show}${code ? ` ${code}` : ""}`, title].filter(Boolean).join(" · ");
}

/** `5 pending · 2 ✓ · 1 ✗ · 3 dropped`: what an episode's expressions are waiting for. */
export function countsText(counts: EpisodeCounts | undefined): string {
  if (!counts) return "not analysed";
  const parts = [`${formatCount(counts.pending)} pending`];
  if (counts.approved > 0) parts.push(`${formatCount(counts.approved)} ✓`);
  if (counts.rejected > 0) parts.push(`${formatCount(counts.rejected)} ✗`);
  if (counts.dropped) parts.push(`${formatCount(counts.dropped)} dropped`);
  return parts.join(" · ");
}

/** What the picker says after an episode: its counts, or nothing when it has no expressions. */
function pickerNote(view: ReviewView): EpisodeNote {
  return (episode) => {
    const counts = view.counts.get(episode.id);
    if (!counts) return { text: "not analysed", role: "muted" };
    return { text: countsText(counts), role: counts.pending > 0 ? "accent" : "ok" };
  };
}

/**
 * The line(s) under the list: an analysis or a render in progress, the latest message, or what
 * the keys do.
 */
function statusLine(view: ReviewView, loadError: string | undefined): Notice {
  const running: string[] = [];
  if (view.analysing !== undefined) {
    running.push(
      `Analysing ${episodeLabel(view.episode(view.analysing), view.analysing)}… (an LLM call per chunk)`,
    );
  }
  if (view.rendering) {
    running.push(
      `Rendering "${view.rendering.text}" (group ${view.rendering.groupId})… (this takes a minute)`,
    );
  }
  if (running.length > 0) return { text: running.join(" · "), role: "accent" };
  if (view.notice) return view.notice;
  if (loadError && view.loaded) return { text: `✗ Reloading failed: ${loadError}`, role: "error" };
  if (view.selection.size > 0) {
    return {
      text: `${formatCount(view.selection.size)} selected: a / x approve or reject them, Esc unselects`,
      role: "accent",
    };
  }
  if (view.episodeId === undefined) return { text: "", role: "muted" };
  const analysed = view.analysed;
  const position = view.episodeId === undefined ? -1 : analysed.indexOf(view.episodeId);
  const where = position >= 0
    ? `${formatCount(position + 1)} of ${formatCount(analysed.length)} analysed`
    : `${formatCount(analysed.length)} analysed`;
  const dropped = view.counts.get(view.episodeId ?? -1)?.dropped ?? 0;
  const parts = [`[ ] other episodes (${where})`, "p picks any"];
  if (dropped > 0) parts.push(`d ${view.showDropped ? "hides" : "shows"} ${formatCount(dropped)} dropped`);
  return { text: parts.join(" · "), role: "muted" };
}

/** What the list area says when the episode shows no expressions. */
function emptyLines(
  view: ReviewView,
  state: { connected: boolean; libraryError?: string; countsError?: string; loadError?: string },
): EmptyLine[] {
  if (!view.libraryLoaded || !view.countsLoaded) {
    const error = state.libraryError ?? state.countsError;
    if (error) return [{ text: `✗ Loading failed: ${error}`, role: "error" }];
    return [{
      text: state.connected ? "Loading…" : "Not connected: expressions load once the daemon answers.",
      role: "muted",
    }];
  }
  if (view.episodeId === undefined) {
    return [
      { text: "The library is empty." },
      { text: "Scan it on the Library screen (2, then r); make a sample library with scripts/make-sample." },
    ];
  }
  if (!view.loaded) {
    return state.loadError
      ? [{ text: `✗ expressions.list failed: ${state.loadError}`, role: "error" }]
      : [{ text: "Loading expressions…", role: "muted" }];
  }
  const dropped = view.expressions.length;
  if (dropped > 0) {
    return [{
      text: `All ${
        plural(dropped, "expression")
      } of this episode were dropped: d shows them with their reasons.`,
    }];
  }
  return [
    { text: "No expressions for this episode yet." },
    { text: "Press r to analyse it." },
    {
      text: "Without a GEMINI_API_KEY only the sample library's episodes can be analysed (their " +
        "hand-written analyses need no LLM): make one with scripts/make-sample, then scan it (2, r).",
      role: "muted",
    },
    {
      text:
        "[ and ] go to the episodes that have expressions; p, or the Library's cursor, picks any episode.",
      role: "muted",
    },
  ];
}

/**
 * Reviewing the expressions an analysis found, one episode at a time: approve, reject (one, a
 * selection, or everything pending), edit, show the dropped ones with their reasons, analyse
 * the episode; the details of the expression under the cursor below the list.
 */
export function Review(props: ScreenProps): ReactNode {
  const theme = useTheme();
  const client = useClient();
  const connected = useConnectionState().kind === "connected";
  const [view] = useState(() => new ReviewView());
  useSyncExternalStore(view.subscribe, view.getSnapshot);

  const library = useLibrary();
  const counts = useExpressionCounts();
  const episode = useEpisodeExpressions(view.episodeId);
  const { reload: reloadLibrary } = library;
  const { reload: reloadEpisode } = episode;

  useEffect(() => {
    if (library.episodes) view.setLibrary(library.episodes);
  }, [view, library.episodes]);
  useEffect(() => {
    if (counts.summaries) view.setCounts(counts.summaries);
  }, [view, counts.summaries]);
  useEffect(() => {
    if (episode.episodeId !== undefined && episode.expressions) {
      view.setExpressions(episode.episodeId, episode.expressions);
    }
  }, [view, episode.episodeId, episode.expressions]);

  /** Reloads the counts of episodes other than the one under review (whose reload counts it). */
  const recount = useCallback((episodeIds: readonly number[]) => {
    for (const id of episodeIds) {
      if (id === view.episodeId) continue;
      client.expressions.summary.query({ episodeIds: [id] }).then(
        ([summary]) => view.setEpisodeSummary(id, summary),
        () => {/* the counts stay as they were; the episode's own load reports errors */},
      );
    }
  }, [client, view]);

  const onEvent = useCallback((event: AppEvent) => {
    if (event.type === "expressions.changed") {
      if (view.episodeId !== undefined && event.data.episodeIds.includes(view.episodeId)) reloadEpisode();
      recount(event.data.episodeIds);
    } else if (event.type === "library.changed") {
      reloadLibrary();
    }
  }, [view, reloadEpisode, reloadLibrary, recount]);
  const eventsError = useEvents(EVENT_TYPES, onEvent);

  // Shown again after the Library's cursor moved to another episode: review that one.
  const focus = useContext(FocusContext);
  const adopted = useRef<number | undefined>(undefined);
  useEffect(() => {
    const focused = focus.episode.get();
    if (!props.active || focused === undefined || focused === adopted.current) return;
    adopted.current = focused;
    if (view.mode !== "edit") view.selectEpisode(focused); // an open form keeps its edits
  }, [props.active, focus, view]);

  const actions = useReviewActions(view);
  const analysed = useCallback((episodeId: number) => {
    if (episodeId === view.episodeId) reloadEpisode();
    else recount([episodeId]);
  }, [view, reloadEpisode, recount]);

  const innerWidth = Math.max(1, props.width - PANEL_CHROME_COLUMNS);
  const height = props.height - (eventsError ? 1 : 0);
  const status = statusLine(view, episode.error);
  const statusLines = statusRows(status, innerWidth, height);
  const split = splitRows(height, statusLines.length, view.rows.length);
  const current = view.current;
  const zoomRows = Math.max(0, height - PANEL_CHROME_ROWS - statusLines.length);
  const lines = useMemo(() => current ? expressionLines(current, innerWidth) : [], [current, innerWidth]);
  const maxScroll = Math.max(0, lines.length - zoomRows);
  const pickerRows = Math.max(0, height - PANEL_CHROME_ROWS - 1);
  const selecting = view.selection.size > 0;
  const hasRows = view.rows.length > 0;
  const hasDropped = view.showDropped || (view.counts.get(view.episodeId ?? -1)?.dropped ?? 0) > 0;

  const keys = useMemo(
    () =>
      reviewKeys(view, actions, {
        mode: view.mode,
        listRows: split.list,
        pickerRows,
        maxScroll,
        zoomRows,
        showDropped: view.showDropped,
        selecting,
        hasRows,
        hasDropped,
        filtering: view.picker.filterOpen,
        analysed,
      }),
    [
      view,
      actions,
      view.mode,
      split.list,
      pickerRows,
      maxScroll,
      zoomRows,
      view.showDropped,
      selecting,
      hasRows,
      hasDropped,
      view.picker.filterOpen,
      analysed,
    ],
  );
  const capture = useCallback((input: string, key: Key): boolean => {
    const form = view.form;
    if (view.mode === "edit" && form) {
      if (form.saving) return !key.return && !key.escape; // nothing changes while it saves
      if (key.tab || key.upArrow || key.downArrow) {
        form.step(key.upArrow || (key.tab && key.shift) ? -1 : 1);
      } else if (!form.edit(input, key)) {
        return false; // Enter and Esc are the form's bindings
      }
      form.error = undefined;
      view.touch();
      return true;
    }
    if (view.mode === "pick" && view.picker.filterOpen) {
      const next = editText(textField(view.picker.filter), input, key, { moveKeys: false });
      if (!next) return false; // Enter, Esc and the arrows are the filter's bindings
      view.picker.setFilter(next.text);
      return true;
    }
    return false;
  }, [view]);
  useScreenKeys(keys, { capture });

  const eventsLine = eventsError ? <EventsError error={eventsError} /> : null;
  const { width } = props;

  if (view.mode === "edit" && view.form) {
    return (
      <ScreenPanel
        events={eventsLine}
        screenHeight={props.height}
        title="Edit"
        aside={<Text wrap="truncate-end">— {view.form.expression.text}</Text>}
        width={width}
        height={height}
      >
        <ExpressionEditor
          form={view.form}
          width={innerWidth}
          height={Math.max(0, height - PANEL_CHROME_ROWS)}
        />
      </ScreenPanel>
    );
  }

  if (view.mode === "pick") {
    const picker = view.picker;
    return (
      <ScreenPanel
        events={eventsLine}
        screenHeight={props.height}
        title="Pick an episode"
        aside={
          <Text wrap="truncate-end">
            — {plural(picker.total, "episode")}, {formatCount(view.analysed.length)} analysed
            {picker.filter ? ` · filter: "${picker.filter}"` : ""}
          </Text>
        }
        width={width}
        height={height}
      >
        {picker.rows.rows.length > 0
          ? <LibraryList view={picker} height={pickerRows} note={pickerNote(view)} />
          : (
            <Box height={pickerRows} flexShrink={0}>
              <Text color={theme.color("muted")}>
                {picker.filter
                  ? `No episode matches "${picker.filter}". Esc clears the filter.`
                  : "The library is empty."}
              </Text>
            </Box>
          )}
        {picker.filterOpen
          ? <FilterLine text={picker.filter} />
          : <StatusRows lines={["Enter reviews the episode · / filters · Esc goes back"]} role="muted" />}
      </ScreenPanel>
    );
  }

  const header = view.episodeId === undefined ? undefined : (
    <Text wrap="truncate-end">
      — {episodeLabel(view.episode(view.episodeId), view.episodeId)} ·{" "}
      {countsText(view.counts.get(view.episodeId))}
    </Text>
  );

  if (view.mode === "details" && current) {
    return (
      <ScreenPanel
        events={eventsLine}
        screenHeight={props.height}
        title={current.text}
        aside={
          <Text wrap="truncate-end">
            — {formatCount(view.cursor + 1)} of {formatCount(view.rows.length)}
          </Text>
        }
        width={width}
        height={height}
      >
        <DetailLines lines={lines} scroll={Math.min(view.detailsScroll, maxScroll)} height={zoomRows} />
        <StatusRows lines={statusLines} role={status.role} />
      </ScreenPanel>
    );
  }

  if (view.rows.length === 0) {
    const empty = emptyLines(view, {
      connected,
      libraryError: library.error,
      countsError: counts.error,
      loadError: episode.error,
    });
    const bodyRows = Math.max(0, height - PANEL_CHROME_ROWS - statusLines.length);
    return (
      <ScreenPanel
        events={eventsLine}
        screenHeight={props.height}
        title="Review"
        aside={header}
        width={width}
        height={height}
      >
        <EmptyLines lines={empty} width={innerWidth} height={bodyRows} />
        <StatusRows lines={statusLines} role={status.role} />
      </ScreenPanel>
    );
  }

  const detailsShown = clipLines(lines, split.details);
  return (
    <Box flexDirection="column" width={width} height={props.height}>
      {eventsLine}
      <Panel
        title="Review"
        aside={header}
        width={width}
        height={PANEL_CHROME_ROWS + split.list + statusLines.length}
      >
        <ExpressionList view={view} height={split.list} width={innerWidth} />
        <StatusRows lines={statusLines} role={status.role} />
      </Panel>
      {split.details > 0 && current
        ? (
          <Panel title={current.text} width={width} height={PANEL_CHROME_ROWS + split.details}>
            <DetailLines lines={detailsShown} scroll={0} height={split.details} />
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
function reviewKeys(
  view: ReviewView,
  actions: ReviewActions,
  options: {
    mode: ReviewView["mode"];
    listRows: number;
    pickerRows: number;
    maxScroll: number;
    zoomRows: number;
    showDropped: boolean;
    selecting: boolean;
    /** Whether the list shows any expression: else only the keys that get some are listed. */
    hasRows: boolean;
    /** Whether the episode has dropped expressions (else `d` is not listed). */
    hasDropped: boolean;
    /** Whether the picker's filter is being typed. */
    filtering: boolean;
    analysed: (episodeId: number) => void;
  },
): ScreenKeyBinding[] {
  const { mode, listRows } = options;
  const pickerWindow = listWindowRows(options.pickerRows);
  const inList = () => view.mode === "list";
  const inDetails = () => view.mode === "details";
  const reviewing = () => view.mode === "list" || view.mode === "details";
  const inEdit = () => view.mode === "edit";
  const inPicker = () => view.mode === "pick" && !view.picker.filterOpen;
  const inPickerFilter = () => view.mode === "pick" && view.picker.filterOpen;
  const them = options.selecting ? "the selection" : "";

  const decisions: ScreenKeyBinding[] = [
    {
      label: "a",
      description: them ? `approve ${them}` : "approve",
      matches: char("a"),
      run: () => actions.decide("approve", "one", listRows),
    },
    {
      label: "x",
      description: them ? `reject ${them}` : "reject",
      matches: char("x"),
      run: () => actions.decide("reject", "one", listRows),
    },
    { label: "e", description: "edit", matches: char("e"), run: () => view.openForm() },
    {
      label: "R",
      description: "render",
      matches: char("R"),
      run: () => actions.render(),
    },
  ];
  const select: ScreenKeyBinding[] = [
    {
      label: "Space",
      description: "select",
      matches: (i, k) => i === " " && !k.ctrl,
      run: () => view.toggle(),
    },
  ];
  const episode: ScreenKeyBinding[] = [
    { label: "r", description: "analyse", matches: char("r"), run: () => actions.analyse(options.analysed) },
    {
      label: "d",
      description: options.showDropped ? "hide dropped" : "show dropped",
      hidden: !options.hasDropped,
      matches: char("d"),
      run: () => view.toggleDropped(),
    },
    {
      label: "[ ]",
      description: "previous / next episode",
      matches: char("["),
      run: () => view.stepEpisode(-1),
    },
    {
      label: "]",
      description: "next episode",
      hidden: true,
      matches: char("]"),
      run: () => view.stepEpisode(1),
    },
    {
      label: "p",
      description: "pick an episode",
      matches: char("p"),
      run: () => view.openPicker(listWindowRows(options.pickerRows)),
    },
  ];
  const rows: ScreenKeyBinding[] = [
    { label: "Enter", description: "details", matches: (_, k) => k.return, run: () => view.openDetails() },
    {
      label: "A",
      description: "approve all or selected",
      helpOnly: true,
      matches: char("A"),
      run: () => actions.decide("approve", "pending", listRows),
    },
    {
      label: "X",
      description: "reject all or selected",
      helpOnly: true,
      matches: char("X"),
      run: () => actions.decide("reject", "pending", listRows),
    },
    {
      label: "Esc",
      description: "unselect all",
      helpOnly: true,
      matches: (_, k) => k.escape,
      run: () => view.clear(),
    },
  ];
  const details = detailsKeys(view, options.maxScroll, options.zoomRows);
  const edit: ScreenKeyBinding[] = [
    { label: "Enter", description: "save", matches: (_, k) => k.return, run: () => actions.save() },
    { label: "Esc", description: "cancel", matches: (_, k) => k.escape, run: () => view.closeForm() },
    // Listed only: the form's capture takes them, with the text typed.
    { label: "Tab / ↓", description: "next field", matches: () => false, run: () => {} },
    { label: "Shift-Tab / ↑", description: "previous field", matches: () => false, run: () => {} },
    {
      label: "Ctrl-U",
      description: "empty the field before the cursor",
      helpOnly: true,
      matches: () => false,
      run: () => {},
    },
  ];
  const picker: ScreenKeyBinding[] = [
    {
      label: "Enter",
      description: "review it",
      matches: (_, k) => k.return,
      run: () => view.closePicker(true),
    },
    { label: "/", description: "filter", matches: char("/"), run: () => view.picker.openFilter() },
    { label: "Esc", description: "back", matches: (_, k) => k.escape, run: () => view.closePicker(false) },
  ];
  const pickerFilter = filterKeys(view.picker, false);

  return [
    ...guarded(decisions, reviewing, (mode === "list" || mode === "details") && options.hasRows),
    ...guarded(select, inList, mode === "list" && options.hasRows),
    ...guarded(episode, inList, mode === "list"),
    ...guarded(rows, inList, mode === "list" && options.hasRows),
    ...guarded(movementKeys(view, listRows, true), inList, mode === "list" && options.hasRows),
    ...guarded(details, inDetails, mode === "details"),
    ...guarded(edit, inEdit, mode === "edit"),
    ...guarded(picker, inPicker, mode === "pick" && !options.filtering),
    ...guarded(
      movementKeys(view.picker, pickerWindow, true),
      inPicker,
      mode === "pick" && !options.filtering,
    ),
    ...guarded(pickerFilter, inPickerFilter, mode === "pick" && options.filtering),
    ...guarded(
      movementKeys(view.picker, pickerWindow, false),
      inPickerFilter,
      mode === "pick" && options.filtering,
    ),
  ];
}
