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
import type { QueueStats } from "../../shared/jobs.ts";
import type { AppEvent } from "../../shared/schemas.ts";
import { BatchList } from "../components/BatchList.tsx";
import { type EmptyLine, EmptyLines } from "../components/EmptyLines.tsx";
import { EventsError } from "../components/EventsError.tsx";
import { ExportEditor } from "../components/ExportEditor.tsx";
import { JOB_LIST_CHROME_ROWS, JobList } from "../components/JobList.tsx";
import { type LogLine, LogPane } from "../components/LogPane.tsx";
import { Panel, PANEL_CHROME_COLUMNS, PANEL_CHROME_ROWS, ScreenPanel } from "../components/Panel.tsx";
import { StatusRows, statusRows } from "../components/StatusRows.tsx";
import { FocusContext } from "../context/FocusContext.tsx";
import { plural, wrapText } from "../format.ts";
import { useBatchJobs } from "../hooks/use_batch_jobs.ts";
import { useBatches } from "../hooks/use_batches.ts";
import { useConnectionState } from "../hooks/use_connection_state.ts";
import { useEvents } from "../hooks/use_events.ts";
import { captureExportKey, type ExportActions, exportKeys, useExport } from "../hooks/use_export.ts";
import { type JobActions, useJobActions } from "../hooks/use_job_actions.ts";
import { useJobLogs } from "../hooks/use_job_logs.ts";
import { useQueueStats } from "../hooks/use_queue_stats.ts";
import { useScreenKeys } from "../hooks/use_screen_keys.ts";
import { useTheme } from "../hooks/use_theme.ts";
import { useThrottled } from "../hooks/use_throttled.ts";
import { batchOptionsText, logLineText, pausedText } from "../job_text.ts";
import { JobsView } from "../jobs_view.ts";
import { char, type ScreenKeyBinding } from "../keys.ts";
import type { Notice } from "../library_view.ts";
import { guarded, movementKeys } from "../list_keys.ts";
import type { ScreenProps } from "./screen.ts";

const EVENT_TYPES = ["job.progress", "job.state", "batch.state"] as const;
/** Reloads that events ask for happen at most this often (a batch of 50 jobs sends bursts). */
const RELOAD_INTERVAL_MS = 500;
/** Below this height there is no log pane. */
const MIN_LOG_HEIGHT = 16;
/** The most lines a job's error takes above its log (it says what to do: read it whole). */
const MAX_ERROR_LINES = 4;

/**
 * What the status line says: the latest message, or what the keys of the pane do (and, without
 * a log pane, where the job under the cursor exported to).
 */
function statusLine(
  view: JobsView,
  errors: { batches?: string; jobs?: string },
  withLogs: boolean,
): Notice {
  if (view.notice) return view.notice;
  if (errors.batches && view.loaded) return { text: `✗ Reloading failed: ${errors.batches}`, role: "error" };
  if (errors.jobs && view.jobsLoaded) {
    return { text: `✗ Reloading the jobs failed: ${errors.jobs}`, role: "error" };
  }
  const batch = view.batch;
  if (!batch) return { text: "", role: "muted" };
  if (view.pane === "batches") {
    return {
      text: "Enter shows its jobs · C cancels it · R retries its failed jobs · e exports it",
      role: "muted",
    };
  }
  const exported = view.job?.exportPath;
  if (exported && !withLogs) return { text: `Exported to ${exported}`, role: "ok" };
  return { text: "c cancels the job · r retries it · Esc goes back to the batches", role: "muted" };
}

/** What the batch list says when there is no batch to show. */
function emptyBatches(view: JobsView, state: { connected: boolean; error?: string }): EmptyLine[] {
  if (!view.loaded) {
    if (state.error) return [{ text: `✗ batches.list failed: ${state.error}`, role: "error" }];
    return [{
      text: state.connected ? "Loading…" : "Not connected: the batches load once the daemon answers.",
      role: "muted",
    }];
  }
  return [
    { text: "No batches yet." },
    {
      text: "To start one: select episodes on the Library screen (2), press b, choose the options and " +
        "press Enter. Each episode is one job: analyse, review (if asked), render, export (if asked).",
      role: "muted",
    },
  ];
}

/** `text` wrapped to `width`, at most `max` lines, the last one ending in `…` when it goes on. */
function clippedLines(text: string, width: number, max: number): string[] {
  const lines = wrapText(text, width);
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, Math.max(1, max));
  kept[kept.length - 1] = `${[...kept[kept.length - 1]].slice(0, Math.max(0, width - 1)).join("")}…`;
  return kept;
}

/** Whether a screen `height` rows tall has a log pane. */
function hasLogPane(height: number): boolean {
  return height >= MIN_LOG_HEIGHT;
}

