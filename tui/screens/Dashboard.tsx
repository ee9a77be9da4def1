import { Box, Text } from "ink";
import { type ReactNode, useCallback, useMemo, useState } from "react";
import type { AppEvent } from "../../shared/schemas.ts";
import { HEALTH_TABLE_ROWS, HealthTable } from "../components/HealthTable.tsx";
import { type LogLine, LogPane } from "../components/LogPane.tsx";
import { Panel, PANEL_CHROME_ROWS } from "../components/Panel.tsx";
import { QUEUE_TABLE_ROWS, QueueTable } from "../components/QueueTable.tsx";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { formatClock, formatDuration } from "../format.ts";
import { useConnectionState } from "../hooks/use_connection_state.ts";
import { useEvents } from "../hooks/use_events.ts";
import { useHealth } from "../hooks/use_health.ts";
import { useQueueStats } from "../hooks/use_queue_stats.ts";
import { useScreenKeys } from "../hooks/use_screen_keys.ts";
import { useTheme } from "../hooks/use_theme.ts";
import { useThrottled } from "../hooks/use_throttled.ts";
import { pausedText } from "../job_text.ts";
import { char } from "../keys.ts";
import type { ScreenProps } from "./screen.ts";

/** How many log lines are kept; more than the pane shows, so a taller terminal shows more. */
const KEPT_LOG_LINES = 50;
const EVENT_TYPES = ["log", "health", "job.state", "batch.state"] as const;
/** The fewest warning lines worth a pane; below this the queues panel makes room for them. */
const MIN_LOG_ROWS = 2;
/** Job and batch events ask for the queue counts at most this often. */
const QUEUE_REFRESH_MS = 1_000;

/**
 * The daemon at a glance: connection, health of each component, the stage queues' counts, recent
 * warnings and errors.
 */
export function Dashboard(props: ScreenProps): ReactNode {
  const theme = useTheme();
  const connected = useConnectionState().kind === "connected";
  const health = useHealth();
  const [logs, setLogs] = useState<readonly LogLine[]>([]);
  const { refresh } = health;
  const queues = useQueueStats();
  const refreshQueues = useThrottled(queues.refresh, QUEUE_REFRESH_MS);

  const onEvent = useCallback((event: AppEvent, id: string) => {
    if (event.type === "health") {
      refresh();
    } else if (event.type === "job.state" || event.type === "batch.state") {
      refreshQueues();
    } else if (event.type === "log" && (event.data.level === "warn" || event.data.level === "error")) {
      const line: LogLine = { id, at: event.at, level: event.data.level, message: event.data.message };
      setLogs((previous) => [...previous, line].slice(-KEPT_LOG_LINES));
    }
  }, [refresh, refreshQueues]);
  const eventsError = useEvents(EVENT_TYPES, onEvent);

  useScreenKeys(
    useMemo(() => [{ label: "r", description: "refresh health now", matches: char("r"), run: refresh }], [
      refresh,
    ]),
  );

  const report = health.report;
  const summary = report
    ? (
      <Text wrap="truncate-end">
        <StatusBadge status={report.status} bold /> · v{report.version} · up {formatDuration(report.uptimeS)}
        {" · "}
        <Text color={theme.color("muted")}>
          {connected
            ? `checked ${formatClock(report.checkedAt)}`
            : `last known, ${formatClock(report.checkedAt)}`}
        </Text>
      </Text>
    )
    : (
      <Text color={theme.color("muted")} wrap="truncate-end">
        {!connected ? "not connected" : health.error ? "no report" : "asking…"}
      </Text>
    );

  const healthRows = PANEL_CHROME_ROWS + HEALTH_TABLE_ROWS + (health.error ? 1 : 0);
  const eventsRows = eventsError ? 1 : 0;
  const queueHeight = PANEL_CHROME_ROWS + QUEUE_TABLE_ROWS + (queues.error ? 1 : 0);
  // The queues give way to the warnings on a short screen (e.g. under a reconnecting banner).
  const queueRows = props.height - healthRows - queueHeight - PANEL_CHROME_ROWS - eventsRows >= MIN_LOG_ROWS
    ? queueHeight
    : 0;
  const logRows = props.height - healthRows - queueRows - PANEL_CHROME_ROWS - eventsRows;
  const paused = queues.stats ? pausedText(queues.stats) : undefined;

  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      <Panel title="Health" aside={summary} width={props.width} height={healthRows}>
        {health.error
          ? (
            <Text color={theme.color("error")} wrap="truncate-end">
              ✗ health.check failed: {health.error}
            </Text>
          )
          : null}
        <HealthTable report={report} />
      </Panel>
      {queueRows > 0
        ? (
          <Panel
            title="Queues"
            aside={paused
              ? (
                <Text color={theme.color(paused.paused ? "warn" : "muted")} wrap="truncate-end">
                  {paused.text}
                </Text>
              )
              : undefined}
            width={props.width}
            height={queueHeight}
          >
            {queues.error
              ? (
                <Text color={theme.color("error")} wrap="truncate-end">
                  ✗ queue.stats failed: {queues.error}
                </Text>
              )
              : null}
            <QueueTable stats={queues.stats} />
          </Panel>
        )
        : null}
      {logRows >= 1
        ? (
          <Panel
            title="Recent warnings and errors"
            width={props.width}
            height={props.height - healthRows - queueRows}
          >
            {eventsError
              ? <Text color={theme.color("error")} wrap="truncate-end">✗ events: {eventsError}</Text>
              : null}
            <LogPane lines={logs} rows={logRows} empty="None since the TUI started." />
          </Panel>
        )
        : null}
    </Box>
  );
}
