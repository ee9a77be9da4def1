import { Box, type Key, Text } from "ink";
import {
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
} from "react";
import type { AppEvent, Episode, MediaRoot } from "../../shared/schemas.ts";
import { MAX_BATCH_EPISODES } from "../batch_form.ts";
import { BatchEditor } from "../components/BatchEditor.tsx";
import { ExportEditor } from "../components/ExportEditor.tsx";
import { detailLines, EpisodeDetails } from "../components/EpisodeDetails.tsx";
import { FocusContext } from "../context/FocusContext.tsx";
import { FilterLine } from "../components/FilterLine.tsx";
import { LibraryList, listWindowRows } from "../components/LibraryList.tsx";
import { Panel, PANEL_CHROME_COLUMNS, PANEL_CHROME_ROWS } from "../components/Panel.tsx";
import { MAX_EXPORT_EPISODES } from "../export_form.ts";
import { formatCount, plural } from "../format.ts";
import { formKey } from "../form_fields.ts";
import { type BatchActions, useBatchActions } from "../hooks/use_batch_actions.ts";
import { useBatchEstimate } from "../hooks/use_batch_estimate.ts";
import { useConnectionState } from "../hooks/use_connection_state.ts";
import { useEpisodeDetails } from "../hooks/use_episode_details.ts";
import { useEvents } from "../hooks/use_events.ts";
import { captureExportKey, type ExportActions, exportKeys, useExport } from "../hooks/use_export.ts";
import { type LibraryState, useLibrary } from "../hooks/use_library.ts";
import {
  type LibraryScan,
  type ScanOutcome,
  type ScanProgress,
  useLibraryScan,
} from "../hooks/use_library_scan.ts";
import { useScreenKeys } from "../hooks/use_screen_keys.ts";
import { useTheme } from "../hooks/use_theme.ts";
import { char, type ScreenKeyBinding } from "../keys.ts";
import { episodeCode, episodeTitle } from "../library_rows.ts";
import { detailsKeys, filterKeys, guarded, movementKeys } from "../list_keys.ts";
import { LibraryView, type Notice } from "../library_view.ts";
import { isText } from "../text_edit.ts";
import type { ColorRole } from "../theme.ts";
import type { ScreenProps } from "./screen.ts";

const EVENT_TYPES = ["library.changed", "library.progress"] as const;
/** The status line under the list: filter input, scan progress, messages. */
const STATUS_ROWS = 1;

function scanSummary(outcome: ScanOutcome): Notice {
  if ("error" in outcome) return { text: `✗ Scan failed: ${outcome.error}`, role: "error" };
  const r = outcome.result;
  const parts = [
    `${formatCount(r.added)} added`,
    `${formatCount(r.updated)} updated`,
    `${formatCount(r.removed)} removed`,
    `${formatCount(r.unchanged)} unchanged`,
  ];
  if (r.failed > 0) parts.push(`${formatCount(r.failed)} unreadable`);
  const seconds = (r.durationMs / 1000).toFixed(1);
  return { text: `✓ Scan done in ${seconds} s: ${parts.join(", ")}`, role: r.failed > 0 ? "warn" : "ok" };
}

function progressText(running: boolean, progress: ScanProgress | undefined): string {
  if (!progress) return running ? "Scanning: starting…" : "";
  if (progress.phase === "walking") return `Scanning: walking, ${plural(progress.done, "video")} found`;
  return `Scanning: ${progress.phase} ${formatCount(progress.done)}/${formatCount(progress.total)}`;
}

/** The media roots in words, for the empty library's hint. */
function rootsText(roots: readonly MediaRoot[] | undefined): string {
  if (!roots || roots.length === 0) return "the media root (LINGOREEL_MEDIA_ROOTS)";
  const described = roots.map((root) => root.exists ? root.path : `${root.path} (does not exist yet)`);
  return roots.length === 1 ? `the media root ${described[0]}` : `a media root (${described.join(", ")})`;
}

/** What the list area says when there are no rows to show. */
function EmptyList(
  props: { view: LibraryView; library: LibraryState; connected: boolean; height: number },
): ReactNode {
  const theme = useTheme();
  const { view, library } = props;
  let lines: { text: string; role?: ColorRole }[];
  if (!view.loaded) {
    lines = library.error
      ? [{ text: `✗ library.list failed: ${library.error}`, role: "error" }]
      : !props.connected
      ? [{ text: "Not connected: the library loads once the daemon answers.", role: "muted" }]
      : [{
        text: library.loading
          ? `Loading the library… ${formatCount(library.loading)} episodes`
          : "Loading the library…",
        role: "muted",
      }];
  } else if (view.total === 0) {
    lines = [
      { text: "The library is empty." },
      { text: `Put videos under ${rootsText(library.roots)} and press r to scan it,` },
      { text: "or make a sample library there first: scripts/make-sample (about a minute), then r." },
    ];
  } else {
    lines = [{ text: `No episode matches "${view.filter}". Esc clears the filter.`, role: "muted" }];
  }
  return (
    <Box flexDirection="column" height={props.height} flexShrink={0} overflow="hidden">
      {lines.map((line) => (
        <Text key={line.text} color={line.role ? theme.color(line.role) : undefined} wrap="wrap">
          {line.text}
        </Text>
      ))}
    </Box>
  );
}