/** How the screen's height is shared: batch rows, job rows, log rows (0: no log pane). */
function layout(
  height: number,
  statusCount: number,
  counts: { batches: number; jobs: number },
): { batches: number; jobs: number; logs: number } {
  const withLogs = hasLogPane(height);
  const room = Math.max(
    2,
    height - PANEL_CHROME_ROWS * (withLogs ? 3 : 2) - JOB_LIST_CHROME_ROWS - statusCount,
  );
  const batches = Math.max(
    1,
    Math.min(counts.batches, Math.max(2, Math.round(room * (withLogs ? 0.25 : 0.4)))),
  );
  if (!withLogs) return { batches, jobs: Math.max(1, room - batches), logs: 0 };
  const jobs = Math.max(1, Math.min(counts.jobs, Math.max(2, Math.round(room * 0.4))));
  return { batches, jobs, logs: Math.max(1, room - batches - jobs) };
}

/**
 * The batch queue: batches newest first with a progress bar, state and counts; the jobs of
 * the batch under the cursor (stage, percentages, time left, runs, state, error); the log of
 * the job under the cursor, followed while it runs. Rows follow `job.progress`, `job.state`
 * and `batch.state` as they arrive; jobs and batches are cancelled and retried, the queues
 * paused and resumed; a batch is exported (an Anki deck, CSV, TSV or JSON) with its progress,
 * and a job that exported says where the file is.
 */
