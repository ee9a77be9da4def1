import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { ConnectionState } from "../../shared/client.ts";
import { useConnectionState } from "../hooks/use_connection_state.ts";
import { useCountdown } from "../hooks/use_countdown.ts";
import { useTheme } from "../hooks/use_theme.ts";

/** The reason a connection failed may take this many lines; the rest is cut. */
const MAX_REASON_LINES = 2;

/** How many lines {@link ConnectionBanner} takes for `state` at `columns` wide. */
export function connectionBannerRows(state: ConnectionState, columns: number): number {
  if (state.kind !== "reconnecting") return 1;
  const reasonLines = Math.ceil(state.reason.length / Math.max(1, columns));
  return 2 + Math.min(MAX_REASON_LINES, Math.max(1, reasonLines));
}

/**
 * The connection to the daemon in words: where it is connected, or that it is waiting, why,
 * when it tries again, and how to start a daemon.
 */
export function ConnectionBanner(props: { columns: number }): ReactNode {
  const theme = useTheme();
  const state = useConnectionState();
  const retryIn = useCountdown(state.kind === "reconnecting" ? state.retryAt : undefined);

  switch (state.kind) {
    case "connected":
      return (
        <Text wrap="truncate-end">
          <Text color={theme.color("ok")}>● connected</Text> to {state.url}
        </Text>
      );
    case "connecting":
      return (
        <Text color={theme.color("warn")} wrap="truncate-end">
          ○ connecting to the daemon…
        </Text>
      );
    case "closed":
      return <Text color={theme.color("muted")} wrap="truncate-end">○ connection closed</Text>;
    case "reconnecting":
      return (
        <Box flexDirection="column" height={connectionBannerRows(state, props.columns)} overflow="hidden">
          <Text wrap="truncate-end">
            <Text color={theme.color("warn")}>○ reconnecting</Text>
            {retryIn ? ` in ${retryIn}s` : " now"} (attempt {state.attempt}) · waiting for the daemon
          </Text>
          {/* Wrapped, not cut at once: the end of the reason often says what to do. */}
          <Box height={connectionBannerRows(state, props.columns) - 2} overflow="hidden">
            <Text color={theme.color("error")} wrap="wrap">{state.reason}</Text>
          </Box>
          <Text color={theme.color("muted")} wrap="truncate-end">
            Start it with `deno task daemon`; this screen reconnects by itself.
          </Text>
        </Box>
      );
  }
}
