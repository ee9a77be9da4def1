import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { COMPONENT_NAMES, type HealthReport } from "../../shared/schemas.ts";
import { formatLatency } from "../format.ts";
import { useTheme } from "../hooks/use_theme.ts";
import { StatusBadge } from "./StatusBadge.tsx";

/** Rows the table takes: a heading and one line per component. */
export const HEALTH_TABLE_ROWS = COMPONENT_NAMES.length + 1;

const NAME_WIDTH = 11;
const STATUS_WIDTH = 12;
const LATENCY_WIDTH = 10;

/** One line per component: name, status, latency and as much of the detail as fits. */
export function HealthTable(props: { report?: HealthReport }): ReactNode {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Box>
        <Box width={NAME_WIDTH} flexShrink={0}>
          <Text color={theme.color("muted")}>component</Text>
        </Box>
        <Box width={STATUS_WIDTH} flexShrink={0}>
          <Text color={theme.color("muted")}>status</Text>
        </Box>
        <Box width={LATENCY_WIDTH} flexShrink={0} justifyContent="flex-end" paddingRight={2}>
          <Text color={theme.color("muted")}>latency</Text>
        </Box>
        <Text color={theme.color("muted")}>detail</Text>
      </Box>
      {COMPONENT_NAMES.map((name) => {
        const component = props.report?.components[name];
        return (
          <Box key={name}>
            <Box width={NAME_WIDTH} flexShrink={0}>
              <Text bold>{name}</Text>
            </Box>
            <Box width={STATUS_WIDTH} flexShrink={0}>
              {component
                ? <StatusBadge status={component.status} />
                : <Text color={theme.color("muted")}>… waiting</Text>}
            </Box>
            <Box width={LATENCY_WIDTH} flexShrink={0} justifyContent="flex-end" paddingRight={2}>
              <Text>{component ? formatLatency(component.latencyMs) : ""}</Text>
            </Box>
            <Box flexGrow={1} flexShrink={1} overflow="hidden">
              <Text wrap="truncate-end">{component?.detail ?? ""}</Text>
            </Box>
          </Box>
        );
      })}
    </Box>
  );
}