/** The line under the list: the filter being typed, scan progress, or the latest message. */
function StatusLine(
  props: { view: LibraryView; scan: LibraryScan; loadError: string | undefined },
): ReactNode {
  const theme = useTheme();
  const { view, scan } = props;
  if (view.filterOpen) return <FilterLine text={view.filter} />;
  const progress = progressText(scan.running, scan.progress);
  let line: { text: string; role?: ColorRole } | undefined;
  if (progress) line = { text: progress, role: "accent" };
  else if (view.ranging) line = { text: "Selecting a range: move to extend it, v ends it", role: "accent" };
  else if (view.notice) line = view.notice;
  else if (props.loadError && view.loaded) {
    line = { text: `✗ Reloading failed: ${props.loadError}`, role: "error" };
  } else if (view.filter) line = { text: `/ changes the filter, Esc clears it`, role: "muted" };
  return (
    <Text color={line?.role ? theme.color(line.role) : undefined} wrap="truncate-end">
      {line?.text ?? " "}
    </Text>
  );
}

/** The header after the title: how many episodes, how many selected, the filter. */
function headerText(view: LibraryView, loading: number | undefined): string {
  const parts: string[] = [];
  if (view.loaded) {
    parts.push(
      view.filter
        ? `${formatCount(view.rows.episodeCount)} of ${plural(view.total, "episode")}`
        : plural(view.total, "episode"),
    );
  }
  if (view.selection.size > 0) {
    const hidden = view.hiddenSelected;
    parts.push(
      `${formatCount(view.selection.size)} selected${hidden > 0 ? ` (${formatCount(hidden)} hidden)` : ""}`,
    );
  }
  if (view.filter) parts.push(`filter: "${view.filter}"`);
  if (loading !== undefined) parts.push(loading > 0 ? `loading ${formatCount(loading)}…` : "loading…");
  return parts.length > 0 ? `— ${parts.join(" · ")}` : "";
}

/** `3 episodes: Alpha Show S01E01, S01E02, Beta Show S01E01`: what a batch is for, each show named once. */
function batchEpisodesText(episodes: readonly Episode[]): string {
  let show: string | undefined;
  const names = episodes.map((episode) => {
    const code = episodeCode(episode) || episodeTitle(episode);
    if (episode.show === show) return code;
    show = episode.show;
    return episode.kind === "film" ? episode.show : `${episode.show} ${code}`;
  });
  return `${plural(episodes.length, "episode")}: ${names.join(", ")}`;
}

/**
 * The media library: episodes grouped by show and season, selectable one by one, by group, by
 * range or all at once; filtered as you type; details and first cues of an episode; rescans
 * with progress; a batch started, or an export made, for the selection. Only the rows that fit
 * are rendered, so 5,000 episodes scroll as fast as 50.
 */
