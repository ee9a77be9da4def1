import { Box, Text } from "ink";
import { type ReactNode, useCallback, useMemo, useState } from "react";
import type { AppEvent } from "../../shared/schemas.ts";
import { HEALTH_TABLE_ROWS, HealthTable } from "../components/HealthTable.tsx";
import { type LogLine, LogPane } from "../components/LogPane.tsx";
import { Panel, PANEL_CHROME_ROWS } from "../components/Panel.tsx";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { formatClock, formatDuration } from "../format.ts";
import { useConnectionState } from "../hooks/use_connection_state.ts";
import { useEvents } from "../hooks/use_events.ts";
import { useHealth } from "../hooks/use_health.ts";
import { useScreenKeys } from "../hooks/use_screen_keys.ts";
import { useTheme } from "../hooks/use_theme.ts";
import { char } from "../keys.ts";
import type { ScreenProps } from "./screen.ts";

/** How many log lines are kept; more than the pane shows, so a taller terminal shows more. */
const KEPT_LOG_LINES = 50;
const EVENT_TYPES = ["log", "health"] as const;

/** The daemon at a glance: connection, health of each component, recent warnings and errors. */
export function Dashboard(props: ScreenProps): ReactNode {
  const theme = useTheme();
  const connected = useConnectionState().kind === "connected";
  const health = useHealth();
  const [logs, setLogs] = useState<readonly LogLine[]>([]);
  const { refresh } = health;

  const onEvent = useCallback((event: AppEvent, id: string) => {
    if (event.type === "health") {
      refresh();
    } else if (event.type === "log" && (event.data.level === "warn" || event.data.level === "error")) {
      const line: LogLine = { id, at: event.at, level: event.data.level, message: event.data.message };
      setLogs((previous) => [...previous, line].slice(-KEPT_LOG_LINES));
    }
  }, [refresh]);
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
  const logRows = props.height - healthRows - PANEL_CHROME_ROWS - (eventsError ? 1 : 0);

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
      {logRows >= 1
        ? (
          <Panel
            title="Recent warnings and errors"
            width={props.width}
            height={props.height - healthRows}
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