export function Jobs(props: ScreenProps): ReactNode {
  const theme = useTheme();
  const connected = useConnectionState().kind === "connected";
  const [view] = useState(() => new JobsView());
  useSyncExternalStore(view.subscribe, view.getSnapshot);

  const batches = useBatches();
  const batchJobs = useBatchJobs(view.batch?.id);
  const job = view.job;
  const logs = useJobLogs(job?.id, job?.state === "active");
  const queues = useQueueStats();

  useEffect(() => {
    if (batches.batches) view.setBatches(batches.batches);
  }, [view, batches.batches]);
  useEffect(() => {
    const detail = batchJobs.detail;
    if (!detail) return;
    const { jobs, ...batch } = detail;
    view.applyBatch(batch);
    view.setJobs(detail.id, jobs);
  }, [view, batchJobs.detail]);

  const reloadBatches = useThrottled(batches.reload, RELOAD_INTERVAL_MS);
  const reloadJobs = useThrottled(batchJobs.reload, RELOAD_INTERVAL_MS);
  const refreshQueues = useThrottled(queues.refresh, RELOAD_INTERVAL_MS * 2);
  const { fetchNewer } = logs;

  const onEvent = useCallback((event: AppEvent) => {
    switch (event.type) {
      case "job.progress":
        view.applyProgress(event.data);
        break;
      case "job.state":
        view.applyJobState(event.data);
        // The event says state, stage and error; a reload brings runs, times and the rest.
        if (event.data.batchId === view.batch?.id) reloadJobs();
        if (event.data.jobId === view.job?.id) fetchNewer();
        refreshQueues();
        break;
      case "batch.state":
        if (!view.applyBatchState(event.data)) reloadBatches();
        break;
    }
  }, [view, reloadJobs, reloadBatches, refreshQueues, fetchNewer]);
  const eventsError = useEvents(EVENT_TYPES, onEvent);

  // Shown after the Library's batch form started a batch: show that one.
  const focus = useContext(FocusContext);
  const adopted = useRef<number | undefined>(undefined);
  const { reload: reloadNow } = batches;
  useEffect(() => {
    const wanted = focus.batch.get();
    if (!props.active || wanted === undefined || wanted === adopted.current) return;
    adopted.current = wanted;
    view.focusBatch(wanted);
    reloadNow();
  }, [props.active, focus, view, reloadNow]);

  const setQueues = queues.set;
  const exportActions = useExport(view);
  const actions = useJobActions(view, {
    changed: useCallback(() => {
      reloadJobs();
      reloadBatches();
      refreshQueues();
    }, [reloadJobs, reloadBatches, refreshQueues]),
    queues: setQueues,
  });

  const { width } = props;
  const innerWidth = Math.max(1, width - PANEL_CHROME_COLUMNS);
  const height = props.height - (eventsError ? 1 : 0);
  const status = statusLine(view, { batches: batches.error, jobs: batchJobs.error }, hasLogPane(height));
  const statusLines = status.text ? statusRows(status, innerWidth, height) : [];
  const rows = layout(height, statusLines.length, {
    batches: view.batches.rows.length,
    jobs: view.jobs.rows.length,
  });
  const paused = queues.stats ? pausedText(queues.stats) : undefined;

  const hasBatch = view.batch !== undefined;
  const hasJob = job !== undefined;
  const exportPhase = view.exportForm?.phase.kind;
  const keys = useMemo(
    () =>
      jobsKeys(view, actions, exportActions, {
        pane: view.pane,
        batchRows: rows.batches,
        jobRows: rows.jobs,
        hasBatch,
        hasJob,
        stats: queues.stats,
        exportPhase,
      }),
    [
      view,
      actions,
      exportActions,
      view.pane,
      rows.batches,
      rows.jobs,
      hasBatch,
      hasJob,
      queues.stats,
      exportPhase,
    ],
  );
  const capture = useCallback((input: string, key: Key) => captureExportKey(view, input, key), [view]);
  useScreenKeys(keys, { capture });

  const eventsLine = eventsError ? <EventsError error={eventsError} /> : null;
  const batch = view.batch;
  const batchesAside = (
    <Text wrap="truncate-end">
      {view.loaded ? `— ${plural(view.batches.rows.length, "batch", "batches")}` : ""}
      {paused
        ? <Text color={theme.color(paused.paused ? "warn" : "muted")}>{` · ${paused.text}`}</Text>
        : null}
      {queues.error ? <Text color={theme.color("error")}>{` · ✗ queue.stats: ${queues.error}`}</Text> : null}
    </Text>
  );

  if (view.exportForm) {
    return (
      <ScreenPanel
        events={eventsLine}
        screenHeight={props.height}
        title="Export"
        aside={<Text wrap="truncate-end">— {view.exportForm.target.description}</Text>}
        width={width}
        height={height}
      >
        <ExportEditor
          form={view.exportForm}
          width={innerWidth}
          height={Math.max(1, height - PANEL_CHROME_ROWS)}
        />
      </ScreenPanel>
    );
  }

  if (!batch) {
    // Nothing to show jobs or a log of: the whole screen says how to start a batch.
    return (
      <ScreenPanel
        events={eventsLine}
        screenHeight={props.height}
        title="Batches"
        aside={batchesAside}
        width={width}
        height={height}
      >
        <EmptyLines
          lines={emptyBatches(view, { connected, error: batches.error })}
          width={innerWidth}
          height={Math.max(0, height - PANEL_CHROME_ROWS - statusLines.length)}
        />
        <StatusRows lines={statusLines} role={status.role} />
      </ScreenPanel>
    );
  }

  const batchesPanel = (
    <Panel title="Batches" aside={batchesAside} width={width} height={PANEL_CHROME_ROWS + rows.batches}>
      <BatchList
        pane={view.batches}
        focused={view.pane === "batches"}
        height={rows.batches}
        width={innerWidth}
      />
    </Panel>
  );

  const jobRows = rows.jobs + JOB_LIST_CHROME_ROWS;
  let jobsBody: ReactNode;
  if (view.jobsLoaded && view.jobs.rows.length > 0) {
    jobsBody = (
      <JobList pane={view.jobs} focused={view.pane === "jobs"} height={jobRows} width={innerWidth} />
    );
  } else {
    jobsBody = (
      <EmptyLines
        lines={[
          batchJobs.error && !view.jobsLoaded
            ? { text: `✗ batches.get failed: ${batchJobs.error}`, role: "error" }
            : { text: view.jobsLoaded ? "This batch has no jobs." : "Loading the jobs…", role: "muted" },
        ]}
        width={innerWidth}
        height={jobRows}
      />
    );
  }
  const jobsPanel = (
    <Panel
      title={`Batch ${batch.id}`}
      aside={<Text wrap="truncate-end">— {batchOptionsText(batch)}</Text>}
      width={width}
      height={PANEL_CHROME_ROWS + jobRows + statusLines.length}
    >
      {jobsBody}
      <StatusRows lines={statusLines} role={status.role} />
    </Panel>
  );

  let logsPanel: ReactNode = null;
  if (rows.logs > 0) {
    const errorLines = job?.error && job.state !== "completed"
      ? clippedLines(`✗ ${job.error}`, innerWidth, Math.min(MAX_ERROR_LINES, Math.ceil(rows.logs / 2)))
      : [];
    const exportLines = job?.exportPath
      ? clippedLines(`→ Exported to ${job.exportPath}`, innerWidth, Math.min(2, Math.ceil(rows.logs / 2)))
      : [];
    const lines: LogLine[] = (logs.lines ?? []).map((line) => ({
      id: String(line.id),
      at: line.at,
      level: line.level,
      message: logLineText(line),
    }));
    const empty = !job
      ? "The log of the job under the cursor shows here."
      : logs.error
      ? `✗ jobs.logs failed: ${logs.error}`
      : logs.lines
      ? "No log lines yet."
      : "Loading the log…";
    logsPanel = (
      <Panel
        title="Log"
        aside={job
          ? (
            <Text wrap="truncate-end">
              — {job.label} (job {job.id}){job.state === "active" ? " · live" : ""}
            </Text>
          )
          : undefined}
        width={width}
        height={PANEL_CHROME_ROWS + rows.logs}
      >
        {errorLines.map((line) => (
          <Text key={line} color={theme.color("error")} wrap="truncate-end">{line}</Text>
        ))}
        {exportLines.map((line) => (
          <Text key={`export:${line}`} color={theme.color("ok")} wrap="truncate-end">{line}</Text>
        ))}
        <LogPane
          lines={lines}
          rows={Math.max(0, rows.logs - errorLines.length - exportLines.length)}
          empty={empty}
        />
      </Panel>
    );
  }

  return (
    <Box flexDirection="column" width={width} height={props.height}>
      {eventsLine}
      {batchesPanel}
      {jobsPanel}
      {logsPanel}
    </Box>
  );
}