export function Library(props: ScreenProps): ReactNode {
  const theme = useTheme();
  const connected = useConnectionState().kind === "connected";
  const [view] = useState(() => new LibraryView());
  useSyncExternalStore(view.subscribe, view.getSnapshot);
  const library = useLibrary();
  const { reload } = library;

  const onScanDone = useCallback((outcome: ScanOutcome) => {
    view.notify(scanSummary(outcome));
    reload();
  }, [view, reload]);
  const scan = useLibraryScan(onScanDone);
  const { progressed } = scan;

  const onEvent = useCallback((event: AppEvent) => {
    if (event.type === "library.changed") reload();
    else if (event.type === "library.progress") progressed(event.data);
  }, [reload, progressed]);
  const eventsError = useEvents(EVENT_TYPES, onEvent);

  useEffect(() => {
    if (library.episodes) view.setEpisodes(library.episodes);
  }, [view, library.episodes]);

  // The Review screen opens on the episode last under the cursor here.
  const focus = useContext(FocusContext);
  const focused = view.current?.id;
  useEffect(() => {
    if (focused !== undefined) focus.episode.set(focused);
  }, [focus, focused]);

  const innerWidth = Math.max(1, props.width - PANEL_CHROME_COLUMNS);
  const bodyRows = Math.max(0, props.height - PANEL_CHROME_ROWS - STATUS_ROWS - (eventsError ? 1 : 0));

  const detailsEpisode = view.details === undefined
    ? undefined
    : view.rows.rows[view.rows.rowOf.get(view.details) ?? -1];
  const episode = detailsEpisode?.kind === "episode" ? detailsEpisode.episode : undefined;
  const details = useEpisodeDetails(view.details, episode?.durationMs);
  const lines = useMemo(
    () => view.details === undefined ? [] : detailLines(episode, details, innerWidth),
    [view.details, episode, details, innerWidth],
  );
  const maxScroll = Math.max(0, lines.length - bodyRows);

  useBatchEstimate(view);
  const batchActions = useBatchActions(view);
  const exportActions = useExport(view);

  const mode = view.exportForm
    ? "export"
    : view.batch
    ? view.batch.started ? "started" : "batch"
    : view.details !== undefined
    ? "details"
    : view.filterOpen
    ? "filter"
    : "list";
  const exportPhase = view.exportForm?.phase.kind;
  const keys = useMemo(
    () =>
      libraryKeys(view, batchActions, exportActions, {
        mode,
        exportPhase,
        bodyRows,
        maxScroll,
        scan: scan.start,
      }),
    [view, batchActions, exportActions, mode, exportPhase, bodyRows, maxScroll, scan.start],
  );
  const capture = useCallback((input: string, key: Key): boolean => {
    if (view.exportForm) return captureExportKey(view, input, key);
    const form = view.batch;
    if (form) {
      // Started: Enter and Esc are bindings, the global keys work again (5 shows the Jobs screen).
      if (form.started) return false;
      if (form.starting) return true; // nothing changes while it starts
      // Enter and Esc are the form's bindings; letters on a choice go nowhere (q must not quit).
      const taken = formKey(form, input, key);
      if (taken === "changed") {
        form.error = undefined;
        view.touch();
      }
      return taken !== "passed";
    }
    if (!view.filterOpen || view.details !== undefined) return false;
    if (key.backspace || key.delete) view.setFilter([...view.filter].slice(0, -1).join(""));
    else if (key.ctrl && input === "u") view.setFilter("");
    else if (isText(input, key)) view.setFilter(view.filter + input);
    else return false; // Enter, Esc and the arrows are the filter mode's bindings
    return true;
  }, [view]);
  useScreenKeys(keys, { capture });

  if (view.exportForm) {
    return (
      <Panel
        title="Export"
        aside={<Text wrap="truncate-end">— {view.exportForm.target.description}</Text>}
        width={props.width}
        height={props.height}
      >
        <ExportEditor form={view.exportForm} width={innerWidth} height={bodyRows + STATUS_ROWS} />
      </Panel>
    );
  }

  if (view.batch) {
    return (
      <Panel
        title="New batch"
        aside={<Text wrap="truncate-end">— {batchEpisodesText(view.batch.episodes)}</Text>}
        width={props.width}
        height={props.height}
      >
        <BatchEditor form={view.batch} width={innerWidth} height={bodyRows + STATUS_ROWS} />
      </Panel>
    );
  }

  let body: ReactNode;
  if (view.details !== undefined) {
    body = (
      <EpisodeDetails lines={lines} scroll={Math.min(view.detailsScroll, maxScroll)} height={bodyRows} />
    );
  } else if (view.rows.rows.length === 0) {
    body = <EmptyList view={view} library={library} connected={connected} height={bodyRows} />;
  } else {
    body = <LibraryList view={view} height={bodyRows} />;
  }

  return (
    <Panel
      title="Library"
      aside={<Text wrap="truncate-end">{headerText(view, library.loading)}</Text>}
      width={props.width}
      height={props.height}
    >
      {eventsError
        ? <Text color={theme.color("error")} wrap="truncate-end">✗ events: {eventsError}</Text>
        : null}
      {body}
      <StatusLine view={view} scan={scan} loadError={library.error} />
    </Panel>
  );
}

/**
 * The screen's keys. Every mode's keys are registered at once, each matching only in its mode
 * (read from the view when the key arrives); those of other modes than the one rendered are
 * hidden from the footer and help.
 */
