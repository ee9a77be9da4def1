import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { LogLevel } from "../../shared/schemas.ts";
import { formatClock } from "../format.ts";
import { useTheme } from "../hooks/use_theme.ts";
import type { ColorRole } from "../theme.ts";

/** A log line as the log pane shows it. */
export interface LogLine {
  readonly id: string;
  readonly at: string;
  readonly level: LogLevel;
  readonly message: string;
}

const LEVEL_ROLES: Readonly<Record<LogLevel, ColorRole>> = {
  debug: "muted",
  info: "muted",
  warn: "warn",
  error: "error",
};

/** The newest `rows` log lines, oldest first, one terminal line each. */
export function LogPane(props: { lines: readonly LogLine[]; rows: number; empty: string }): ReactNode {
  const theme = useTheme();
  const shown = props.lines.slice(-props.rows);
  if (shown.length === 0) {
    return <Text color={theme.color("muted")} wrap="truncate-end">{props.empty}</Text>;
  }
  return (
    <Box flexDirection="column">
      {shown.map((line) => (
        <Text key={line.id} wrap="truncate-end">
          <Text color={theme.color("muted")}>{formatClock(line.at)}</Text>{" "}
          <Text color={theme.color(LEVEL_ROLES[line.level])}>{line.level.padEnd(5)}</Text> {line.message}
        </Text>
      ))}
    </Box>
  );
}