/**
 * The screen's keys: the batches' and the jobs' movement and actions, each matching only while
 * its list has the keys (read from the view when the key arrives); the batch and queue keys in
 * both.
 */
function jobsKeys(
  view: JobsView,
  actions: JobActions,
  exporting: ExportActions,
  options: {
    pane: JobsView["pane"];
    batchRows: number;
    jobRows: number;
    hasBatch: boolean;
    hasJob: boolean;
    stats: readonly QueueStats[] | undefined;
    exportPhase: "editing" | "running" | "done" | undefined;
  },
): ScreenKeyBinding[] {
  const { pane, hasBatch, exportPhase } = options;
  const inBatches = () => view.pane === "batches";
  const inJobs = () => view.pane === "jobs";
  const resume = options.stats?.some((queue) => queue.paused) ?? false;

  const batches: ScreenKeyBinding[] = [
    {
      label: "Enter / →",
      description: "the batch's jobs",
      matches: (_, k) => k.return || k.rightArrow,
      run: () => view.focusPane("jobs"),
    },
  ];
  const jobs: ScreenKeyBinding[] = [
    { label: "c", description: "cancel job", matches: char("c"), run: () => actions.cancelJob() },
    { label: "r", description: "retry job", matches: char("r"), run: () => actions.retryJob() },
  ];
  const back: ScreenKeyBinding[] = [
    {
      label: "Esc / Enter / ←",
      description: "back to the batches",
      matches: (_, k) => k.escape || k.return || k.leftArrow,
      run: () => view.focusPane("batches"),
    },
  ];
  const batch: ScreenKeyBinding[] = [
    { label: "C", description: "cancel batch", matches: char("C"), run: () => actions.cancelBatch() },
    { label: "R", description: "retry failed", matches: char("R"), run: () => actions.retryFailed() },
    { label: "e", description: "export batch", matches: char("e"), run: () => openExport(view) },
  ];
  const queues: ScreenKeyBinding[] = [
    {
      label: "p",
      description: resume ? "resume queues" : "pause queues",
      matches: char("p"),
      run: () => actions.togglePause(options.stats),
    },
  ];

  // In the footer's order: the actions first, going back last (Esc is the usual way back).
  const screen = [
    ...guarded(jobs, inJobs, pane === "jobs" && options.hasJob),
    ...guarded(batches, inBatches, pane === "batches" && hasBatch),
    ...queues,
    ...guarded(batch, () => true, hasBatch),
    ...guarded(back, inJobs, pane === "jobs"),
    ...guarded(
      movementKeys(view.batches, options.batchRows, true),
      inBatches,
      pane === "batches" && hasBatch,
    ),
    ...guarded(movementKeys(view.jobs, options.jobRows, true), inJobs, pane === "jobs" && options.hasJob),
  ];
  // While the export form is open, only its keys.
  return [
    ...exportKeys(view, exporting, () => closeExport(view), exportPhase),
    ...guarded(screen, () => !view.exportForm, exportPhase === undefined),
  ];
}

/** `e`: opens the export form for the batch under the cursor. */
function openExport(view: JobsView): void {
  const batch = view.batch;
  if (!batch) return;
  view.openExport({
    kind: "batch",
    batchId: batch.id,
    description: `batch ${batch.id} (${plural(batch.total, "episode")})`,
  });
}

/** Closes the export form; after an export, the status line says where the file is. */
function closeExport(view: JobsView): void {
  const result = view.exportForm?.result;
  const target = view.exportForm?.target;
  view.closeExport();
  if (result && target) {
    view.notify({
      text: `✓ Exported ${target.description}: ${plural(result.notes, "note")} to ${result.path}`,
      role: "ok",
    });
  }
}