function libraryKeys(
  view: LibraryView,
  batch: BatchActions,
  exporting: ExportActions,
  options: {
    mode: "list" | "filter" | "details" | "batch" | "started" | "export";
    exportPhase: "editing" | "running" | "done" | undefined;
    bodyRows: number;
    maxScroll: number;
    scan: () => void;
  },
): ScreenKeyBinding[] {
  const { mode, bodyRows, maxScroll } = options;
  const windowRows = listWindowRows(bodyRows);
  const inForms = () => view.batch !== undefined || view.exportForm !== undefined;
  const inList = () => !inForms() && view.details === undefined && !view.filterOpen;
  const inFilter = () => !inForms() && view.details === undefined && view.filterOpen;
  const inDetails = () => !inForms() && view.details !== undefined;
  const inForm = () => view.batch !== undefined && !view.batch.started;
  const inStarted = () => view.batch?.started !== undefined;

  const list: ScreenKeyBinding[] = [
    {
      label: "Space",
      description: "select",
      matches: (i, k) => i === " " && !k.ctrl,
      run: () => view.toggle(),
    },
    { label: "/", description: "filter", matches: char("/"), run: () => view.openFilter() },
    { label: "Enter", description: "details", matches: (_, k) => k.return, run: () => view.openDetails() },
    { label: "r", description: "rescan", matches: char("r"), run: options.scan },
    {
      label: "b",
      description: "batch",
      matches: char("b"),
      run: () => openBatch(view),
    },
    { label: "e", description: "export", matches: char("e"), run: () => openExport(view) },
    // Listed only: the Space binding does it on a group header.
    {
      label: "Space (group)",
      description: "select the group",
      helpOnly: true,
      matches: () => false,
      run: () => {},
    },
    { label: "a", description: "select all shown", matches: char("a"), run: () => view.selectAll() },
    { label: "v", description: "select a range", matches: char("v"), run: () => view.toggleRange() },
    {
      label: "Esc",
      description: "clear selection, filter",
      matches: (_, k) => k.escape,
      run: () => view.clear(),
    },
  ];
  // In the filter, letters are typed into it: only the arrows and Home/End move.
  const movement = (letters: boolean) => movementKeys(view, windowRows, letters);
  const filter = filterKeys(view, true);
  const details = detailsKeys(view, maxScroll, windowRows);
  const form: ScreenKeyBinding[] = [
    { label: "Enter", description: "start the batch", matches: (_, k) => k.return, run: () => batch.start() },
    { label: "Esc", description: "cancel", matches: (_, k) => k.escape, run: () => batch.close() },
    // Listed only: the form's capture takes them, with the text typed.
    { label: "Tab / ↓", description: "next field", matches: () => false, run: () => {} },
    { label: "Shift-Tab / ↑", description: "previous field", matches: () => false, run: () => {} },
    { label: "← → Space", description: "change a choice", matches: () => false, run: () => {} },
  ];
  const started: ScreenKeyBinding[] = [
    {
      label: "Enter",
      description: "show it on the Jobs screen",
      matches: (_, k) => k.return,
      run: () => batch.showJobs(),
    },
    {
      label: "Esc",
      description: "back to the library",
      matches: (_, k) => k.escape,
      run: () => batch.close(),
    },
  ];

  return [
    ...exportKeys(
      view,
      exporting,
      () => closeExport(view),
      mode === "export" ? options.exportPhase : undefined,
    ),
    ...guarded(form, inForm, mode === "batch"),
    ...guarded(started, inStarted, mode === "started"),
    ...guarded(list, inList, mode === "list"),
    ...guarded(movement(true), inList, mode === "list"),
    ...guarded(filter, inFilter, mode === "filter"),
    ...guarded(movement(false), inFilter, mode === "filter"),
    ...guarded(details, inDetails, mode === "details"),
  ];
}

/**
 * `b`: opens the batch form for the selection, or else the episode under the cursor; says what
 * to do instead when there is none, or too many.
 */
function openBatch(view: LibraryView): void {
  const episodes = view.batchEpisodes();
  if (episodes.length === 0) {
    view.notify({
      text: "Nothing to batch: put the cursor on an episode, or select some (Space, a, v)",
      role: "warn",
    });
  } else if (episodes.length > MAX_BATCH_EPISODES) {
    view.notify({
      text: `A batch takes at most ${MAX_BATCH_EPISODES} episodes and ${
        formatCount(episodes.length)
      } are selected: select fewer (Esc clears the selection)`,
      role: "warn",
    });
  } else {
    view.openBatch(episodes);
  }
}

/**
 * `e`: opens the export form for the selection, or else the episode under the cursor; says what
 * to do instead when there is none, or too many.
 */
function openExport(view: LibraryView): void {
  const episodes = view.batchEpisodes();
  if (episodes.length === 0) {
    view.notify({
      text: "Nothing to export: put the cursor on an episode, or select some (Space, a, v)",
      role: "warn",
    });
  } else if (episodes.length > MAX_EXPORT_EPISODES) {
    view.notify({
      text: `An export takes at most ${formatCount(MAX_EXPORT_EPISODES)} episodes and ${
        formatCount(episodes.length)
      } are selected: select fewer`,
      role: "warn",
    });
  } else {
    view.openExport({
      kind: "episodes",
      episodeIds: episodes.map((episode) => episode.id),
      description: batchEpisodesText(episodes),
    });
  }
}

/** Closes the export form; after an export, the status line says where the file is. */
function closeExport(view: LibraryView): void {
  const result = view.exportForm?.result;
  view.closeExport();
  if (result) {
    view.notify({ text: `✓ Exported ${plural(result.notes, "note")} to ${result.path}`, role: "ok" });
  }
}
